// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace rampart::shield::http {

// ASCII-only case folding: header names and tokens are ASCII (RFC 9110 section 5.1), and the
// locale must never change how a request is read.
[[nodiscard]] constexpr char lowerAscii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

[[nodiscard]] constexpr bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

// Calls `f(token)` for each comma-separated element of a list header (RFC 9110 section 5.6.1),
// spaces and empty elements skipped.
template <typename F>
constexpr void forEachToken(std::string_view list, F&& f) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace rampart::shield::http
