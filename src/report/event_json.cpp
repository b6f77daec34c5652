// SPDX-License-Identifier: Apache-2.0
#include "report/event_json.h"

#include "mitigate/action_json.h"

namespace rampart::report {

nlohmann::json eventJson(const detect::AttackEvent& event, uint64_t time_ns, const AttributeFn& attribute) {
  return nlohmann::json{{"schema", "rampart.event/1"},
                        {"event", detect::toString(event.kind)},
                        {"time", isoTime(time_ns)},
                        {"time_ns", time_ns},
                        {"attack", attackJson(event.attack, attribute)}};
}

nlohmann::json mitigationJson(const mitigate::MitigationRecord& r) {
  nlohmann::json j{{"schema", "rampart.mitigation/1"},
                   {"event", mitigate::toString(r.change.op)},
                   {"time", isoTime(r.time_ns)},
                   {"time_ns", r.time_ns},
                   {"action", mitigate::toJson(r.change.action)},
                   {"data_plane", r.data_plane},
                   {"outcome", r.outcome}};
  if (!r.change.note.empty()) j["note"] = r.change.note;
  if (r.dropped) j["dropped"] = {{"packets", r.dropped->packets}, {"bytes", r.dropped->bytes}};
  return j;
}

}  // namespace rampart::report
