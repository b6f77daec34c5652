// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/challenge.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <regex>
#include <string>

namespace {

using rampart::core::IpAddress;
using rampart::shield::policy::ChallengeConfig;
using rampart::shield::policy::Challenger;

IpAddress ip(const char* t) { return *IpAddress::parse(t); }

ChallengeConfig config() {
  ChallengeConfig c;
  c.secret = "0123456789abcdef0123456789abcdef";
  c.nojs_delay_s = 5;
  c.challenge_ttl_s = 120;
  c.pass_ttl_s = 3600;
  return c;
}

std::string cookieValue(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

std::string tokenOf(const std::string& page) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(page, m, std::regex("data-token=\"([A-Za-z0-9_.-]+)\"")));
  return m[1];
}

// The proof of work as the page's script does it.
uint64_t solve(const std::string& token, unsigned bits) {
  for (uint64_t n = 0;; ++n) {
    const std::string s = token + ":" + std::to_string(n);
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
    unsigned z = 0;
    for (unsigned char byte : d) {
      if (byte == 0) {
        z += 8;
        continue;
      }
      z += static_cast<unsigned>(__builtin_clz(byte)) - 24;
      break;
    }
    if (z >= bits) return n;
  }
}

TEST(Challenger, APassIsGoodForItsNetworkUntilItExpires) {
  const Challenger ch(config());
  const std::string cookie = cookieValue(ch.passCookie(ip("192.0.2.10"), 1000));
  EXPECT_TRUE(ch.hasValidPass(cookie, ip("192.0.2.10"), 1000));
  EXPECT_TRUE(ch.hasValidPass(cookie, ip("192.0.2.77"), 4000)) << "another host of the /24";
  EXPECT_FALSE(ch.hasValidPass(cookie, ip("192.0.3.10"), 1000)) << "another network";
  EXPECT_FALSE(ch.hasValidPass(cookie, ip("192.0.2.10"), 1000 + 3600)) << "expired";
  EXPECT_TRUE(ch.hasValidPass("a=b; " + cookie + "; c=d", ip("192.0.2.10"), 1000)) << "among other cookies";
  std::string tampered = cookie;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ch.hasValidPass(tampered, ip("192.0.2.10"), 1000));
  const std::string later = "rampart_pass=9" + cookie.substr(cookie.find('=') + 1);  // a longer expiry, same MAC
  EXPECT_FALSE(ch.hasValidPass(later, ip("192.0.2.10"), 1000));
  ChallengeConfig other = config();
  other.secret = "another secret, also long enough";
  EXPECT_FALSE(Challenger(other).hasValidPass(cookie, ip("192.0.2.10"), 1000)) << "another shield's secret";
  EXPECT_FALSE(ch.hasValidPass("rampart_pass=; x", ip("192.0.2.10"), 1000));
  const std::string v6 = cookieValue(ch.passCookie(ip("2001:db8:1:2::1"), 1000));
  EXPECT_TRUE(ch.hasValidPass(v6, ip("2001:db8:1:2:ffff::9"), 1000)) << "the /64";
  EXPECT_FALSE(ch.hasValidPass(v6, ip("2001:db8:1:3::1"), 1000));
}

TEST(Challenger, ASolvedPuzzleEarnsAPassAndALegitimateReturn) {
  const Challenger ch(config());
  const std::string page = ch.challengePage(ip("198.51.100.4"), "/news?id=7", 10, 5000);
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page.find("data-difficulty=\"10\""), std::string::npos);
  const std::string token = tokenOf(page);
  EXPECT_NE(page.find("url=/.rampart/challenge/nojs?t=" + token), std::string::npos) << "the no-JavaScript path";
  const uint64_t n = solve(token, 10);
  const std::string target = "/.rampart/challenge/verify?t=" + token + "&n=" + std::to_string(n);
  const auto v = ch.verify(target, ip("198.51.100.200"), 5010);
  EXPECT_TRUE(v.ok) << v.why;
  EXPECT_EQ(v.return_to, "/news?id=7");
  EXPECT_FALSE(ch.verify(target, ip("203.0.113.1"), 5010).ok) << "another network";
  EXPECT_FALSE(ch.verify(target, ip("198.51.100.4"), 5000 + 120).ok) << "expired";
  uint64_t wrong = n + 1;
  while (solve(token, 10) == wrong) ++wrong;
  // A nonce that does not solve it (most do not: a solution has 10 zero bits, 1 in 1024).
  bool refused = false;
  for (uint64_t k = 0; k < 50 && !refused; ++k) {
    refused = !ch.verify("/.rampart/challenge/verify?t=" + token + "&n=" + std::to_string(n + 1 + k),
                         ip("198.51.100.4"), 5010)
                   .ok;
  }
  EXPECT_TRUE(refused);
  EXPECT_FALSE(ch.verify("/.rampart/challenge/verify?t=" + token, ip("198.51.100.4"), 5010).ok) << "no nonce";
  EXPECT_FALSE(ch.verify("/.rampart/challenge/other?t=" + token, ip("198.51.100.4"), 5010).ok);
}

