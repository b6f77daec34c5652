// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/flow_record.h"
#include "decode/ip_layer.h"
#include "decode/packet_decoder.h"
#include "decode/tunnel_header.h"
#include "decode/wire.h"

// TCP, UDP and ICMP headers: ports, flags, ICMP type and code; GRE and VXLAN are recognised here and
// handed back as a tunnel. Internal to rampart_decode.
namespace rampart::decode::detail {

inline constexpr std::size_t kTcpMinHeader = 20;
inline constexpr std::size_t kUdpHeader = 8;
inline constexpr std::size_t kIcmpHeader = 4;  // type, code, checksum (RFC 792; RFC 4443 section 2.1)

[[nodiscard]] inline DecodeResult decodeTransport(const IpPayload& ip, core::FlowRecord& out,
                                                  TunnelPayload& tunnel) noexcept {
  const uint8_t* p = ip.data;
  const std::size_t n = ip.captured;
  switch (ip.protocol) {
    case core::ip_proto::kTcp: {  // RFC 9293 section 3.1
      if (n < kTcpMinHeader) return DecodeResult::kTruncatedTransport;
      const uint32_t header = (uint32_t{p[12]} >> 4) * 4;
      // The data offset may not be below the fixed header nor past the segment the IP header gives.
      if (header < kTcpMinHeader || header > ip.length) return DecodeResult::kBadTcpHeaderLength;
      out.src_port = wire::load16(p);
      out.dst_port = wire::load16(p + 2);
      out.tcp_flags = p[13];
      out.tcp_payload_empty = header == ip.length ? 1 : 0;
      return DecodeResult::kOk;
    }
    case core::ip_proto::kUdp:  // RFC 768
      if (n < kUdpHeader) return DecodeResult::kTruncatedTransport;
      out.src_port = wire::load16(p);
      out.dst_port = wire::load16(p + 2);
      if (out.dst_port == kVxlanPort) decodeVxlan(p + kUdpHeader, n - kUdpHeader, tunnel);
      return DecodeResult::kOk;
    case core::ip_proto::kIcmp:
    case core::ip_proto::kIcmpV6:
      if (n < kIcmpHeader) return DecodeResult::kTruncatedTransport;
      out.dst_port = wire::load16(p);  // type << 8 | code
      return DecodeResult::kOk;
    case core::ip_proto::kGre: return decodeGre(p, n, tunnel);
    default: return DecodeResult::kOk;
  }
}

}  // namespace rampart::decode::detail
