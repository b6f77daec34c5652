// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

// Byte classes of HTTP's grammar in one table (case folding is in ascii.h), so the parsers' inner loops cost one load
// per byte and never consult a locale. Internal to shield/http: the head parser and the chunked decoder share it so a
// trailer field is held to the same rules as a header field.
namespace rampart::shield::http::chars {

inline constexpr uint8_t kTchar = 1;       // RFC 9110 section 5.6.2: the characters of a token
inline constexpr uint8_t kFieldChar = 2;   // section 5.5: VCHAR, obs-text, SP and HTAB
inline constexpr uint8_t kTargetChar = 4;  // visible ASCII but '#': a request-target carries no fragment
inline constexpr uint8_t kHostChar = 8;    // visible ASCII but the delimiters that end an authority

inline constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0x21; c <= 0x7e; ++c) t[c] |= kFieldChar | kTargetChar | kHostChar;
  for (int c = 0x80; c <= 0xff; ++c) t[c] |= kFieldChar;
  t[' '] |= kFieldChar;
  t['\t'] |= kFieldChar;
  t['#'] &= ~kTargetChar;
  // A Host with '/', '?', '#', '@' or '\' would be read as a different authority by a URL parser
  // downstream (host-header confusion), so such a value is refused rather than forwarded.
  for (const char c : std::string_view("/?#@\\")) t[static_cast<uint8_t>(c)] &= ~kHostChar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kTchar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kTchar;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kTchar;
  for (const char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<uint8_t>(c)] |= kTchar;
  return t;
}();

[[nodiscard]] constexpr bool is(char c, uint8_t cls) noexcept { return (kClass[static_cast<uint8_t>(c)] & cls) != 0; }

// The value of a HEXDIG, or -1.
[[nodiscard]] constexpr int hexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace rampart::shield::http::chars
