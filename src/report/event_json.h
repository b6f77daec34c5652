// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include "detect/attack.h"
#include "mitigate/mitigation_record.h"
#include "report/analysis_report.h"

namespace rampart::report {

// One attack lifecycle event as a JSON line of the daemon's event stream (schema
// "rampart.event/1"): {"schema", "event": "started"|"updated"|"ended", "time", "attack": {...}},
// where "attack" is the full record of `analyze --json`.
[[nodiscard]] nlohmann::json eventJson(const detect::AttackEvent& event, uint64_t time_ns,
                                       const AttributeFn& attribute);

// One mitigation change as a JSON line of the event stream and of the journal (schema
// "rampart.mitigation/1"): {"schema", "event": "install"|"withdraw"|"refused", "time", "time_ns",
// "action", "data_plane", "outcome", "note"?, "dropped"?}.
[[nodiscard]] nlohmann::json mitigationJson(const mitigate::MitigationRecord& record);

}  // namespace rampart::report
