// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "core/ip_address.h"

namespace rampart::core {

// TCP flag bits as on the wire (RFC 9293 section 3.1, plus ECE/CWR of RFC 3168).
namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;
inline constexpr uint8_t kUrg = 0x20;
inline constexpr uint8_t kEce = 0x40;
inline constexpr uint8_t kCwr = 0x80;
}  // namespace tcp_flag

namespace ip_proto {
inline constexpr uint8_t kIcmp = 1;
inline constexpr uint8_t kTcp = 6;
inline constexpr uint8_t kUdp = 17;
inline constexpr uint8_t kGre = 47;
inline constexpr uint8_t kIcmpV6 = 58;
}  // namespace ip_proto

// "tcp", "udp", "icmp", "icmp6", "gre", else "proto N": how reports and rules name a protocol.
[[nodiscard]] inline std::string protocolName(uint8_t p) {
  switch (p) {
    case ip_proto::kTcp: return "tcp";
    case ip_proto::kUdp: return "udp";
    case ip_proto::kIcmp: return "icmp";
    case ip_proto::kIcmpV6: return "icmp6";
    case ip_proto::kGre: return "gre";
    default: return "proto " + std::to_string(p);
  }
}

// The one normalised record every sensor produces: a captured packet is a record with packets = 1,
// a NetFlow/IPFIX/sFlow sample is a record with its own counts and sampling rate. Everything
// downstream (counters, detectors, reports) sees only this type.
struct FlowRecord {
  IpAddress src;
  IpAddress dst;
  uint64_t timestamp_ns = 0;  // capture time, or the flow's start
  uint64_t duration_ns = 0;   // 0 for a single packet
  uint64_t bytes = 0;         // IP-layer bytes (total length), before sampling is applied
  uint32_t packets = 1;
  uint32_t sampling_rate = 1;     // 1:N; counters multiply by it
  uint16_t src_port = 0;          // ICMP: 0
  uint16_t dst_port = 0;          // ICMP: type << 8 | code, so a fingerprint can name it
  uint16_t ip_length = 0;         // IP total length of a packet (for flows: mean length)
  uint8_t protocol = 0;           // IP protocol / IPv6 upper-layer header
  uint8_t tcp_flags = 0;          // OR of flags for flows
  uint8_t ttl = 0;                // IPv4 TTL or IPv6 hop limit
  uint8_t fragment = 0;           // see fragment bits below
  uint8_t tunnel = 0;             // see tunnel values below: fields describe the inner packet
  uint8_t tcp_payload_empty = 0;  // 1 when a TCP segment carries no data

  static constexpr uint8_t kFragmented = 0x01;        // part of a fragmented datagram
  static constexpr uint8_t kNonFirstFragment = 0x02;  // no transport header: ports and flags are 0

  static constexpr uint8_t kTunnelNone = 0;
  static constexpr uint8_t kTunnelGre = 1;
  static constexpr uint8_t kTunnelVxlan = 2;

  [[nodiscard]] bool isFragment() const noexcept { return (fragment & kFragmented) != 0; }
  [[nodiscard]] bool isNonFirstFragment() const noexcept { return (fragment & kNonFirstFragment) != 0; }
};

}  // namespace rampart::core
