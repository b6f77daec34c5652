// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>

namespace rampart::shield::policy {

// A rate with the burst it tolerates: `per_second` tokens arrive each second, up to `burst`.
struct Rate {
  double per_second = 0;  // 0: unlimited
  double burst = 1;

  [[nodiscard]] bool limited() const noexcept { return per_second > 0; }
};

// One client's bucket for one rate. Starts full, so a first visit is never refused.
class TokenBucket {
 public:
  // Takes a token if one is there at `now_ns`; otherwise leaves the bucket as it was.
  [[nodiscard]] bool take(const Rate& rate, uint64_t now_ns) noexcept {
    if (!rate.limited()) return true;
    refill(rate, now_ns);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // Whole seconds until the next token (at least 1), for a 429's Retry-After.
  [[nodiscard]] uint32_t secondsUntilToken(const Rate& rate) const noexcept {
    if (!rate.limited() || tokens_ >= 1) return 0;
    const double wait = (1 - tokens_) / rate.per_second;
    return static_cast<uint32_t>(std::max(1.0, wait + 0.999));
  }

  // Full again: an idle entry in this state carries no information and may be forgotten.
  [[nodiscard]] bool full(const Rate& rate, uint64_t now_ns) noexcept {
    if (!rate.limited()) return true;
    refill(rate, now_ns);
    return tokens_ >= rate.burst;
  }

 private:
  void refill(const Rate& rate, uint64_t now_ns) noexcept {
    if (!started_) {
      tokens_ = rate.burst;
      started_ = true;
    } else if (now_ns > last_ns_) {
      tokens_ = std::min(rate.burst, tokens_ + static_cast<double>(now_ns - last_ns_) * 1e-9 * rate.per_second);
    }
    last_ns_ = std::max(last_ns_, now_ns);
  }

  double tokens_ = 0;
  uint64_t last_ns_ = 0;
  bool started_ = false;
};

}  // namespace rampart::shield::policy
