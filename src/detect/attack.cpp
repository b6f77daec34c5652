// SPDX-License-Identifier: Apache-2.0
#include "detect/attack.h"

namespace rampart::detect {

double Attack::meanPps() const noexcept {
  const double s = durationSeconds();
  return s > 0 ? static_cast<double>(packets) / s : 0;
}

double Attack::meanBps() const noexcept {
  const double s = durationSeconds();
  return s > 0 ? static_cast<double>(bytes) * 8 / s : 0;
}

VectorSet Attack::vectorSet() const noexcept {
  VectorSet set;
  for (const auto& v : vectors) set.set(static_cast<std::size_t>(v.vector));
  return set;
}

const char* toString(AttackEvent::Kind k) noexcept {
  switch (k) {
    case AttackEvent::Kind::kStarted: return "started";
    case AttackEvent::Kind::kUpdated: return "updated";
    case AttackEvent::Kind::kEnded: return "ended";
  }
  return "unknown";
}

}  // namespace rampart::detect
