// SPDX-License-Identifier: Apache-2.0
// The Challenger's answers: the proof of work, the no-JavaScript path, and its configuration check.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "challenge_test_support.h"
#include "shield/policy/challenge.h"

namespace {

using namespace rampart::shield::policy::challenge_test;  // NOLINT(google-build-using-namespace): the shared helpers
using rampart::shield::policy::ChallengeConfig;
using rampart::shield::policy::Challenger;

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

}  // namespace
