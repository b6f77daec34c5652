// SPDX-License-Identifier: Apache-2.0
#include "app/control_request.h"

#include "mitigate/action_json.h"

namespace rampart::app {

core::Result<ControlRequest, std::string> parseControlRequest(const nlohmann::json& j) {
  using R = core::Result<ControlRequest, std::string>;
  ControlRequest r;
  std::string command;
  std::string error;
  if (!j.is_object() || !mitigate::optionalString(j, "command", command, error)) {
    return R::failure(error.empty() ? "a request is a JSON object" : error);
  }
  if (command == "status") {
    r.command = ControlRequest::Command::kStatus;
  } else if (command == "list") {
    r.command = ControlRequest::Command::kList;
  } else if (command == "journal") {
    r.command = ControlRequest::Command::kJournal;
  } else if (command == "unblock") {
    r.command = ControlRequest::Command::kUnblock;
    if (!j.contains("id")) return R::failure("unblock needs an id");
    if (!mitigate::optionalUnsigned(j, "id", r.id, error)) return R::failure(error);
  } else if (command == "block") {
    r.command = ControlRequest::Command::kBlock;
    std::string kind;
    if (!mitigate::optionalString(j, "kind", kind, error)) return R::failure(error);
    if (!mitigate::actionKindFromString(kind, r.kind)) {
      return R::failure("kind must be drop-source, drop-fingerprint, flowspec or blackhole");
    }
    auto rule = mitigate::ruleFromJson(j.contains("rule") ? j["rule"] : nlohmann::json(), error);
    if (!rule) return R::failure(error);
    r.rule = *rule;
    if (r.kind == mitigate::ActionKind::kDropSource && !r.rule.source) return R::failure("drop-source needs a source");
    if (j.contains("duration_s")) {
      const auto& d = j["duration_s"];
      if (!d.is_number() || d.get<double>() < 0 || d.get<double>() > 1e7) {
        return R::failure("duration_s must be a number of seconds from 0 to 10,000,000");
      }
      r.duration_ns = static_cast<uint64_t>(d.get<double>() * 1e9);
    }
    if (!mitigate::optionalString(j, "reason", r.reason, error)) return R::failure(error);
  } else {
    return R::failure("unknown command '" + command + "' (status, list, journal, block, unblock)");
  }
  return r;
}

}  // namespace rampart::app
