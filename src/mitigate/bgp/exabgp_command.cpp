// SPDX-License-Identifier: Apache-2.0
#include "mitigate/bgp/exabgp_command.h"

#include <fmt/format.h>

namespace rampart::mitigate::bgp {
namespace {

std::string prefixText(const core::Prefix& p) {
  return p.isV4() ? p.toString() : p.toString() + "/0";  // IPv6 flowspec prefixes carry an offset
}

std::string protocolName(uint8_t p) {
  switch (p) {
    case core::ip_proto::kTcp: return "tcp";
    case core::ip_proto::kUdp: return "udp";
    case core::ip_proto::kIcmp: return "icmp";
    case core::ip_proto::kGre: return "gre";
    default: return std::to_string(p);
  }
}

const char* flagName(uint8_t flags) {
  switch (flags) {
    case core::tcp_flag::kSyn: return "syn";
    case core::tcp_flag::kAck: return "ack";
    case core::tcp_flag::kRst: return "rst";
    case core::tcp_flag::kFin: return "fin";
    case core::tcp_flag::kPsh: return "push";
    case core::tcp_flag::kUrg: return "urgent";
    default: return nullptr;
  }
}

std::string valueMatch(uint16_t low, uint16_t high) {
  return low == high ? fmt::format("={}", low) : fmt::format(">={}&<={}", low, high);
}

std::string flowMatch(const FilterRule& r) {
  const bool v4 = r.destination.isV4();
  std::string m = "destination " + prefixText(r.destination) + "; ";
  if (r.source) m += "source " + prefixText(*r.source) + "; ";
  const bool icmp = r.protocol && (*r.protocol == core::ip_proto::kIcmp || *r.protocol == core::ip_proto::kIcmpV6);
  if (r.protocol) {
    const std::string name = *r.protocol == core::ip_proto::kIcmpV6 ? "ipv6-icmp" : protocolName(*r.protocol);
    m += fmt::format("{} ={}; ", v4 ? "protocol" : "next-header", *r.protocol == core::ip_proto::kIcmpV6 ? "58" : name);
  }
  if (r.src_port && !icmp) m += fmt::format("source-port ={}; ", *r.src_port);
  if (r.dst_port) {
    m += icmp ? fmt::format("icmp-type ={}; icmp-code ={}; ", *r.dst_port >> 8, *r.dst_port & 0xff)
              : fmt::format("destination-port ={}; ", *r.dst_port);
  }
  if (r.tcp_flags) {
    if (const char* f = flagName(*r.tcp_flags)) m += fmt::format("tcp-flags [ ={} ]; ", f);
  }
  if (r.length) {
    // IPv4: the total length (RFC 8955); IPv6: the length without the fixed header (RFC 8956).
    const auto l = [v4](uint16_t total) { return v4 || total < 40 ? total : static_cast<uint16_t>(total - 40); };
    m += "packet-length " + valueMatch(l(r.length->low), l(r.length->high)) + "; ";
  }
  if (r.fragments_only) m += "fragment [ is-fragment ]; ";
  return m;
}

std::string communities(const RouteAttributes& a) {
  std::string list;
  for (const auto& c : a.communities) list += (list.empty() ? "" : " ") + c;
  return list.empty() ? std::string() : " community [" + list + "]";
}

}  // namespace

std::string announceCommand(const Action& a, const RouteAttributes& attributes) {
  if (a.kind == ActionKind::kBlackhole) {
    return fmt::format("announce route {} next-hop {}{}", a.rule.destination.toString(),
                       a.rule.destination.isV4() ? attributes.next_hop : attributes.next_hop6, communities(attributes));
  }
  if (a.kind == ActionKind::kFlowspec) {
    return fmt::format("announce flow route {{ match {{ {}}} then {{ discard; }} }}", flowMatch(a.rule));
  }
  return {};
}

std::string withdrawCommand(const Action& a, const RouteAttributes& attributes) {
  if (a.kind == ActionKind::kBlackhole) {
    return fmt::format("withdraw route {} next-hop {}", a.rule.destination.toString(),
                       a.rule.destination.isV4() ? attributes.next_hop : attributes.next_hop6);
  }
  if (a.kind == ActionKind::kFlowspec) return fmt::format("withdraw flow route {{ match {{ {}}} }}", flowMatch(a.rule));
  return {};
}

}  // namespace rampart::mitigate::bgp
