// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mitigate/action.h"

namespace rampart::mitigate {

// Actions as JSON, for the state file a restart re-applies, the control socket and the event
// stream: {"id", "kind", "rule": {"destination", "source", "protocol", ...}, "attack", "reason",
// "created_ns", "until_ns", "dry_run"}. Absent rule fields are absent keys.
[[nodiscard]] nlohmann::json toJson(const FilterRule& rule);
[[nodiscard]] nlohmann::json toJson(const Action& action);

// Reads what toJson wrote; on anything else, nullopt and `error` says what.
[[nodiscard]] std::optional<FilterRule> ruleFromJson(const nlohmann::json& j, std::string& error);
[[nodiscard]] std::optional<Action> actionFromJson(const nlohmann::json& j, std::string& error);

// Strictly typed optional fields of hostile JSON: absent leaves `out` as it is; present with
// another type is an error (never a conversion: nlohmann's would be undefined for 1e22).
[[nodiscard]] bool optionalUnsigned(const nlohmann::json& j, const char* key, uint64_t& out, std::string& error);
[[nodiscard]] bool optionalString(const nlohmann::json& j, const char* key, std::string& out, std::string& error);
[[nodiscard]] bool optionalBool(const nlohmann::json& j, const char* key, bool& out, std::string& error);

}  // namespace rampart::mitigate
