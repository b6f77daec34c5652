// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::shield::policy {

// When the shield challenges clients: always, never, or by itself when the site is in trouble.
enum class ModeSetting : uint8_t { kOff, kOn, kAuto };

struct AttackModeConfig {
  ModeSetting setting = ModeSetting::kAuto;
  double trigger_factor = 5;     // requests per second this many times the calm baseline ...
  double min_rate = 200;         // ... and at least this many (a quiet site's baseline is noise)
  double error_share = 0.2;      // or this share of forwarded requests failing (502, 504) ...
  double latency_factor = 5;     // or the origin's mean latency this many times its calm baseline ...
  double min_latency_ms = 250;   // ... and at least this long
  uint32_t calm_seconds = 30;    // switched off after this long without a trigger
  uint32_t difficulty = 16;      // proof-of-work bits at the trigger ...
  uint32_t max_difficulty = 18;  // ... rising by one per doubling of the rate, up to this (~260 k hashes)
};

// One second of the shield's traffic, summed over workers.
struct SecondSample {
  double requests = 0;    // request heads
  double forwarded = 0;   // sent to an origin
  double failed = 0;      // answered 502 or 504
  double latency_ms = 0;  // mean origin latency of the responses of the second (0: none)
};

// Decides, once a second, whether under-attack mode is on and how hard the challenge is. Learns
// a baseline of rate and latency from calm seconds only, so an attack never teaches it that
// attacks are normal. Pure.
class AttackMode {
 public:
  explicit AttackMode(AttackModeConfig config) : config_(config) {}

  struct State {
    bool active = false;
    uint32_t difficulty = 0;
    std::string_view reason;  // what triggered it, while active ("request rate", ...)
  };
  State update(const SecondSample& s);
  [[nodiscard]] const State& state() const noexcept { return state_; }
  [[nodiscard]] double baselineRate() const noexcept { return rate_baseline_; }

 private:
  AttackModeConfig config_;
  State state_;
  double rate_baseline_ = 0;
  double latency_baseline_ = 0;
  uint32_t calm_for_ = 0;
  bool learned_ = false;
};

}  // namespace rampart::shield::policy
