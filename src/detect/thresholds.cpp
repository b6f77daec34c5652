// SPDX-License-Identifier: Apache-2.0
#include "detect/thresholds.h"

#include <algorithm>

namespace rampart::detect {

uint64_t Thresholds::lowestPps() const noexcept {
  uint64_t low = pps;
  for (const uint64_t v : vector_pps) {
    if (v != 0 && (low == 0 || v < low)) low = v;
  }
  return low;
}

Thresholds HostGroup::defaultHostThresholds() {
  Thresholds t;
  t.pps = 50'000;
  t.bps = 1'000'000'000;
  t.setVectorPps(AttackVector::kSynFlood, 10'000);
  t.setVectorPps(AttackVector::kSynAckReflection, 10'000);
  t.setVectorPps(AttackVector::kAckFlood, 30'000);
  t.setVectorPps(AttackVector::kRstFlood, 5'000);
  t.setVectorPps(AttackVector::kTcpFlagAbuse, 5'000);
  t.setVectorPps(AttackVector::kUdpFlood, 30'000);
  t.setVectorPps(AttackVector::kIcmpFlood, 5'000);
  t.setVectorPps(AttackVector::kFragmentFlood, 5'000);
  for (int v = static_cast<int>(AttackVector::kDnsAmplification);
       v <= static_cast<int>(AttackVector::kStunAmplification); ++v) {
    t.setVectorPps(static_cast<AttackVector>(v), 5'000);
  }
  return t;
}

Thresholds HostGroup::defaultPrefixThresholds() {
  Thresholds t;
  t.pps = 100'000;
  t.bps = 2'000'000'000;
  return t;
}

}  // namespace rampart::detect
