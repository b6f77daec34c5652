// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "detect/attack.h"
#include "mitigate/mitigation_record.h"
#include "pipeline/attack_sink.h"

namespace rampart::runtime {

// Everything that happens to the daemon, in order: attack events from the pipeline and what the
// mitigation did about them. Sinks (the log, the event stream, notifications, the journal, the
// mitigation itself, the incident store) each take what they need; they run on the event loop's
// thread and must not block it (slow work goes to a thread of the sink's own, as notifications do).
class EventSink : public pipeline::AttackSink {
 public:
  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override {
    (void)events;
    (void)now_ns;
  }
  virtual void onMitigation(const mitigate::MitigationRecord& record) { (void)record; }
};

// Hands every event to each sink in the order they were added.
class SinkFanout final : public EventSink {
 public:
  void add(EventSink& sink) { sinks_.push_back(&sink); }
  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override {
    for (EventSink* s : sinks_) s->onAttackEvents(events, now_ns);
  }
  void onMitigation(const mitigate::MitigationRecord& record) override {
    for (EventSink* s : sinks_) s->onMitigation(record);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace rampart::runtime
