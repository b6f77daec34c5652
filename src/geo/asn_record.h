// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rampart::geo {

// An autonomous system as a database names it. Number 0 means unknown (AS 0 is reserved,
// RFC 7607). `organization` views storage owned by the reader or table that returned the record
// and stays valid as long as that object lives.
struct AsnRecord {
  uint32_t number = 0;
  std::string_view organization;
};

// "13335" or "AS13335" (any case) as a 32-bit AS number (RFC 6793); nothing for anything else.
[[nodiscard]] inline std::optional<uint32_t> parseAsNumber(std::string_view text) {
  if (text.size() >= 2 && (text[0] == 'A' || text[0] == 'a') && (text[1] == 'S' || text[1] == 's')) {
    text.remove_prefix(2);
  }
  uint32_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

}  // namespace rampart::geo
