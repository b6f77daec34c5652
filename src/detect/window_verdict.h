// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>

#include "detect/attack_vector.h"
#include "detect/thresholds.h"
#include "traffic/target_table.h"

namespace rampart::detect {

// What one window of one target's traffic says.
struct WindowVerdict {
  bool over = false;       // a threshold is crossed: starts or extends an attack
  bool sustained = false;  // above `hysteresis` x a threshold: keeps an attack alive, so a flood
                           // that dips for a second stays one attack
  VectorSet vectors;       // what the window's traffic is made of, when over
  std::array<uint64_t, kAttackVectorCount> packets{};  // per vector, this window
  std::array<uint64_t, kAttackVectorCount> bytes{};
};

// Judges a window of `seconds` against the target's group. Prefix targets are judged against the
// group's prefix thresholds and count only when the traffic is spread over many hosts (carpet
// bombing); an attack on one host of the prefix is that host's attack.
[[nodiscard]] WindowVerdict judgeWindow(const traffic::TargetSlot& target, const HostGroup& group, double seconds,
                                        double hysteresis);

}  // namespace rampart::detect
