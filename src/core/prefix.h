// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace rampart::core {

// An IPv4 or IPv6 network. The length counts bits of the 128-bit mapped form, so an IPv4 /24 is
// stored as length 120; length() gives the family's own notion (24).
class Prefix {
 public:
  Prefix() = default;
  Prefix(const IpAddress& address, unsigned family_length);

  // "192.0.2.0/24", "2001:db8::/32", or a bare address (a host prefix). Host bits must be zero.
  static std::optional<Prefix> parse(std::string_view text);

  [[nodiscard]] const IpAddress& address() const noexcept { return address_; }
  [[nodiscard]] unsigned length() const noexcept { return address_.isV4() ? mapped_length_ - 96 : mapped_length_; }
  [[nodiscard]] unsigned mappedLength() const noexcept { return mapped_length_; }
  [[nodiscard]] bool isV4() const noexcept { return address_.isV4(); }
  [[nodiscard]] bool contains(const IpAddress& a) const noexcept { return a.masked(mapped_length_) == address_; }
  [[nodiscard]] std::string toString() const;

  friend bool operator==(const Prefix&, const Prefix&) = default;

 private:
  IpAddress address_;
  unsigned mapped_length_ = 0;
};

}  // namespace rampart::core
