// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/flow_record.h"
#include "decode/packet_decoder.h"
#include "decode/wire.h"

// IPv4 and IPv6 headers: fill the record's network fields and find the upper-layer header.
// Internal to rampart_decode; inline so that the per-packet walk compiles into one function.
namespace rampart::decode::detail {

// The upper-layer part of an IP packet.
struct IpPayload {
  const uint8_t* data = nullptr;
  std::size_t captured = 0;  // bytes present in the frame, never more than `length`
  uint32_t length = 0;       // bytes according to the IP header
  uint8_t protocol = 0;
  bool has_transport = false;  // false for a non-first fragment: it carries no transport header
};

inline constexpr std::size_t kIpv4MinHeader = 20;
inline constexpr std::size_t kIpv6Header = 40;
inline constexpr uint32_t kMaxIpLength = 65535;

// A length field of zero on a packet that carries bytes is left by TCP segmentation offload (the
// NIC fills it in after the capture point) or, for IPv6, a jumbogram (RFC 2675): the captured
// length is the best figure there is. Zeek does the same and calls it a weird.
[[nodiscard]] inline uint32_t lengthFromCapture(std::size_t captured) noexcept {
  return static_cast<uint32_t>(std::min<std::size_t>(captured, kMaxIpLength));
}

// Writes the IPv4-mapped form of the address at `p` (::ffff:a.b.c.d) into `dst` as one 16-byte
// value built in registers. IpAddress::fromV4Bytes builds it with three overlapping stores that the
// copy into the record then reads back as one 16-byte load: the failed store forwarding cost about
// half the time of a whole Ethernet/IPv4/TCP decode.
inline void storeV4Mapped(core::IpAddress& dst, const uint8_t* p) noexcept {
  static_assert(std::is_trivially_copyable_v<core::IpAddress> && sizeof(core::IpAddress) == 16);
  uint32_t v4 = 0;
  std::memcpy(&v4, p, 4);  // network order, as the address's last four bytes
  uint64_t words[2] = {0, 0};
  if constexpr (std::endian::native == std::endian::little) {
    words[1] = (uint64_t{v4} << 32) | 0xffff0000u;
  } else {
    words[1] = 0x0000ffff00000000u | v4;
  }
  std::memcpy(static_cast<void*>(&dst), words, sizeof words);
}

// RFC 791 section 3.1.
[[nodiscard]] inline DecodeResult decodeIpv4(const uint8_t* p, std::size_t n, core::FlowRecord& out,
                                             IpPayload& payload) noexcept {
  if (n < kIpv4MinHeader) return DecodeResult::kTruncatedIp;
  if ((p[0] >> 4) != 4) return DecodeResult::kBadIpVersion;
  const std::size_t header = std::size_t{p[0] & 0x0fu} * 4;
  if (header < kIpv4MinHeader || header > n) return DecodeResult::kBadIpHeaderLength;
  uint32_t total = wire::load16(p + 2);
  if (total == 0) total = lengthFromCapture(n);
  if (total < header) return DecodeResult::kBadIpTotalLength;

  // Flags and fragment offset: a fragment has MF set or a non-zero offset; only the first (offset
  // 0) carries the transport header.
  const uint16_t fragment = wire::load16(p + 6);
  const bool non_first = (fragment & 0x1fff) != 0;
  out.fragment = static_cast<uint8_t>(((fragment & 0x3fff) != 0 ? core::FlowRecord::kFragmented : 0) |
                                      (non_first ? core::FlowRecord::kNonFirstFragment : 0));
  out.ttl = p[8];
  out.protocol = p[9];
  storeV4Mapped(out.src, p + 12);
  storeV4Mapped(out.dst, p + 16);
  out.bytes = total;
  out.ip_length = static_cast<uint16_t>(total);

  payload.data = p + header;
  payload.length = total - static_cast<uint32_t>(header);
  payload.captured = std::min<std::size_t>(n, total) - header;  // Ethernet padding is not payload
  payload.protocol = p[9];
  payload.has_transport = !non_first;
  return DecodeResult::kOk;
}

// Extension headers of RFC 8200 section 4 and the IANA registry (RFC 7045), all but ESP (50): its
// contents are encrypted, so the chain ends there as at an upper-layer header or No Next Header.
[[nodiscard]] inline bool isIpv6Extension(uint8_t next) noexcept {
  switch (next) {
    case 0:    // hop-by-hop options
    case 43:   // routing
    case 44:   // fragment
    case 51:   // authentication header
    case 60:   // destination options
    case 135:  // mobility (RFC 6275)
    case 139:  // HIP (RFC 7401)
    case 140:  // shim6 (RFC 5533)
      return true;
    default: return false;
  }
}

// RFC 8200 sections 3 and 4. Walks the extension-header chain up to the upper-layer header, ESP
// (encrypted: nothing more to read) or No Next Header, at most kMaxIpv6Extensions headers long.
[[nodiscard]] inline DecodeResult decodeIpv6(const uint8_t* p, std::size_t n, core::FlowRecord& out,
                                             IpPayload& payload) noexcept {
  if (n < kIpv6Header) return DecodeResult::kTruncatedIp;
  if ((p[0] >> 4) != 6) return DecodeResult::kBadIpVersion;
  uint8_t next = p[6];
  uint32_t total = kIpv6Header + wire::load16(p + 4);
  if (total == kIpv6Header && n > kIpv6Header && next != 59) total = lengthFromCapture(n);
  const std::size_t end = std::min<std::size_t>(n, total);

  std::size_t at = kIpv6Header;
  uint8_t fragment = 0;
  unsigned count = 0;
  // After a non-first fragment's header the chain is not there: it is in the first fragment.
  while (isIpv6Extension(next) && (fragment & core::FlowRecord::kNonFirstFragment) == 0) {
    if (count++ == kMaxIpv6Extensions) return DecodeResult::kTooManyIpv6Extensions;
    if (at + 2 > end) return DecodeResult::kTruncatedIpv6Extension;
    std::size_t length = (std::size_t{p[at + 1]} + 1) * 8;      // 8-byte units, not counting the first 8
    if (next == 51) length = (std::size_t{p[at + 1]} + 2) * 4;  // AH (RFC 4302 section 2.2)
    if (next == 44) length = 8;                                 // fragment (section 4.5): fixed size
    if (at + length > end) return DecodeResult::kTruncatedIpv6Extension;
    if (next == 44) {
      // Offset 0 with M clear is an atomic fragment (RFC 6946): a whole packet, not a fragment.
      const uint16_t offset_flags = wire::load16(p + at + 2);
      const bool non_first = (offset_flags & 0xfff8) != 0;
      fragment = static_cast<uint8_t>(((offset_flags & 0xfff9) != 0 ? core::FlowRecord::kFragmented : 0) |
                                      (non_first ? core::FlowRecord::kNonFirstFragment : 0));
    }
    next = p[at];
    at += length;
  }

  out.fragment = fragment;
  out.ttl = p[7];
  out.protocol = next;
  out.src = core::IpAddress::fromV6Bytes(p + 8);
  out.dst = core::IpAddress::fromV6Bytes(p + 24);
  out.bytes = total;
  out.ip_length = static_cast<uint16_t>(std::min(total, kMaxIpLength));

  payload.data = p + at;
  payload.length = total - static_cast<uint32_t>(at);
  payload.captured = end - at;
  payload.protocol = next;
  payload.has_transport = (fragment & core::FlowRecord::kNonFirstFragment) == 0;
  return DecodeResult::kOk;
}

}  // namespace rampart::decode::detail
