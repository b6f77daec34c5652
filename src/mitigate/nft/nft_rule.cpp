// SPDX-License-Identifier: Apache-2.0
#include "mitigate/nft/nft_rule.h"

#include <fmt/format.h>

namespace rampart::mitigate::nft {
namespace {

template <typename T>
std::string range(T low, T high) {
  return low == high ? fmt::format("{}", low) : fmt::format("{}-{}", low, high);
}

}  // namespace

std::string nftElement(const core::Prefix& p) {
  const bool host = p.mappedLength() == 128;
  return host ? p.address().toString() : p.toString();
}

std::string nftMatch(const FilterRule& r) {
  const bool v4 = r.destination.isV4();
  const char* ip = v4 ? "ip" : "ip6";
  std::string m = fmt::format("{} daddr {}", ip, r.destination.toString());
  if (r.source) m += fmt::format(" {} saddr {}", ip, r.source->toString());
  const bool icmp = r.protocol && (*r.protocol == core::ip_proto::kIcmp || *r.protocol == core::ip_proto::kIcmpV6);
  if (r.protocol) m += fmt::format(" meta l4proto {}", *r.protocol);
  if (icmp && r.dst_port) {
    const char* name = *r.protocol == core::ip_proto::kIcmp ? "icmp" : "icmpv6";
    m += fmt::format(" {} type {} {} code {}", name, *r.dst_port >> 8, name, *r.dst_port & 0xff);
  } else if (r.src_port || r.dst_port) {
    if (!r.protocol) m += " meta l4proto { tcp, udp }";
    if (r.src_port) m += fmt::format(" th sport {}", *r.src_port);
    if (r.dst_port) m += fmt::format(" th dport {}", *r.dst_port);
  }
  if (r.tcp_flags) m += fmt::format(" tcp flags == 0x{:02x}", *r.tcp_flags);
  if (r.length) {
    if (v4) {
      m += " ip length " + range(r.length->low, r.length->high);
    } else {  // payload length: the IPv6 header's 40 bytes off
      const auto payload = [](uint16_t total) { return total > 40 ? static_cast<uint16_t>(total - 40) : uint16_t{0}; };
      m += " ip6 length " + range(payload(r.length->low), payload(r.length->high));
    }
  }
  if (r.ttl) m += fmt::format(" {} {}", v4 ? "ip ttl" : "ip6 hoplimit", range(r.ttl->low, r.ttl->high));
  if (r.fragments_only) m += v4 ? " ip frag-off & 0x3fff != 0" : " exthdr frag exists";
  return m;
}

}  // namespace rampart::mitigate::nft
