// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mitigate/mitigation_backend.h"
#include "mitigate/mitigation_engine.h"

namespace rampart::mitigate {

// What became of one change once the data planes were told: a line of the event stream and of
// the journal, and an incident's action history.
struct MitigationRecord {
  Change change;                     // what was asked (op, action, note)
  std::string data_plane;            // the backends that handle the action's kind, comma-separated
  std::string outcome;               // "done", "dry run: nothing done", or what failed
  std::optional<DropCount> dropped;  // a withdrawal: what the action dropped while in force
  uint64_t time_ns = 0;
};

// An action in force, with what its data planes say it dropped so far (nullopt: they cannot tell).
struct ActionInForce {
  Action action;
  std::optional<DropCount> dropped;
};

}  // namespace rampart::mitigate
