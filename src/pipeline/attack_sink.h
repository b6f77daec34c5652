// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>

#include "detect/attack.h"

namespace rampart::pipeline {

// Where the analyzer's attack events go, in the order they happen: the daemon's sinks (log, event
// stream, notifications, mitigation, the incident store), or a collector for `analyze`.
class AttackSink {
 public:
  virtual ~AttackSink() = default;
  virtual void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) = 0;
};

}  // namespace rampart::pipeline
