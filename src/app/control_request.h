// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "mitigate/action.h"

namespace rampart::app {

// One request of the control socket, read strictly (the socket is root's, but its input is still
// checked like any other): {"command": "status"|"list"|"journal"} or {"command": "unblock", "id": N}
// or {"command": "block", "kind", "rule": {...}, "duration_s", "reason"}.
struct ControlRequest {
  enum class Command : uint8_t { kStatus, kList, kJournal, kBlock, kUnblock };
  Command command{};
  uint64_t id = 0;  // unblock
  mitigate::ActionKind kind{};
  mitigate::FilterRule rule;
  uint64_t duration_ns = 0;  // 0: until unblocked
  std::string reason;
};

[[nodiscard]] core::Result<ControlRequest, std::string> parseControlRequest(const nlohmann::json& request);

}  // namespace rampart::app
