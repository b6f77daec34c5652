// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

#include "decode/packet_decoder.h"
#include "decode/wire.h"

// Link-layer headers: from a captured frame to the start of its IP packet. Internal to
// rampart_decode; inline so that the whole per-packet walk compiles into one function.
namespace rampart::decode::detail {

// Where the network layer starts and what the link layer says it is.
struct NetworkStart {
  enum class Kind : uint8_t { kIpv4, kIpv6, kByVersion };  // kByVersion: read the version nibble
  Kind kind = Kind::kByVersion;
  const uint8_t* data = nullptr;
  std::size_t size = 0;
};

inline constexpr uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr uint16_t kEthertypeIpv6 = 0x86dd;
inline constexpr std::size_t kEthernetHeader = 14;
inline constexpr std::size_t kSllHeader = 16;   // https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
inline constexpr std::size_t kSll2Header = 20;  // https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
inline constexpr std::size_t kNullHeader = 4;

// 802.1Q, 802.1ad (S-tag) and the pre-standard QinQ 0x9100.
[[nodiscard]] inline bool isVlanTpid(uint16_t ethertype) noexcept {
  return ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100;
}

// Starts the network layer for `ethertype`, whose payload begins at frame[at]. VLAN tags are
// skipped first: after a TPID come the 2-byte TCI and the next ethertype (IEEE 802.1Q clause 9).
[[nodiscard]] inline DecodeResult startAtEthertype(uint16_t ethertype, const uint8_t* frame, std::size_t size,
                                                   std::size_t at, NetworkStart& net) noexcept {
  for (unsigned tags = 0; isVlanTpid(ethertype); ++tags) {
    if (tags == kMaxVlanTags) return DecodeResult::kTooManyVlanTags;
    if (at + 4 > size) return DecodeResult::kTruncatedLink;
    ethertype = wire::load16(frame + at + 2);
    at += 4;
  }
  if (ethertype == kEthertypeIpv4) {
    net.kind = NetworkStart::Kind::kIpv4;
  } else if (ethertype == kEthertypeIpv6) {
    net.kind = NetworkStart::Kind::kIpv6;
  } else {
    return DecodeResult::kNotIp;
  }
  net.data = frame + at;
  net.size = size - at;
  return DecodeResult::kOk;
}

// Ethernet II: destination MAC, source MAC, ethertype (IEEE 802.3 clause 3). An 802.3 length
// field (<= 1500) is not an IP ethertype, so LLC frames come out as kNotIp.
[[nodiscard]] inline DecodeResult decodeEthernet(const uint8_t* frame, std::size_t size, NetworkStart& net) noexcept {
  if (size < kEthernetHeader) return DecodeResult::kTruncatedLink;
  return startAtEthertype(wire::load16(frame + 12), frame, size, kEthernetHeader, net);
}

// BSD loopback: a 4-byte address family in the byte order of the host that captured (DLT_NULL) or
// network order (DLT_LOOP). A family fits in 16 bits, so a value above that was written in the
// other order. IPv6 has a different AF_INET6 on each system: Linux 10, NetBSD/OpenBSD 24,
// FreeBSD 28, Darwin 30.
[[nodiscard]] inline DecodeResult decodeNull(const uint8_t* frame, std::size_t size, NetworkStart& net) noexcept {
  if (size < kNullHeader) return DecodeResult::kTruncatedLink;
  uint32_t family =
      uint32_t{frame[0]} | (uint32_t{frame[1]} << 8) | (uint32_t{frame[2]} << 16) | (uint32_t{frame[3]} << 24);
  if (family > 0xffff) family = wire::load32(frame);
  switch (family) {
    case 2: net.kind = NetworkStart::Kind::kIpv4; break;
    case 10:
    case 24:
    case 28:
    case 30: net.kind = NetworkStart::Kind::kIpv6; break;
    default: return DecodeResult::kNotIp;
  }
  net.data = frame + kNullHeader;
  net.size = size - kNullHeader;
  return DecodeResult::kOk;
}

[[nodiscard]] inline DecodeResult decodeLinkLayer(LinkType link, const uint8_t* frame, std::size_t size,
                                                  NetworkStart& net) noexcept {
  switch (link) {
    case LinkType::kEthernet: return decodeEthernet(frame, size, net);
    case LinkType::kLinuxSll:
      // The protocol is the header's last field; libpcap re-inserts a stripped VLAN tag there, so
      // it may be a TPID with the tag's TCI and the real protocol after the header.
      if (size < kSllHeader) return DecodeResult::kTruncatedLink;
      return startAtEthertype(wire::load16(frame + 14), frame, size, kSllHeader, net);
    case LinkType::kLinuxSll2:  // the protocol is the header's first field
      if (size < kSll2Header) return DecodeResult::kTruncatedLink;
      return startAtEthertype(wire::load16(frame), frame, size, kSll2Header, net);
    case LinkType::kRawIp:
      net.kind = NetworkStart::Kind::kByVersion;
      net.data = frame;
      net.size = size;
      return DecodeResult::kOk;
    case LinkType::kIpv4:
    case LinkType::kIpv6:
      net.kind = link == LinkType::kIpv4 ? NetworkStart::Kind::kIpv4 : NetworkStart::Kind::kIpv6;
      net.data = frame;
      net.size = size;
      return DecodeResult::kOk;
    case LinkType::kNull: return decodeNull(frame, size, net);
  }
  return DecodeResult::kNotIp;  // a LinkType value outside the enum
}

}  // namespace rampart::decode::detail
