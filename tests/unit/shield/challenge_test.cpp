// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/challenge.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using rampart::core::IpAddress;
using rampart::shield::policy::ChallengeConfig;
using rampart::shield::policy::Challenger;

constexpr uint64_t kNow = 1'700'000'000;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

ChallengeConfig config() {
  ChallengeConfig c;
  c.secret = "test secret: 0123456789abcdef";
  c.pass_ttl_s = 3600;
  c.challenge_ttl_s = 120;
  c.nojs_delay_s = 5;
  return c;
}

// "rampart_pass=VALUE; Path=/; ..." -> "rampart_pass=VALUE", what a browser sends back.
std::string sentBack(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }
std::string valueOf(const std::string& set_cookie) {
  const std::string pair = sentBack(set_cookie);
  return pair.substr(pair.find('=') + 1);
}

// The value of the first attribute `name` in the page (no regex: GCC 12's <regex> warns under ASan).
std::string attribute(const std::string& page, const std::string& name) {
  const std::size_t at = page.find(name + "=\"");
  if (at == std::string::npos) return {};
  const std::size_t begin = at + name.size() + 2;
  return page.substr(begin, page.find('"', begin) - begin);
}

bool isBase64url(const std::string& s) {
  return !s.empty() &&
         s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
}
std::string tokenOf(const std::string& page) { return attribute(page, "data-token"); }

// Every character changed in turn to another of the alphabet.
std::vector<std::string> oneCharacterChanges(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::string t = s;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    out.push_back(t);
  }
  return out;
}

// The proof of work the page's script does: the first nonce whose SHA-256(token ":" nonce) has
// `bits` leading zero bits.
bool meets(const std::string& token, uint64_t nonce, unsigned bits) {
  const std::string s = token + ":" + std::to_string(nonce);
  std::array<unsigned char, EVP_MAX_MD_SIZE> d{};
  unsigned len = 0;
  EVP_Digest(s.data(), s.size(), d.data(), &len, EVP_sha256(), nullptr);
  unsigned zeros = 0;
  for (unsigned i = 0; i < len && zeros == 8 * i; ++i) zeros += d[i] == 0 ? 8 : __builtin_clz(d[i]) - 24;
  return zeros >= bits;
}
uint64_t solve(const std::string& token, unsigned bits) {
  uint64_t n = 0;
  while (!meets(token, n, bits)) ++n;
  return n;
}

std::string verifyTarget(const std::string& token, uint64_t nonce) {
  return "/.rampart/challenge/verify?t=" + token + "&n=" + std::to_string(nonce);
}
std::string nojsTarget(const std::string& token) { return "/.rampart/challenge/nojs?t=" + token; }

// base64url without padding, to forge tokens the way an attacker would (the format is in challenge.cpp).
std::string b64encode(const std::vector<uint8_t>& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (const uint8_t b : in) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) out.push_back(a[(acc >> (bits -= 6)) & 63]);
  }
  if (bits > 0) out.push_back(a[(acc << (6 - bits)) & 63]);
  return out;
}
std::vector<uint8_t> b64decode(const std::string& in) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    const int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                  : c >= 'a' && c <= 'z' ? c - 'a' + 26
                  : c >= '0' && c <= '9' ? c - '0' + 52
                  : c == '-'             ? 62
                                         : 63;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) out.push_back(static_cast<uint8_t>(acc >> (bits -= 8)));
  }
  return out;
}

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

// --- the page ---------------------------------------------------------------------------------------

