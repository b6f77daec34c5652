// SPDX-License-Identifier: Apache-2.0
#include "mitigate/action.h"

#include <array>

namespace rampart::mitigate {
namespace {

constexpr std::array<std::string_view, kActionKindCount> kNames = {"drop-fingerprint", "drop-source", "flowspec",
                                                                   "blackhole"};

}  // namespace

std::string_view toString(ActionKind k) noexcept { return kNames[static_cast<std::size_t>(k)]; }

bool actionKindFromString(std::string_view s, ActionKind& out) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == s) {
      out = static_cast<ActionKind>(i);
      return true;
    }
  }
  return false;
}

}  // namespace rampart::mitigate
