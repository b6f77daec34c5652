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

// A set of protected addresses sharing limits: a web farm, a mail server, a whole office prefix.
struct HostGroup {
  std::string name = "default";
  Thresholds host = defaultHostThresholds();
  Thresholds prefix = defaultPrefixThresholds();  // totals of a whole prefix (carpet bombing)
  uint32_t carpet_min_hosts = 16;                 // a prefix attack needs this many destination hosts ...
  double carpet_max_host_share = 0.5;             // ... none of which takes more than this share
  double fingerprint_min_share = 0.9;             // share of an attack's packets its fingerprint must cover

  // Defaults in the range operators of FastNetMon and similar tools start from: far above what one
  // busy server receives in normal traffic, far below what a bought flood delivers.
  static Thresholds defaultHostThresholds();
  static Thresholds defaultPrefixThresholds();
};

}  // namespace rampart::detect
