// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/attack_mode.h"

#include <algorithm>
#include <cmath>

namespace rampart::shield::policy {
namespace {

// An exponentially weighted mean over about a minute of calm seconds.
constexpr double kLearn = 1.0 / 60;

}  // namespace

AttackMode::State AttackMode::update(const SecondSample& s) {
  if (config_.setting != ModeSetting::kAuto) {
    state_.active = config_.setting == ModeSetting::kOn;
    state_.difficulty = config_.difficulty;
    state_.reason = state_.active ? "switched on by configuration" : "";
    return state_;
  }
  const double rate_floor = std::max(config_.min_rate, rate_baseline_ * config_.trigger_factor);
  std::string_view trigger;
  if (s.requests >= rate_floor) {
    trigger = "request rate";
  } else if (s.forwarded >= 10 && s.failed >= config_.error_share * s.forwarded) {
    trigger = "origin errors";
  } else if (s.latency_ms > 0 && s.latency_ms >= config_.min_latency_ms &&
             s.latency_ms >= latency_baseline_ * config_.latency_factor) {
    trigger = "origin latency";
  }
  if (!trigger.empty()) {
    state_.active = true;
    state_.reason = trigger;
    calm_for_ = 0;
    // One more bit of work per doubling of the rate over the trigger: a bigger flood pays more.
    const double over = s.requests / std::max(1.0, rate_floor);
    const auto extra = over > 1 ? static_cast<uint32_t>(std::log2(over)) : 0u;
    state_.difficulty = std::min(config_.max_difficulty, config_.difficulty + extra);
    return state_;
  }
  if (state_.active && ++calm_for_ < config_.calm_seconds) return state_;
  state_ = State{};
  // Calm: learn. The first calm second sets the baseline outright.
  const double k = learned_ ? kLearn : 1.0;
  rate_baseline_ += k * (s.requests - rate_baseline_);
  if (s.latency_ms > 0)
    latency_baseline_ += (latency_baseline_ > 0 ? kLearn : 1.0) * (s.latency_ms - latency_baseline_);
  learned_ = true;
  return state_;
}

}  // namespace rampart::shield::policy
