// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace rampart::shield::policy {

// Settings of the under-attack challenge ([shield.under_attack]).
struct ChallengeConfig {
  std::string secret;              // HMAC key; empty: a random one is drawn at start
  uint32_t pass_ttl_s = 3600;      // a solved challenge lets the client's network in for this long
  uint32_t challenge_ttl_s = 120;  // a challenge must be solved (or the no-JS wait done) within this
  uint32_t difficulty = 16;        // leading zero bits of SHA-256 the proof of work needs, when calm
  uint32_t max_difficulty = 22;    // ... and at most, under the heaviest load
  uint32_t nojs_delay_s = 5;       // the no-JavaScript path makes a visitor wait this long
  std::string cookie_name = "rampart_pass";
};

namespace detail {
class ChallengeMac;  // challenge.cpp: HMAC-SHA-256 under the challenge's key
}  // namespace detail

// Where the challenge's own endpoints live; requests under this prefix never reach the origin.
inline constexpr std::string_view kChallengePrefix = "/.rampart/challenge/";

// Stateless challenges and passes (no per-client memory: everything a later request needs is in
// a token signed with HMAC-SHA-256 and bound to the client's network, /24 or /64, and an expiry).
//  - A pass is a cookie value: network, expiry, signature.
//  - A challenge page carries a signed token (network, issue time, difficulty, the return path);
//    its script finds a nonce such that SHA-256(token ":" nonce) starts with `difficulty` zero
//    bits and loads `/.rampart/challenge/verify?t=TOKEN&n=NONCE`, which answers with the pass
//    cookie and a redirect to the return path.
//  - Without JavaScript, a <noscript> refresh leads after nojs_delay_s to
//    `/.rampart/challenge/nojs?t=TOKEN`, accepted only once that delay has passed (and before the
//    token expires): slower, and rate-limited by the caller, but no visitor is locked out.
// Pure: time is passed in (seconds since the epoch), randomness only in the constructor.
class Challenger {
 public:
  explicit Challenger(ChallengeConfig config);

  [[nodiscard]] const ChallengeConfig& config() const noexcept { return config_; }

  // The Set-Cookie value for a pass ("rampart_pass=...; Path=/; Max-Age=...; HttpOnly; SameSite=Lax").
  [[nodiscard]] std::string passCookie(const core::IpAddress& client, uint64_t now_s) const;
  // Whether a request's Cookie header (all of it, as sent) holds a valid, unexpired pass for
  // the client's network.
  [[nodiscard]] bool hasValidPass(std::string_view cookie_header, const core::IpAddress& client, uint64_t now_s) const;

  // The HTML challenge page (it says what is happening, solves the proof of work in JavaScript,
  // and offers the no-JavaScript path) for a request to `target` (origin-form path and query;
  // anything else returns to "/").
  [[nodiscard]] std::string challengePage(const core::IpAddress& client, std::string_view target, uint32_t difficulty,
                                          uint64_t now_s) const;

  struct Verdict {
    bool ok = false;
    std::string return_to;  // ok: where to send the client, an origin-form path
    std::string_view why;   // not ok: a short reason for the log and the 403 page
  };
  // Checks a request to kChallengePrefix + "verify?..." or + "nojs?..." (the whole target).
  [[nodiscard]] Verdict verify(std::string_view target, const core::IpAddress& client, uint64_t now_s) const;

 private:
  ChallengeConfig config_;
  // Keyed by config_.secret, or by 32 random bytes when that is empty; immutable, so copies of a
  // Challenger share it (and accept each other's tokens) and threads may use one Challenger at once.
  std::shared_ptr<const detail::ChallengeMac> mac_;
};

}  // namespace rampart::shield::policy
