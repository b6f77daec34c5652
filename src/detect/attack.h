// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "detect/attack_vector.h"
#include "detect/fingerprint.h"
#include "traffic/target.h"

namespace rampart::detect {

struct SourceShare {
  core::IpAddress address;
  double share = 0;  // of the attack's packets, estimated from the sample
};

struct PortShare {
  uint16_t port = 0;
  double share = 0;
};

struct VectorStats {
  AttackVector vector{};
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t peak_pps = 0;
};

// One attack on one target, from its first window over threshold to its last.
struct Attack {
  uint64_t id = 0;
  traffic::TargetKey target;
  std::string group;
  uint64_t start_ns = 0;  // start of the first window over threshold
  uint64_t end_ns = 0;    // end of the last window over the hysteresis level
  uint64_t windows = 0;   // windows counted in the attack
  uint64_t packets = 0;   // all traffic to the target during those windows
  uint64_t bytes = 0;
  uint64_t peak_pps = 0;
  uint64_t peak_bps = 0;
  std::vector<VectorStats> vectors;  // most packets first
  uint64_t attack_packets = 0;       // packets of the attack's vectors
  std::vector<SourceShare> top_sources;
  std::vector<PortShare> top_dst_ports;
  std::vector<PortShare> top_src_ports;
  uint64_t distinct_sources = 0;  // estimate (HyperLogLog)
  bool spoofing_likely = false;
  uint32_t peak_hosts = 0;  // carpet bombing: most destination hosts in one window
  uint64_t normal_pps = 0;  // the group's learned normal rate when the attack started (0: none learned)
  Fingerprint fingerprint;
  bool active = true;

  [[nodiscard]] double durationSeconds() const noexcept { return static_cast<double>(end_ns - start_ns) / 1e9; }
  [[nodiscard]] double meanPps() const noexcept;
  [[nodiscard]] double meanBps() const noexcept;
  [[nodiscard]] VectorSet vectorSet() const noexcept;
};

struct AttackEvent {
  enum class Kind : uint8_t { kStarted, kUpdated, kEnded };
  Kind kind{};
  Attack attack;
};

[[nodiscard]] const char* toString(AttackEvent::Kind k) noexcept;

}  // namespace rampart::detect