TEST(Challenger, TheDifficultyCannotBeLowered) {
  const Challenger ch(config());
  const std::string token = tokenOf(ch.challengePage(ip("198.51.100.4"), "/", 20, 5000));
  // Re-sign nothing, just swap the payload for one that asks 1 bit: the MAC no longer matches.
  const std::string forged_payload = "NTAwMHwxfC8";  // b64url("5000|1|/")
  const std::string forged = forged_payload + token.substr(token.find('.'));
  EXPECT_FALSE(ch.verify("/.rampart/challenge/verify?t=" + forged + "&n=0", ip("198.51.100.4"), 5001).ok);
}

TEST(Challenger, TheNoJavaScriptPathWaitsItsDelay) {
  const Challenger ch(config());
  const std::string token = tokenOf(ch.challengePage(ip("192.0.2.1"), "/a", 16, 100));
  const std::string target = "/.rampart/challenge/nojs?t=" + token;
  EXPECT_FALSE(ch.verify(target, ip("192.0.2.1"), 104).ok) << "before nojs_delay_s";
  EXPECT_TRUE(ch.verify(target, ip("192.0.2.1"), 105).ok);
  EXPECT_FALSE(ch.verify(target, ip("192.0.2.1"), 220).ok) << "after challenge_ttl_s";
}

TEST(Challenger, ReturnPathsNeverLeaveTheSite) {
  const Challenger ch(config());
  for (const char* hostile : {"//evil.example/x", "http://evil.example/", "/\\evil.example", "/a\r\nSet-Cookie: x=1",
                              "/a b", "/.rampart/challenge/verify?t=x", "evil"}) {
    const std::string token = tokenOf(ch.challengePage(ip("192.0.2.1"), hostile, 1, 100));
    const auto v = ch.verify("/.rampart/challenge/nojs?t=" + token, ip("192.0.2.1"), 106);
    EXPECT_TRUE(v.ok) << hostile;
    EXPECT_EQ(v.return_to, "/") << hostile;
  }
}

TEST(Challenger, ARandomSecretWhenNoneIsConfigured) {
  ChallengeConfig c = config();
  c.secret.clear();
  const Challenger a(c);
  const Challenger b(c);
  const std::string cookie = cookieValue(a.passCookie(ip("192.0.2.1"), 10));
  EXPECT_TRUE(a.hasValidPass(cookie, ip("192.0.2.1"), 10));
  EXPECT_FALSE(b.hasValidPass(cookie, ip("192.0.2.1"), 10));
}

// The page's own SHA-256, run by node against OpenSSL's: the puzzle must be the one verify checks.
TEST(Challenger, ThePagesJavaScriptHashIsSha256) {
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  const Challenger ch(config());
  const std::string page = ch.challengePage(ip("192.0.2.1"), "/", 8, 100);
  const auto begin = page.find("/*rampart-sha256-begin*/");
  const auto end = page.find("/*rampart-sha256-end*/");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string path = testing::TempDir() + "/rampart_sha256_check.js";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  const std::string js = page.substr(begin, end - begin) +
                         "\nconst c=require('crypto');let bad=0;for(const s of ['','abc','a'.repeat(55),'a'.repeat(56),"
                         "'a'.repeat(64),'tok.en:12345','x'.repeat(300)]){const h=sha256(s).map(v=>(v>>>0).toString(16)"
                         ".padStart(8,'0')).join('');if(h!==c.createHash('sha256').update(s).digest('hex'))bad++}"
                         "process.exit(bad);\n";
  std::fputs(js.c_str(), f);
  std::fclose(f);
  EXPECT_EQ(std::system(("node " + path).c_str()), 0);
}

}  // namespace
