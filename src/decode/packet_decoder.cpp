// SPDX-License-Identifier: Apache-2.0
#include "decode/packet_decoder.h"

#include <numeric>

#include "decode/ip_layer.h"
#include "decode/link_layer.h"
#include "decode/transport_layer.h"
#include "decode/tunnel_header.h"

namespace rampart::decode {

std::optional<LinkType> linkTypeFromDlt(int dlt) noexcept {
  switch (dlt) {
    case 1:  // DLT_EN10MB
      return LinkType::kEthernet;
    case 0:    // DLT_NULL
    case 108:  // DLT_LOOP
      return LinkType::kNull;
    case 12:   // DLT_RAW on most systems
    case 14:   // DLT_RAW on OpenBSD
    case 101:  // LINKTYPE_RAW, as written in files
      return LinkType::kRawIp;
    case 228:  // LINKTYPE_IPV4
      return LinkType::kIpv4;
    case 229:  // LINKTYPE_IPV6
      return LinkType::kIpv6;
    case 113:  // DLT_LINUX_SLL
      return LinkType::kLinuxSll;
    case 276:  // DLT_LINUX_SLL2
      return LinkType::kLinuxSll2;
    default: return std::nullopt;
  }
}

std::string_view toString(DecodeResult r) noexcept {
  switch (r) {
    case DecodeResult::kOk: return "ok";
    case DecodeResult::kNotIp: return "not_ip";
    case DecodeResult::kTruncatedLink: return "truncated_link";
    case DecodeResult::kTooManyVlanTags: return "too_many_vlan_tags";
    case DecodeResult::kTruncatedIp: return "truncated_ip";
    case DecodeResult::kBadIpVersion: return "bad_ip_version";
    case DecodeResult::kBadIpHeaderLength: return "bad_ip_header_length";
    case DecodeResult::kBadIpTotalLength: return "bad_ip_total_length";
    case DecodeResult::kTruncatedIpv6Extension: return "truncated_ipv6_extension";
    case DecodeResult::kTooManyIpv6Extensions: return "too_many_ipv6_extensions";
    case DecodeResult::kTruncatedTransport: return "truncated_transport";
    case DecodeResult::kBadTcpHeaderLength: return "bad_tcp_header_length";
    case DecodeResult::kTunnelTooDeep: return "tunnel_too_deep";
    case DecodeResult::kCount: break;
  }
  return "unknown";
}

namespace {

// A tunnel inside a tunnel is not followed: one level covers GRE and VXLAN overlays, and a deeper
// nest is more often an evasion attempt than a network design.
constexpr unsigned kMaxTunnelDepth = 1;

// A blank record to copy from: `out = FlowRecord{}` made GCC build the value on the stack with
// overlapping stores and copy it out with a wider load, a failed store forwarding that cost more
// than the rest of an Ethernet/IPv4/TCP decode.
constexpr core::FlowRecord kBlankRecord{};

[[nodiscard]] inline DecodeResult decodeNetwork(const detail::NetworkStart& net, core::FlowRecord& out,
                                                detail::IpPayload& payload) noexcept {
  using Kind = detail::NetworkStart::Kind;
  Kind kind = net.kind;
  if (kind == Kind::kByVersion) {
    if (net.size == 0) return DecodeResult::kTruncatedIp;
    const unsigned version = net.data[0] >> 4;
    if (version != 4 && version != 6) return DecodeResult::kBadIpVersion;
    kind = version == 4 ? Kind::kIpv4 : Kind::kIpv6;
  }
  return kind == Kind::kIpv4 ? detail::decodeIpv4(net.data, net.size, out, payload)
                             : detail::decodeIpv6(net.data, net.size, out, payload);
}

}  // namespace

// Walks link → IP → transport, and once more from the inner packet when the transport is a tunnel.
DecodeResult decodePacket(LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns,
                          core::FlowRecord& out) noexcept {
  out = kBlankRecord;
  out.timestamp_ns = timestamp_ns;
  detail::NetworkStart net;
  DecodeResult r = detail::decodeLinkLayer(link, frame.data(), frame.size(), net);
  if (r != DecodeResult::kOk) return r;
  for (unsigned depth = 0;; ++depth) {
    detail::IpPayload payload;
    r = decodeNetwork(net, out, payload);
    if (r != DecodeResult::kOk || !payload.has_transport) return r;
    detail::TunnelPayload tunnel;
    r = detail::decodeTransport(payload, out, tunnel);
    if (r != DecodeResult::kOk || tunnel.kind == core::FlowRecord::kTunnelNone) return r;
    if (depth == kMaxTunnelDepth) return DecodeResult::kTunnelTooDeep;
    // From here the record describes the inner packet; clear what its transport may not set.
    out.tunnel = tunnel.kind;
    out.src_port = 0;
    out.dst_port = 0;
    out.tcp_flags = 0;
    out.tcp_payload_empty = 0;
    if (tunnel.ethernet) {
      r = detail::decodeEthernet(tunnel.inner.data, tunnel.inner.size, net);
      if (r != DecodeResult::kOk) return r;
    } else {
      net = tunnel.inner;
    }
  }
}

}  // namespace rampart::decode
