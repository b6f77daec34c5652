// SPDX-License-Identifier: Apache-2.0
#include "mitigate/filter_rule.h"

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

template <typename T>
std::string rangeText(const detect::Range<T>& r) {
  return r.low == r.high ? fmt::format("{}", r.low) : fmt::format("{}-{}", r.low, r.high);
}

}  // namespace

FilterRule FilterRule::fromFingerprint(const detect::Fingerprint& fp, const core::Prefix& destination) {
  FilterRule r;
  r.destination = destination;
  r.protocol = fp.protocol;
  r.src_port = fp.src_port;
  r.dst_port = fp.dst_port;
  r.length = fp.ip_length;
  r.tcp_flags = fp.tcp_flags;
  r.ttl = fp.ttl;
  r.fragments_only = fp.fragments_only;
  return r;
}

unsigned FilterRule::fieldCount() const noexcept {
  return protocol.has_value() + src_port.has_value() + dst_port.has_value() + length.has_value() +
         tcp_flags.has_value() + ttl.has_value() + (fragments_only ? 1 : 0);
}

std::string FilterRule::toString() const {
  std::string s = "to " + destination.toString();
  if (source) s += " from " + source->toString();
  if (protocol) s += " " + core::protocolName(*protocol);
  if (src_port) s += fmt::format(" src-port {}", *src_port);
  if (dst_port) {
    const bool icmp = protocol && (*protocol == core::ip_proto::kIcmp || *protocol == core::ip_proto::kIcmpV6);
    s += icmp ? fmt::format(" type {} code {}", *dst_port >> 8, *dst_port & 0xff)
              : fmt::format(" dst-port {}", *dst_port);
  }
  if (tcp_flags) s += fmt::format(" flags 0x{:02x}", *tcp_flags);
  if (length) s += " length " + rangeText(*length);
  if (ttl) s += " ttl " + rangeText(*ttl);
  if (fragments_only) s += " fragments";
  return s;
}

}  // namespace rampart::mitigate
