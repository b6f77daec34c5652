// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/flow_record.h"
#include "metrics/counters.h"

namespace rampart::decode {

// Link layers Rampart reads. Values are ours; linkTypeFromDlt() maps libpcap's DLT_* numbers.
enum class LinkType : uint8_t {
  kEthernet,   // DLT_EN10MB, with 802.1Q / 802.1ad / QinQ tags
  kLinuxSll,   // DLT_LINUX_SLL (Linux cooked capture v1)
  kLinuxSll2,  // DLT_LINUX_SLL2
  kRawIp,      // DLT_RAW / LINKTYPE_RAW: IPv4 or IPv6 by version nibble
  kIpv4,       // LINKTYPE_IPV4
  kIpv6,       // LINKTYPE_IPV6
  kNull,       // DLT_NULL / DLT_LOOP (BSD loopback, 4-byte family)
};

[[nodiscard]] std::optional<LinkType> linkTypeFromDlt(int dlt) noexcept;

// Outcome of decoding one frame. kOk fills the record; every other value is a counted reason the
// frame was not counted as traffic (Zeek's "weird"): the caller adds it to DecodeStats.
enum class DecodeResult : uint8_t {
  kOk = 0,
  kNotIp,                   // ARP, LLDP, other ethertypes: not traffic we count
  kTruncatedLink,           // frame shorter than its link header
  kTooManyVlanTags,         // more tags than any sane network stacks
  kTruncatedIp,             // shorter than the fixed IP header
  kBadIpVersion,            // version nibble disagrees with the link's claim
  kBadIpHeaderLength,       // IPv4 IHL < 5 or beyond the captured bytes
  kBadIpTotalLength,        // IPv4 total length < header length
  kTruncatedIpv6Extension,  // an extension header runs past the captured bytes
  kTooManyIpv6Extensions,   // chain longer than kMaxIpv6Extensions
  kTruncatedTransport,      // first fragment / whole packet too short for its TCP/UDP/ICMP header
  kBadTcpHeaderLength,      // data offset < 5, or past the segment's length from the IP header
  kTunnelTooDeep,           // GRE/VXLAN nested beyond one level
  kCount
};

inline constexpr std::size_t kDecodeResultCount = static_cast<std::size_t>(DecodeResult::kCount);
inline constexpr unsigned kMaxIpv6Extensions = 8;
inline constexpr unsigned kMaxVlanTags = 4;  // QinQ is 2; a fifth tag is kTooManyVlanTags

[[nodiscard]] std::string_view toString(DecodeResult r) noexcept;

// Per-reason counts, owned by whoever decodes (one per worker thread; merge by adding).
#define RAMPART_DECODE_COUNTERS(COUNT, BY, PART) \
  BY(results, "frames by decode outcome (ok, or the reason the frame was rejected)", DecodeResult, "result")
struct DecodeStats {
  RAMPART_COUNTERS(DecodeStats, RAMPART_DECODE_COUNTERS)
  void add(DecodeResult r) noexcept { results.add(r); }
  [[nodiscard]] uint64_t decoded() const noexcept { return results[DecodeResult::kOk]; }
  [[nodiscard]] uint64_t rejected() const noexcept { return results.total() - decoded(); }
};

// Decodes one captured frame into `out` (pure: no allocation, no exceptions, no logging).
//
// `frame` holds the captured bytes (possibly cut by a snap length); counts come from the IP
// header's own length, so a short snap length still yields the true size. On kOk the record holds
// addresses, protocol, ports, TCP flags, TTL, IP length, fragment bits, tunnel kind (inner packet
// described for GRE and VXLAN), packets = 1, bytes = IP length, timestamp_ns = `timestamp_ns`.
// Returns the result by value and the record by out-parameter rather than a Result<FlowRecord>: this
// runs tens of millions of times a second and the record is reused by the caller.
//
// Edge cases, decided once here:
//  - A fragment has MF set or a non-zero offset (an IPv6 atomic fragment, RFC 6946, is not one);
//    a non-first fragment has no transport header, so its ports, flags and payload bit are 0.
//  - An IPv4 total length of 0 (TCP segmentation offload) or an IPv6 payload length of 0 with a
//    payload present (jumbogram) counts the captured length instead.
//  - ESP and No Next Header end an IPv6 chain: protocol 50 or 59, no ports.
//  - GRE carrying anything but IPv4, IPv6 or Ethernet (0x6558), GRE version 1 (PPTP) and UDP to
//    4789 without VXLAN's I flag are recorded as the outer packet. A tunnel whose inner packet
//    cannot be decoded returns the inner packet's reason; a tunnel inside it is kTunnelTooDeep.
[[nodiscard]] DecodeResult decodePacket(LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns,
                                        core::FlowRecord& out) noexcept;

}  // namespace rampart::decode
