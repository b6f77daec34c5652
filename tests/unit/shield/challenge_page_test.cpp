// SPDX-License-Identifier: Apache-2.0
// The Challenger's page, and its script run by node against OpenSSL and against verify().
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "challenge_test_support.h"
#include "shield/policy/challenge.h"

namespace {

using namespace rampart::shield::policy::challenge_test;  // NOLINT(google-build-using-namespace): the shared helpers
using rampart::shield::policy::ChallengeConfig;
using rampart::shield::policy::Challenger;

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
