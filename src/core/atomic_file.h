// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace rampart::core {

// Replaces `path` with `text` whole: written beside it ("<path>.tmp") and renamed over it, so a
// reader, or a restart after a crash mid-write, sees the old document or the new, never half of
// one. Fails with "<path>: <why>".
[[nodiscard]] Status writeFileAtomically(const std::string& path, std::string_view text);

}  // namespace rampart::core
