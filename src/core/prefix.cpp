// SPDX-License-Identifier: Apache-2.0
#include "core/prefix.h"

#include <charconv>

namespace rampart::core {

Prefix::Prefix(const IpAddress& address, unsigned family_length)
    : mapped_length_(address.isV4() ? family_length + 96 : family_length) {
  if (mapped_length_ > 128) mapped_length_ = 128;
  address_ = address.masked(mapped_length_);
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const unsigned max = addr->isV4() ? 32 : 128;
  unsigned len = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || len > max) return std::nullopt;
  }
  Prefix p(*addr, len);
  if (p.address() != *addr) return std::nullopt;  // host bits set: almost always a typo
  return p;
}

std::string Prefix::toString() const { return address_.toString() + "/" + std::to_string(length()); }

}  // namespace rampart::core
