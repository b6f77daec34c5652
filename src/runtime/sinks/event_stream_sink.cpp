// SPDX-License-Identifier: Apache-2.0
#include "runtime/sinks/event_stream_sink.h"

#include <cerrno>
#include <cstring>

#include "report/analysis_report.h"
#include "report/event_json.h"

namespace rampart::runtime {

core::Result<std::unique_ptr<EventStreamSink>, std::string> EventStreamSink::open(const std::string& path,
                                                                                  const geo::Attributor& attributor) {
  using R = core::Result<std::unique_ptr<EventStreamSink>, std::string>;
  if (path == "-") return std::unique_ptr<EventStreamSink>(new EventStreamSink(stdout, false, attributor));
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return R::failure(path + ": cannot open the event stream: " + std::strerror(errno));
  return std::unique_ptr<EventStreamSink>(new EventStreamSink(f, true, attributor));
}

EventStreamSink::~EventStreamSink() {
  if (own_) {
    std::fclose(out_);
  } else {
    std::fflush(out_);
  }
}

void EventStreamSink::write(const std::string& line) {
  std::fputs(line.c_str(), out_);
  std::fputc('\n', out_);
}

void EventStreamSink::onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) {
  const report::AttributeFn attribute = report::attributeWith(attributor_);
  for (const auto& e : events) write(report::eventJson(e, now_ns, attribute).dump());
  std::fflush(out_);
}

void EventStreamSink::onMitigation(const mitigate::MitigationRecord& record) {
  write(report::mitigationJson(record).dump());
  std::fflush(out_);
}

}  // namespace rampart::runtime
