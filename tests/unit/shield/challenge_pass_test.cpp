// SPDX-License-Identifier: Apache-2.0
// The Challenger's passes: the cookie, what binds it, and what breaks it.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

#include "challenge_test_support.h"
#include "shield/policy/challenge.h"

namespace {

using namespace rampart::shield::policy::challenge_test;  // NOLINT(google-build-using-namespace): the shared helpers
using rampart::shield::policy::ChallengeConfig;
using rampart::shield::policy::Challenger;

// --- passes ---------------------------------------------------------------------------------------

TEST(ChallengePass, IsACookieForTheWholeSite) {
  const Challenger ch(config());
  const std::string c = ch.passCookie(ip("192.0.2.10"), kNow);
  const std::string attributes = "; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax";
  EXPECT_EQ(c.rfind("rampart_pass=", 0), 0u) << c;
  EXPECT_EQ(c.substr(c.find(';')), attributes);
  EXPECT_EQ(valueOf(c).size(), 38u) << "IPv4: 28 bytes";
  EXPECT_TRUE(isBase64url(valueOf(c))) << c;
  const std::string c6 = ch.passCookie(ip("2001:db8::1"), kNow);
  EXPECT_EQ(c6.substr(c6.find(';')), attributes);
  EXPECT_EQ(valueOf(c6).size(), 44u) << "IPv6: 33 bytes";
  EXPECT_TRUE(isBase64url(valueOf(c6))) << c6;
  ChallengeConfig named = config();
  named.cookie_name = "__shield";
  EXPECT_EQ(Challenger(named).passCookie(ip("192.0.2.10"), kNow).rfind("__shield=", 0), 0u);
}

TEST(ChallengePass, IsGoodForTheClientsNetworkOnly) {
  const Challenger ch(config());
  const std::string c = sentBack(ch.passCookie(ip("192.0.2.10"), kNow));
  EXPECT_TRUE(ch.hasValidPass(c, ip("192.0.2.10"), kNow));
  EXPECT_TRUE(ch.hasValidPass(c, ip("192.0.2.254"), kNow + 10)) << "another host of the same /24";
  EXPECT_FALSE(ch.hasValidPass(c, ip("192.0.3.10"), kNow)) << "the next /24";
  EXPECT_FALSE(ch.hasValidPass(c, ip("10.0.2.10"), kNow));
  EXPECT_FALSE(ch.hasValidPass(c, ip("2001:db8::1"), kNow)) << "an IPv6 client";

  const std::string c6 = sentBack(ch.passCookie(ip("2001:db8:1:2::1"), kNow));
  EXPECT_TRUE(ch.hasValidPass(c6, ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), kNow)) << "the same /64";
  EXPECT_FALSE(ch.hasValidPass(c6, ip("2001:db8:1:3::1"), kNow)) << "the next /64";
  EXPECT_FALSE(ch.hasValidPass(c6, ip("192.0.2.10"), kNow));
}

TEST(ChallengePass, ExpiresAfterItsTtl) {
  const Challenger ch(config());
  const std::string c = sentBack(ch.passCookie(ip("192.0.2.10"), kNow));
  EXPECT_TRUE(ch.hasValidPass(c, ip("192.0.2.10"), kNow + 3599));
  EXPECT_FALSE(ch.hasValidPass(c, ip("192.0.2.10"), kNow + 3600));
  EXPECT_FALSE(ch.hasValidPass(c, ip("192.0.2.10"), kNow + 1'000'000));
}

TEST(ChallengePass, MintedForALongerTtlIsCutShort) {
  ChallengeConfig longer = config();
  longer.pass_ttl_s = 30 * 86400;
  const std::string c = sentBack(Challenger(longer).passCookie(ip("192.0.2.10"), kNow));
  const Challenger ch(config());  // same secret, 1 h
  EXPECT_FALSE(ch.hasValidPass(c, ip("192.0.2.10"), kNow));
  EXPECT_TRUE(Challenger(longer).hasValidPass(c, ip("192.0.2.10"), kNow + 86400));
}

TEST(ChallengePass, AnyChangedCharacterOrAnotherSecretInvalidatesIt) {
  const Challenger ch(config());
  const std::string value = valueOf(ch.passCookie(ip("192.0.2.10"), kNow));
  for (const std::string& t : oneCharacterChanges(value)) {
    EXPECT_FALSE(ch.hasValidPass("rampart_pass=" + t, ip("192.0.2.10"), kNow)) << t;
  }
  EXPECT_FALSE(ch.hasValidPass("rampart_pass=" + value.substr(0, value.size() - 1), ip("192.0.2.10"), kNow));
  EXPECT_FALSE(ch.hasValidPass("rampart_pass=" + value + "A", ip("192.0.2.10"), kNow));
  ChallengeConfig other = config();
  other.secret = "another shield's secret, long enough";
  EXPECT_FALSE(Challenger(other).hasValidPass("rampart_pass=" + value, ip("192.0.2.10"), kNow));
}

