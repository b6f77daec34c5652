// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "api/control_service.h"
#include "core/result.h"
#include "mitigate/action.h"

namespace rampart::api {

// One request of the control socket, read strictly (the socket is root's, but its input is still
// checked like any other): {"command": "status"|"list"|"journal"} or {"command": "unblock", "id": N}
// or {"command": "block", "kind", "rule": {...}, "duration_s", "reason"}.
struct ControlRequest {
  enum class Command : uint8_t { kStatus, kList, kJournal, kBlock, kUnblock };
  Command command{};
  uint64_t id = 0;     // unblock
  BlockRequest block;  // block
};

[[nodiscard]] core::Result<ControlRequest, std::string> parseControlRequest(const nlohmann::json& request);
// The request as a client sends it (what parseControlRequest reads).
[[nodiscard]] nlohmann::json blockRequestJson(const BlockRequest& request);

// Carries out `request` on `service` and encodes its answer: {"ok": true, ...} with "active_attacks"
// and "mitigation" (status), "actions" (list), "journal" or "action" (block); or {"ok": false,
// "error": "..."}.
[[nodiscard]] nlohmann::json answer(ControlService& service, const ControlRequest& request);

}  // namespace rampart::api
