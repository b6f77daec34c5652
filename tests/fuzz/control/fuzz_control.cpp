// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for what the control socket and the state file hand to the mitigation: JSON
// requests (parseControlRequest) and actions, read back into rules and actions. Besides not crashing, whatever is
// accepted must survive a round trip: written back with toJson and read again, it is the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "api/control_request.h"
#include "mitigate/action_json.h"

namespace {

void check(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "check failed at line %d\n", line);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  std::string error;
  if (auto a = rampart::mitigate::actionFromJson(j, error)) {
    std::string again_error;
    const auto again = rampart::mitigate::actionFromJson(rampart::mitigate::toJson(*a), again_error);
    check(again.has_value(), __LINE__);
    check(again->rule == a->rule && again->kind == a->kind && again->id == a->id, __LINE__);
    check(!a->key().empty(), __LINE__);
  } else {
    check(!error.empty(), __LINE__);
  }
  // As the control socket reads it.
  if (auto r = rampart::api::parseControlRequest(j); !r) check(!r.error().empty(), __LINE__);
  if (j.is_object() && j.contains("rule")) {
    error.clear();
    if (auto r = rampart::mitigate::ruleFromJson(j["rule"], error)) {
      check(!r->toString().empty(), __LINE__);
    } else {
      check(!error.empty(), __LINE__);
    }
  }
  return 0;
}
