// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/flow_record.h"
#include "decode/link_layer.h"
#include "decode/packet_decoder.h"
#include "decode/wire.h"

// GRE and VXLAN headers: find the packet they carry. Internal to rampart_decode.
namespace rampart::decode::detail {

// What a tunnel header carries: an IP packet (`inner` set from the protocol) or, for VXLAN and
// GRE's transparent Ethernet bridging, an Ethernet frame to decode first.
struct TunnelPayload {
  uint8_t kind = core::FlowRecord::kTunnelNone;
  bool ethernet = false;
  NetworkStart inner;
};

inline constexpr uint16_t kVxlanPort = 4789;  // IANA, RFC 7348 section 5
inline constexpr std::size_t kVxlanHeader = 8;

// RFC 2784 section 2.1 with the key and sequence number of RFC 2890 section 2:
//   C (0x80) adds checksum + reserved, K (0x20) a key, S (0x10) a sequence number, 4 bytes each.
// Version 1 (PPTP's enhanced GRE, RFC 2637), RFC 1701 routing (R, 0x40) and protocols other than
// IP and Ethernet carry nothing we decode: the outer packet is then the record (kind stays none).
[[nodiscard]] inline DecodeResult decodeGre(const uint8_t* p, std::size_t n, TunnelPayload& tunnel) noexcept {
  if (n < 4) return DecodeResult::kTruncatedTransport;
  const uint8_t flags = p[0];
  if ((p[1] & 0x07) != 0 || (flags & 0x40) != 0) return DecodeResult::kOk;
  const std::size_t header =
      4 + ((flags & 0x80) != 0 ? 4 : 0) + ((flags & 0x20) != 0 ? 4 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
  if (n < header) return DecodeResult::kTruncatedTransport;
  switch (wire::load16(p + 2)) {
    case kEthertypeIpv4: tunnel.inner.kind = NetworkStart::Kind::kIpv4; break;
    case kEthertypeIpv6: tunnel.inner.kind = NetworkStart::Kind::kIpv6; break;
    case 0x6558:  // transparent Ethernet bridging
      tunnel.ethernet = true;
      break;
    default: return DecodeResult::kOk;
  }
  tunnel.kind = core::FlowRecord::kTunnelGre;
  tunnel.inner.data = p + header;
  tunnel.inner.size = n - header;
  return DecodeResult::kOk;
}

// RFC 7348 section 5: flags (I, 0x08, says the VNI is valid), 3 reserved bytes, VNI, 1 reserved
// byte, then an Ethernet frame. UDP to port 4789 without the I flag is ordinary UDP.
inline void decodeVxlan(const uint8_t* p, std::size_t n, TunnelPayload& tunnel) noexcept {
  if (n < kVxlanHeader || (p[0] & 0x08) == 0) return;
  tunnel.kind = core::FlowRecord::kTunnelVxlan;
  tunnel.ethernet = true;
  tunnel.inner.data = p + kVxlanHeader;
  tunnel.inner.size = n - kVxlanHeader;
}

}  // namespace rampart::decode::detail
