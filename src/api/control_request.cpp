// SPDX-License-Identifier: Apache-2.0
#include "api/control_request.h"

#include "mitigate/action_json.h"
#include "report/event_json.h"

namespace rampart::api {

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
    if (!mitigate::actionKindFromString(kind, r.block.kind)) {
      return R::failure("kind must be drop-source, drop-fingerprint, flowspec or blackhole");
    }
    auto rule = mitigate::ruleFromJson(j.contains("rule") ? j["rule"] : nlohmann::json(), error);
    if (!rule) return R::failure(error);
    r.block.rule = *rule;
    if (r.block.kind == mitigate::ActionKind::kDropSource && !r.block.rule.source)
      return R::failure("drop-source needs a source");
    if (j.contains("duration_s")) {
      const auto& d = j["duration_s"];
      if (!d.is_number() || d.get<double>() < 0 || d.get<double>() > 1e7) {
        return R::failure("duration_s must be a number of seconds from 0 to 10,000,000");
      }
      r.block.duration_ns = static_cast<uint64_t>(d.get<double>() * 1e9);
    }
    if (!mitigate::optionalString(j, "reason", r.block.reason, error)) return R::failure(error);
  } else {
    return R::failure("unknown command '" + command + "' (status, list, journal, block, unblock)");
  }
  return r;
}

nlohmann::json blockRequestJson(const BlockRequest& b) {
  return {{"command", "block"},
          {"kind", mitigate::toString(b.kind)},
          {"rule", mitigate::toJson(b.rule)},
          {"duration_s", static_cast<double>(b.duration_ns) / 1e9},
          {"reason", b.reason}};
}

nlohmann::json answer(ControlService& service, const ControlRequest& r) {
  using nlohmann::json;
  const auto fail = [](const std::string& why) { return json{{"ok", false}, {"error", why}}; };
  using Command = ControlRequest::Command;
  switch (r.command) {
    case Command::kStatus: {
      auto s = service.status();
      if (!s) return fail(s.error());
      return {{"ok", true}, {"active_attacks", s.value().active_attacks}, {"mitigation", s.value().mitigation}};
    }
    case Command::kList: {
      auto l = service.list();
      if (!l) return fail(l.error());
      json actions = json::array();
      for (const mitigate::ActionInForce& a : l.value()) {
        json j = mitigate::toJson(a.action);
        if (a.dropped) j["dropped"] = {{"packets", a.dropped->packets}, {"bytes", a.dropped->bytes}};
        actions.push_back(std::move(j));
      }
      return {{"ok", true}, {"actions", std::move(actions)}};
    }
    case Command::kJournal: {
      auto records = service.journal();
      if (!records) return fail(records.error());
      json out = json::array();
      for (const auto& rec : records.value()) out.push_back(report::mitigationJson(rec));
      return {{"ok", true}, {"journal", std::move(out)}};
    }
    case Command::kBlock: {
      auto added = service.block(r.block);
      if (!added) return fail(added.error());
      return {{"ok", true}, {"action", mitigate::toJson(added.value())}};
    }
    case Command::kUnblock: {
      auto done = service.unblock(r.id);
      if (!done) return fail(done.error());
      return {{"ok", true}};
    }
  }
  return fail("unhandled command");
}

}  // namespace rampart::api