TEST(ChallengePage, SaysWhatHappensAndCarriesTheTokenAndTheNoScriptPath) {
  const Challenger ch(config());
  const std::string page = ch.challengePage(ip("198.51.100.4"), "/news?id=7", 12, kNow);
  EXPECT_EQ(page.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page.find("<meta name=\"rampart-challenge\""), std::string::npos);
  EXPECT_NE(page.find("under heavy attack"), std::string::npos);
  EXPECT_NE(page.find("takes a moment"), std::string::npos);
  EXPECT_NE(page.find("JavaScript is turned off"), std::string::npos);
  EXPECT_NE(page.find("Please wait 5 seconds"), std::string::npos);
  EXPECT_NE(page.find("without this check for 60 minutes"), std::string::npos);
  const std::string token = tokenOf(page);
  ASSERT_TRUE(isBase64url(token) && token.size() >= 40) << token;
  EXPECT_EQ(attribute(page, "data-difficulty"), "12");
  EXPECT_NE(page.find("<noscript><meta http-equiv=\"refresh\" content=\"5;url=/.rampart/challenge/nojs?t=" + token +
                      "\"></noscript>"),
            std::string::npos);
  EXPECT_NE(page.find("<code>/news?id=7</code>"), std::string::npos);
  EXPECT_LT(page.size(), 8192u);
  // Self-contained: nothing is fetched from anywhere.
  for (const char* external : {"http://", "https://", "src=", "<link", "@import", "url("}) {
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
  EXPECT_NE(page.find("location.replace(\"/.rampart/challenge/verify?t=\"+T+\"&n=\"+s)"), std::string::npos);
}

TEST(ChallengePage, SaysHowLongInWords) {
  ChallengeConfig c = config();
  c.nojs_delay_s = 1;
  c.pass_ttl_s = 7200;
  const std::string page = Challenger(c).challengePage(ip("192.0.2.1"), "/", 12, kNow);
  EXPECT_NE(page.find("Please wait 1 second:"), std::string::npos);
  EXPECT_NE(page.find("for 2 hours."), std::string::npos);
  EXPECT_NE(page.find("content=\"1;url="), std::string::npos);
}

TEST(ChallengePage, EscapesAHostileReturnPath) {
  const Challenger ch(config());
  const std::string page = ch.challengePage(ip("198.51.100.4"), "/q?x=\"><script>alert(1)</script>&y='z'", 12, kNow);
  EXPECT_NE(page.find("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;y=&#39;z&#39;"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  std::size_t scripts = 0;
  for (std::size_t at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) ++scripts;
  EXPECT_EQ(scripts, 1u) << "the page's own script only";
  // ... and the path comes back intact after the check.
  const auto v = ch.verify(nojsTarget(tokenOf(page)), ip("198.51.100.4"), kNow + 5);
  ASSERT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.return_to, "/q?x=\"><script>alert(1)</script>&y='z'");
}

TEST(ChallengePage, ClampsTheDifficultyToOneToThirtyTwo) {
  const Challenger ch(config());
  EXPECT_EQ(attribute(ch.challengePage(ip("192.0.2.1"), "/", 0, kNow), "data-difficulty"), "1");
  EXPECT_EQ(attribute(ch.challengePage(ip("192.0.2.1"), "/", 99, kNow), "data-difficulty"), "32");
}

// --- the proof of work --------------------------------------------------------------------------------

TEST(ChallengeVerify, ASolvedPuzzleLetsTheNetworkInAndReturnsToThePath) {
  const Challenger ch(config());
  const std::string token = tokenOf(ch.challengePage(ip("198.51.100.4"), "/news?id=7&b=%2F", 8, kNow));
  const uint64_t n = solve(token, 8);
  const auto v = ch.verify(verifyTarget(token, n), ip("198.51.100.4"), kNow + 3);
  ASSERT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.return_to, "/news?id=7&b=%2F");
  EXPECT_TRUE(ch.verify(verifyTarget(token, n), ip("198.51.100.200"), kNow + 3).ok) << "another host of the /24";
  EXPECT_TRUE(ch.verify(verifyTarget(token, n) + "&_=123", ip("198.51.100.4"), kNow).ok)
      << "other parameters are ignored";
  EXPECT_TRUE(
      ch.verify("/.rampart/challenge/verify?n=" + std::to_string(n) + "&t=" + token, ip("198.51.100.4"), kNow).ok);
}

TEST(ChallengeVerify, RefusesWhatIsNotTheWork) {
  const Challenger ch(config());
  const IpAddress client = ip("198.51.100.4");
  const std::string token = tokenOf(ch.challengePage(client, "/", 8, kNow));
  const uint64_t n = solve(token, 8);
  uint64_t wrong = n + 1;
  while (meets(token, wrong, 8)) ++wrong;
  const auto v = ch.verify(verifyTarget(token, wrong), client, kNow);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.why, "proof of work not done");
  EXPECT_TRUE(v.return_to.empty());
  uint64_t short_by_one = 0;  // 7 zero bits, not 8
  while (!meets(token, short_by_one, 7) || meets(token, short_by_one, 8)) ++short_by_one;
  EXPECT_FALSE(ch.verify(verifyTarget(token, short_by_one), client, kNow).ok) << "one bit short";

  const auto other = ch.verify(verifyTarget(token, n), ip("198.51.101.4"), kNow);
  EXPECT_FALSE(other.ok);
  EXPECT_EQ(other.why, "token for another network");
  EXPECT_FALSE(ch.verify(verifyTarget(token, n), ip("2001:db8::1"), kNow).ok);

  const auto expired = ch.verify(verifyTarget(token, n), client, kNow + 120);
  EXPECT_FALSE(expired.ok);
  EXPECT_EQ(expired.why, "challenge expired");
  EXPECT_TRUE(ch.verify(verifyTarget(token, n), client, kNow + 119).ok);
  EXPECT_FALSE(ch.verify(verifyTarget(token, n), client, kNow - 61).ok) << "issued in the future";

  const std::string base = "/.rampart/challenge/verify?t=" + token;
  const std::string query = "?t=" + token + "&n=" + std::to_string(n);
  std::string two_tokens = base;
  two_tokens.append("&t=").append(token).append("&n=").append(std::to_string(n));
  for (const std::string& bad : std::vector<std::string>{
           base, base + "&n=", base + "&n=-1", base + "&n=1x", base + "&n=" + std::string(21, '0'),
           base + "&n=" + std::to_string(n) + "&n=" + std::to_string(n),
           "/.rampart/challenge/verify?n=" + std::to_string(n), "/.rampart/challenge/verify", two_tokens,
           "/.rampart/challenge/other" + query, "/.rampart/challenge/verifyx" + query, "/elsewhere/verify" + query,
           base + "=&n=" + std::to_string(n), base + "&n=" + std::to_string(n) + std::string(5000, 'x')}) {
    EXPECT_FALSE(ch.verify(bad, client, kNow).ok) << bad.substr(0, 120);
  }
  EXPECT_TRUE(ch.verify(base + "&n=" + std::to_string(n), client, kNow).ok);
}

