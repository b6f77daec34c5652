// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for what a client can hand the under-attack challenge: the target of a
// challenge answer and a Cookie header. Besides not crashing: nothing made up passes (a forgery
// would need the secret), and a genuine pass and a genuine solved challenge, with the fuzzer's
// bytes around them, still do.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shield/policy/challenge.h"

namespace {

using rampart::core::IpAddress;
using rampart::shield::policy::ChallengeConfig;
using rampart::shield::policy::Challenger;

void check(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "check failed at line %d\n", line);
  std::abort();
}

const Challenger& challenger() {
  static const Challenger c([] {
    ChallengeConfig cfg;
    cfg.secret = "fuzzing secret, long enough";
    cfg.nojs_delay_s = 0;
    return cfg;
  }());
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\n');
  const std::string_view target = input.substr(0, split);
  const std::string_view cookie = split == std::string_view::npos ? std::string_view() : input.substr(split + 1);
  const IpAddress client = IpAddress::fromV4(0xC0000201);
  constexpr uint64_t kNow = 1'800'000'000;
  const Challenger& ch = challenger();

  check(!ch.hasValidPass(cookie, client, kNow), __LINE__);
  const auto v = ch.verify(std::string("/.rampart/challenge/") + std::string(target), client, kNow);
  check(!v.ok || v.return_to.starts_with('/'), __LINE__);  // whatever passes, it never leaves the site
  (void)ch.challengePage(client, target, 1 + (size % 32), kNow);

  // A genuine pass followed by the fuzzer's cookies is still found, and only for its network.
  std::string pass = ch.passCookie(client, kNow);
  pass = pass.substr(0, pass.find(';')) + "; " + std::string(cookie);
  check(ch.hasValidPass(pass, client, kNow), __LINE__);
  check(!ch.hasValidPass(pass, IpAddress::fromV4(0xC6336401), kNow), __LINE__);
  return 0;
}
