// SPDX-License-Identifier: Apache-2.0
#include "core/ip_address.h"

#include <arpa/inet.h>

namespace rampart::core {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  uint8_t raw[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, raw) != 1) return std::nullopt;
    return fromV4Bytes(raw);
  }
  if (inet_pton(AF_INET6, buf, raw) != 1) return std::nullopt;
  return fromV6Bytes(raw);
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (isV4()) {
    inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  }
  return buf;
}

IpAddress IpAddress::masked(unsigned bits) const noexcept {
  IpAddress out = *this;
  if (bits >= 128) return out;
  const unsigned whole = bits / 8;
  const unsigned rest = bits % 8;
  if (rest != 0) out.bytes_[whole] &= static_cast<uint8_t>(0xff << (8 - rest));
  for (unsigned i = whole + (rest != 0 ? 1 : 0); i < 16; ++i) out.bytes_[i] = 0;
  return out;
}

}  // namespace rampart::core