TEST(ChallengeVerify, AnyChangedCharacterOfTheTokenIsRefused) {
  const Challenger ch(config());
  const IpAddress client = ip("198.51.100.4");
  const std::string token = tokenOf(ch.challengePage(client, "/abc", 1, kNow));
  for (const std::string& t : oneCharacterChanges(token)) {
    EXPECT_FALSE(ch.verify(nojsTarget(t), client, kNow + 10).ok) << t;
  }
  ChallengeConfig other = config();
  other.secret = "another shield's secret, long enough";
  EXPECT_FALSE(Challenger(other).verify(nojsTarget(token), client, kNow + 10).ok);
  EXPECT_TRUE(ch.verify(nojsTarget(token), client, kNow + 10).ok);
}

TEST(ChallengeVerify, TheClientCannotLowerTheDifficulty) {
  const Challenger ch(config());
  const IpAddress client = ip("198.51.100.4");
  const std::string token = tokenOf(ch.challengePage(client, "/", 24, kNow));
  // kind(1) network(3) issued(8) difficulty(1) path mac(16): set the difficulty byte to 1, keep the MAC.
  std::vector<uint8_t> bytes = b64decode(token);
  ASSERT_EQ(bytes.size(), 1u + 3 + 8 + 1 + 1 + 16);
  ASSERT_EQ(bytes[12], 24);
  bytes[12] = 1;
  const std::string forged = b64encode(bytes);
  ASSERT_NE(forged, token);
  const auto v = ch.verify(verifyTarget(forged, solve(forged, 1)), client, kNow);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.why, "bad token");
  // Nor extend its life, nor move it to another network.
  bytes = b64decode(token);
  bytes[11] ^= 0x40;
  EXPECT_FALSE(ch.verify(nojsTarget(b64encode(bytes)), client, kNow + 10).ok);
  bytes = b64decode(token);
  bytes[3] ^= 1;
  EXPECT_FALSE(ch.verify(nojsTarget(b64encode(bytes)), ip("198.51.101.4"), kNow + 10).ok);
}

TEST(ChallengeVerify, PassesAndChallengeTokensAreNotInterchangeable) {
  const Challenger ch(config());
  const IpAddress client = ip("192.0.2.1");
  const std::string pass = valueOf(ch.passCookie(client, kNow));
  const std::string token = tokenOf(ch.challengePage(client, "/", 1, kNow));
  EXPECT_FALSE(ch.verify(nojsTarget(pass), client, kNow + 10).ok);
  EXPECT_FALSE(ch.hasValidPass("rampart_pass=" + token, client, kNow));
}

