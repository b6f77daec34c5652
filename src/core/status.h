// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <variant>

#include "core/result.h"

namespace rampart::core {

// Success, or what failed with its context ("veth0: attach XDP: Operation not permitted"), for
// OS adapters whose operations return nothing else.
using Status = Result<std::monostate, std::string>;

[[nodiscard]] inline Status okStatus() { return Status(std::monostate{}); }
[[nodiscard]] inline Status failed(std::string what) { return Status::failure(std::move(what)); }

}  // namespace rampart::core
