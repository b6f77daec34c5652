// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace rampart::shield::conn {

// A socket address parsed from "192.0.2.1:80" or "[2001:db8::1]:80".
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;

  [[nodiscard]] static std::optional<Endpoint> parse(std::string_view text);
  [[nodiscard]] int family() const noexcept { return address.ss_family; }
  [[nodiscard]] std::string toString() const;
};

// The peer of an accepted connection as Rampart's address type (IPv4-mapped for IPv4) and text.
[[nodiscard]] core::IpAddress peerAddress(const sockaddr_storage& peer) noexcept;

}  // namespace rampart::shield::conn
