// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/result.h"
#include "geo/attributor.h"
#include "runtime/event_sink.h"

namespace rampart::runtime {

// The JSON-lines event stream (a file appended to, or stdout): a line per attack event
// ("rampart.event/1", sources attributed to a country and an AS) and per mitigation change
// ("rampart.mitigation/1"), flushed as they come.
class EventStreamSink final : public EventSink {
 public:
  // "-" is stdout. Fails with "<path>: cannot open the event stream: <why>".
  static core::Result<std::unique_ptr<EventStreamSink>, std::string> open(const std::string& path,
                                                                          const geo::Attributor& attributor);
  ~EventStreamSink() override;
  EventStreamSink(const EventStreamSink&) = delete;
  EventStreamSink& operator=(const EventStreamSink&) = delete;

  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override;
  void onMitigation(const mitigate::MitigationRecord& record) override;

 private:
  EventStreamSink(std::FILE* out, bool own, const geo::Attributor& attributor)
      : out_(out), own_(own), attributor_(attributor) {}
  void write(const std::string& line);

  std::FILE* out_;
  bool own_;
  const geo::Attributor& attributor_;  // the daemon's, replaced in place on reload
};

}  // namespace rampart::runtime