// The wire format of challenge.cpp: payload || the first 16 bytes of HMAC-SHA-256(secret, payload),
// whatever the secret's length (RFC 2104 hashes keys longer than SHA-256's 64-byte block).
TEST(ChallengePass, IsSignedWithHmacSha256) {
  for (const std::size_t length : {16, 63, 64, 65, 200}) {
    ChallengeConfig c = config();
    c.secret = std::string(length, 'k');
    c.secret[length / 2] = 'x';
    const Challenger ch(c);
    for (const std::vector<uint8_t>& token : {b64decode(valueOf(ch.passCookie(ip("192.0.2.10"), kNow))),
                                              b64decode(tokenOf(ch.challengePage(ip("2001:db8::1"), "/x", 9, kNow)))}) {
      ASSERT_GT(token.size(), 16u);
      std::array<unsigned char, EVP_MAX_MD_SIZE> want{};
      unsigned len = 0;
      HMAC(EVP_sha256(), c.secret.data(), static_cast<int>(c.secret.size()), token.data(), token.size() - 16,
           want.data(), &len);
      EXPECT_EQ(std::vector<uint8_t>(token.end() - 16, token.end()),
                std::vector<uint8_t>(want.begin(), want.begin() + 16))
          << "secret of " << length << " bytes";
    }
  }
}

TEST(ChallengePass, ARandomSecretIsDrawnPerChallengerAndKeptByCopies) {
  ChallengeConfig c = config();
  c.secret.clear();
  const Challenger a(c);
  const Challenger b(c);
  const Challenger copy = a;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the point
  const std::string pass = sentBack(a.passCookie(ip("192.0.2.1"), kNow));
  EXPECT_TRUE(a.hasValidPass(pass, ip("192.0.2.1"), kNow));
  EXPECT_TRUE(copy.hasValidPass(pass, ip("192.0.2.1"), kNow));
  EXPECT_FALSE(b.hasValidPass(pass, ip("192.0.2.1"), kNow));
  EXPECT_TRUE(a.config().secret.empty()) << "the drawn key is not reported as configuration";
}

TEST(ChallengePass, IsFoundAmongOtherCookies) {
  const Challenger ch(config());
  const IpAddress client = ip("192.0.2.10");
  const std::string v = valueOf(ch.passCookie(client, kNow));
  for (const std::string& header : std::vector<std::string>{
           "rampart_pass=" + v, "a=b; rampart_pass=" + v + "; c=d", "a=b;rampart_pass=" + v + ";c=d",
           "  rampart_pass = " + v + " ;", "rampart_pass=\"" + v + "\"", "x=1; rampart_pass=garbage; rampart_pass=" + v,
           ";;; =; junk; rampart_pass=" + v + ";;", "a=\"b; c\"; rampart_pass=" + v, "\trampart_pass=" + v + "\t"}) {
    EXPECT_TRUE(ch.hasValidPass(header, client, kNow)) << header;
  }
  for (const std::string& header : std::vector<std::string>{
           std::string(), std::string("rampart_pass"), std::string("rampart_pass="), std::string(";;;;"),
           std::string("="), "xrampart_pass=" + v, "rampart_passx=" + v, "Rampart_pass=" + v, "a=" + v,
           "rampart_pass=" + v.substr(1), "rampart_pass==" + v, std::string("rampart_pass=\xff\xfe\x00", 16),
           std::string(20000, ';'), std::string(20000, 'A')}) {
    EXPECT_FALSE(ch.hasValidPass(header, client, kNow)) << header.substr(0, 80);
  }
}

TEST(ChallengePass, AHeaderStuffedWithCandidatesCostsAtMostFourChecks) {
  const Challenger ch(config());
  const IpAddress client = ip("192.0.2.10");
  const std::string v = valueOf(ch.passCookie(client, kNow));
  const std::string forged = "rampart_pass=" + std::string(v.size(), 'A') + "; ";
  EXPECT_TRUE(ch.hasValidPass(forged + forged + forged + "rampart_pass=" + v, client, kNow));
  EXPECT_FALSE(ch.hasValidPass(forged + forged + forged + forged + "rampart_pass=" + v, client, kNow))
      << "the fifth candidate is not looked at";
}

}  // namespace