// --- the no-JavaScript path -------------------------------------------------------------------------

TEST(ChallengeNoJs, IsAcceptedOnlyBetweenTheDelayAndTheTtl) {
  const Challenger ch(config());
  const IpAddress client = ip("192.0.2.1");
  const std::string target = nojsTarget(tokenOf(ch.challengePage(client, "/a", 16, kNow)));
  EXPECT_FALSE(ch.verify(target, client, kNow).ok);
  const auto early = ch.verify(target, client, kNow + 4);
  EXPECT_FALSE(early.ok);
  EXPECT_EQ(early.why, "too early");
  const auto v = ch.verify(target, client, kNow + 5);
  ASSERT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.return_to, "/a");
  EXPECT_TRUE(ch.verify(target, client, kNow + 119).ok);
  EXPECT_FALSE(ch.verify(target, client, kNow + 120).ok) << "after challenge_ttl_s";
  EXPECT_FALSE(ch.verify(target, ip("192.0.3.1"), kNow + 10).ok) << "another network";
}

TEST(ChallengeNoJs, ReturnPathsNeverLeaveTheSite) {
  const Challenger ch(config());
  const IpAddress client = ip("192.0.2.1");
  for (const std::string& hostile : std::vector<std::string>{"//evil.example",
                                                             "//evil.example/x",
                                                             "http://evil",
                                                             "https://evil.example/",
                                                             "/\\evil.example",
                                                             "\\\\evil",
                                                             "/\r\nSet-Cookie: x=1",
                                                             "/a\r\nLocation: //evil",
                                                             "/a\nb",
                                                             "/a b",
                                                             "/a\tb",
                                                             std::string("/a\0b", 4),
                                                             "/caf\xc3\xa9",
                                                             "evil.example",
                                                             "",
                                                             "*",
                                                             "/" + std::string(1024, 'a'),
                                                             "/.rampart/challenge/verify?t=x",
                                                             "/.rampart/challenge",
                                                             "/a\x7f"}) {
    const std::string page = ch.challengePage(client, hostile, 1, kNow);
    const auto v = ch.verify(nojsTarget(tokenOf(page)), client, kNow + 5);
    ASSERT_TRUE(v.ok) << v.why;
    EXPECT_EQ(v.return_to, "/") << hostile;
  }
  for (const std::string& fine :
       std::vector<std::string>{"/", "/a/b?c=d&e=%2F%2F", "/x//y", "/.well-known/z", "/" + std::string(1023, 'a')}) {
    const auto v = ch.verify(nojsTarget(tokenOf(ch.challengePage(client, fine, 1, kNow))), client, kNow + 5);
    EXPECT_EQ(v.return_to, fine);
  }
}

// --- configuration ------------------------------------------------------------------------------------

TEST(ChallengeConfigCheck, RefusesWhatCannotWork) {
  const auto with = [](auto change) {
    ChallengeConfig c = config();
    change(c);
    return c;
  };
  EXPECT_THROW(Challenger(with([](ChallengeConfig& c) { c.secret = "short"; })), std::invalid_argument);
  EXPECT_THROW(Challenger(with([](ChallengeConfig& c) { c.cookie_name = "a b"; })), std::invalid_argument);
  EXPECT_THROW(Challenger(with([](ChallengeConfig& c) { c.cookie_name = ""; })), std::invalid_argument);
  EXPECT_THROW(Challenger(with([](ChallengeConfig& c) { c.nojs_delay_s = c.challenge_ttl_s; })), std::invalid_argument);
  EXPECT_THROW(Challenger(with([](ChallengeConfig& c) { c.pass_ttl_s = 0; })), std::invalid_argument);
  EXPECT_THROW(Challenger(with([](ChallengeConfig& c) { c.max_difficulty = 33; })), std::invalid_argument);
  EXPECT_NO_THROW(Challenger(ChallengeConfig{}));
}

// --- the page's JavaScript, run by node ---------------------------------------------------------------

