// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "detect/attack_vector.h"

namespace rampart::detect {

// Rates over which a window counts as an attack; 0 switches a limit off.
struct Thresholds {
  uint64_t pps = 0;
  uint64_t bps = 0;
  std::array<uint64_t, kAttackVectorCount> vector_pps{};

  [[nodiscard]] uint64_t vectorPps(AttackVector v) const noexcept { return vector_pps[static_cast<std::size_t>(v)]; }
  void setVectorPps(AttackVector v, uint64_t pps_limit) noexcept {
    vector_pps[static_cast<std::size_t>(v)] = pps_limit;
  }
  // The smallest packet and bit rates that can make a window an attack (0 when none is set).
  [[nodiscard]] uint64_t lowestPps() const noexcept;
};

// Learned limits beside the static ones: a target is also attacked when its rate reaches `factor`
// times its group's normal rate, and at least the floor. "Normal" is a high percentile of the
// busiest unattacked target's rate over the group's recent windows, so a group of servers that
// usually see 2 kpps is flagged at 8 kpps, long before a static 50 kpps limit, while a busy group
// raises its own limit. Windows of an attacked target are not learned from.
struct BaselineConfig {
  bool enabled = false;
  double factor = 4.0;
  double percentile = 0.95;
  uint32_t windows = 600;     // windows the profile remembers (ten minutes of one-second windows)
  uint32_t min_windows = 60;  // windows learned before the baseline judges anything
  uint64_t floor_pps = 5'000;
  uint64_t floor_bps = 50'000'000;
};

// A set of protected addresses sharing limits: a web farm, a mail server, a whole office prefix.
struct HostGroup {
  std::string name = "default";
  Thresholds host = defaultHostThresholds();
  Thresholds prefix = defaultPrefixThresholds();  // totals of a whole prefix (carpet bombing)
  uint32_t carpet_min_hosts = 16;                 // a prefix attack needs this many destination hosts ...
  double carpet_max_host_share = 0.5;             // ... none of which takes more than this share
  double fingerprint_min_share = 0.9;             // share of an attack's packets its fingerprint must cover
  BaselineConfig baseline;                        // learned limits for hosts and prefixes (off by default)

  // Defaults in the range operators of FastNetMon and similar tools start from: far above what one
  // busy server receives in normal traffic, far below what a bought flood delivers.
  static Thresholds defaultHostThresholds();
  static Thresholds defaultPrefixThresholds();
};

}  // namespace rampart::detect
