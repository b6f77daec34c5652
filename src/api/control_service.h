// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "mitigate/action.h"
#include "mitigate/mitigation_record.h"

namespace rampart::api {

struct DaemonStatus {
  std::size_t active_attacks = 0;
  bool mitigation = false;  // a [mitigation] table is configured
};

struct BlockRequest {
  mitigate::ActionKind kind{};
  mitigate::FilterRule rule;
  uint64_t duration_ns = 0;  // 0: until unblocked
  std::string reason;
};

// What an operator (or the shield) can ask of a running daemon, typed. The daemon implements it
// on its event loop's thread; transports (the Unix socket, later HTTP) decode a request, have it
// run there, and encode the answer. A client of a remote daemon implements it too, so the shield
// hands its offenders to a ControlService wherever the mitigation runs. Errors are one line for
// the operator.
class ControlService {
 public:
  virtual ~ControlService() = default;
  [[nodiscard]] virtual core::Result<DaemonStatus, std::string> status() = 0;
  [[nodiscard]] virtual core::Result<std::vector<mitigate::ActionInForce>, std::string> list() = 0;
  [[nodiscard]] virtual core::Result<std::vector<mitigate::MitigationRecord>, std::string> journal() = 0;
  [[nodiscard]] virtual core::Result<mitigate::Action, std::string> block(const BlockRequest& request) = 0;
  [[nodiscard]] virtual core::Status unblock(uint64_t id) = 0;
};

}  // namespace rampart::api