// Runs the page's script in node with a stand-in for the DOM (written to a temporary file, so the
// test is one file): "sha PAGE INPUT" hashes each hex line of INPUT with the page's sha256() and
// prints the digests; "solve PAGE..." runs each page as a browser would and prints the URL it goes to.
constexpr const char* kHarness = R"js(
const fs = require('fs'), vm = require('vm');
const [mode, ...files] = process.argv.slice(2);
// Runs a page's script in a fresh context; resolves with the URL it replaces the page with.
function load(pageFile, timers) {
  const html = fs.readFileSync(pageFile, 'utf8');
  const script = html.slice(html.indexOf('<script>') + 8, html.indexOf('</script>'));
  const attr = (n) => { const m = html.match(new RegExp(n + '="([^"]*)"')); return m ? m[1] : null; };
  return new Promise((resolve) => {
    const ctx = {
      document: { getElementById: (id) => (id === 'pow' ? { getAttribute: attr } : { textContent: '' }) },
      location: { replace: resolve, reload: () => resolve('reload') },
      setTimeout: timers ? setTimeout : () => {},
    };
    vm.createContext(ctx);
    vm.runInContext(script, ctx);
    if (!timers) resolve(ctx);
  });
}
(async () => {
  if (mode === 'sha') {
    const ctx = await load(files[0], false);
    for (const line of fs.readFileSync(files[1], 'utf8').split('\n')) {
      if (line === '.') break;
      const b = Buffer.from(line, 'hex');
      const h = ctx.sha256(Array.from(b), b.length);
      console.log(Array.from(h, (w) => (w >>> 0).toString(16).padStart(8, '0')).join(''));
    }
  } else {
    for (const f of files) console.log(await load(f, true));
  }
})();
)js";

bool haveNode() { return std::system("node --version >/dev/null 2>&1") == 0; }

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

class ChallengePageScript : public testing::Test {
 protected:
  void SetUp() override {
    if (!haveNode()) GTEST_SKIP() << "node is not installed";
    dir_ = std::filesystem::path(testing::TempDir()) / ("rampart-challenge-js-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    write("harness.js", kHarness);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string node(const std::string& args) { return run("node " + (dir_ / "harness.js").string() + " " + args); }
  std::filesystem::path dir_;
};

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

std::string opensslSha256(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> d{};
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), d.data(), &len, EVP_sha256(), nullptr);
  return hex(std::string(reinterpret_cast<const char*>(d.data()), len));
}

TEST_F(ChallengePageScript, ItsSha256IsSha256) {
  const Challenger ch(config());
  const std::string page = write("page.html", ch.challengePage(ip("192.0.2.1"), "/", 8, kNow));
  // The FIPS 180-4 examples, every length across the one- and two-block boundaries, random bytes.
  std::vector<std::string> inputs = {"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                                     std::string(1000, 'a')};
  std::mt19937 rng(7);
  for (std::size_t len = 0; len <= 200; ++len) {
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    inputs.push_back(s);
  }
  std::string lines;
  for (const std::string& s : inputs) lines += hex(s) + "\n";
  const std::string input = write("inputs.txt", lines + ".\n");
  std::istringstream out(node("sha " + page + " " + input));
  std::string line;
  std::size_t i = 0;
  for (; std::getline(out, line) && i < inputs.size(); ++i) {
    EXPECT_EQ(line, opensslSha256(inputs[i])) << "input " << i << " of " << inputs[i].size() << " bytes";
  }
  EXPECT_EQ(i, inputs.size()) << "node printed too few digests";
  EXPECT_EQ(opensslSha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(ChallengePageScript, SolvesItsOwnPuzzleAsVerifyChecksIt) {
  const Challenger ch(config());
  const IpAddress client = ip("203.0.113.9");
  // Several difficulties: the script must find the first nonce with D zero bits, exactly the
  // puzzle verify() checks (one bit fewer would pass one time in two, never six times in a row).
  std::string pages;
  std::vector<std::string> tokens;
  for (uint32_t d = 7; d <= 12; ++d) {
    const std::string page = ch.challengePage(client, "/shop/cart?item=" + std::to_string(d), d, kNow);
    tokens.push_back(tokenOf(page));
    pages += " " + write("page" + std::to_string(d) + ".html", page);
  }
  std::istringstream out(node("solve" + pages));
  std::string url;
  for (uint32_t d = 7; d <= 12; ++d) {
    ASSERT_TRUE(std::getline(out, url)) << "no answer from node at difficulty " << d;
    ASSERT_EQ(url, verifyTarget(tokens[d - 7], solve(tokens[d - 7], d))) << "difficulty " << d;
    const auto v = ch.verify(url, client, kNow + 1);
    ASSERT_TRUE(v.ok) << v.why << ": " << url;
    EXPECT_EQ(v.return_to, "/shop/cart?item=" + std::to_string(d));
  }
}

}  // namespace
