// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "runtime/event_sink.h"

namespace rampart::runtime {

// One line in the log for each attack event (critical when it starts or changes, a warning when
// it ends) and each mitigation change that is not a routine renewal.
class LogSink final : public EventSink {
 public:
  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override;
  void onMitigation(const mitigate::MitigationRecord& record) override;
};

}  // namespace rampart::runtime
