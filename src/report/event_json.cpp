// SPDX-License-Identifier: Apache-2.0
#include "report/event_json.h"

namespace rampart::report {

nlohmann::json eventJson(const detect::AttackEvent& event, uint64_t time_ns, const AttributeFn& attribute) {
  return nlohmann::json{{"schema", "rampart.event/1"},
                        {"event", detect::toString(event.kind)},
                        {"time", isoTime(time_ns)},
                        {"time_ns", time_ns},
                        {"attack", attackJson(event.attack, attribute)}};
}

}  // namespace rampart::report
