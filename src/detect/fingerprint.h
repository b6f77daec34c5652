// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "traffic/packet_sample.h"

namespace rampart::detect {

template <typename T>
struct Range {
  T low{};
  T high{};
  [[nodiscard]] bool contains(T v) const noexcept { return v >= low && v <= high; }
  friend bool operator==(const Range&, const Range&) = default;
};

// The most selective combination of header fields that still matches a set share of an attack's
// packets: what a filter must say to drop the attack and little else. Absent fields are wildcards.
struct Fingerprint {
  std::optional<uint8_t> protocol;
  std::optional<uint16_t> src_port;  // for ICMP: unused
  std::optional<uint16_t> dst_port;  // for ICMP: type << 8 | code
  std::optional<Range<uint16_t>> ip_length;
  std::optional<uint8_t> tcp_flags;  // exact match of all eight flag bits
  std::optional<Range<uint8_t>> ttl;
  bool fragments_only = false;  // matches fragments only
  double coverage = 0;          // share of the attack's sampled packets that match
  uint32_t sample_size = 0;     // sampled packets it was derived from

  [[nodiscard]] bool matches(const traffic::SampledPacket& p) const noexcept;
  [[nodiscard]] unsigned fieldCount() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return fieldCount() == 0; }
  // "udp src-port 123 length 468 ttl 54-58": a readable summary.
  [[nodiscard]] std::string toString() const;
  // A pcap-filter(7) expression for tcpdump, or for checking a capture by hand.
  [[nodiscard]] std::string toBpf(const std::string& dst_host_or_net, bool is_net) const;
};

using ClassFilter = std::bitset<traffic::kPacketClassCount>;

// Builds a fingerprint greedily (as Cloudflare's dosd describes its approach): start from the
// attack's sampled packets and repeatedly fix the field value (or narrow length/TTL range) that
// keeps the most packets, as long as the share kept stays at or above `min_share`. Only samples
// whose class is in `classes` count as the attack's packets.
[[nodiscard]] Fingerprint buildFingerprint(std::span<const traffic::SampledPacket> sample, const ClassFilter& classes,
                                           double min_share);

}  // namespace rampart::detect
