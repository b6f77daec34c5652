// SPDX-License-Identifier: Apache-2.0
#include "support/packet_builder.h"

#include <stdexcept>

#include "core/ip_address.h"

namespace rampart::testing {
namespace {

constexpr uint16_t kEthertypeIpv4 = 0x0800;
constexpr uint16_t kEthertypeIpv6 = 0x86dd;
constexpr uint16_t kEthertypeVlan = 0x8100;
constexpr uint16_t kEthertypeQinQ = 0x88a8;
constexpr uint16_t kEthertypeTeb = 0x6558;  // transparent Ethernet bridging (GRE)
constexpr uint8_t kProtoFragment = 44;
constexpr uint16_t kVxlanPort = 4789;

void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, static_cast<uint16_t>(x >> 16));
  put16(v, static_cast<uint16_t>(x));
}
void set16(std::vector<uint8_t>& v, std::size_t at, uint16_t x) {
  v[at] = static_cast<uint8_t>(x >> 8);
  v[at + 1] = static_cast<uint8_t>(x);
}
void append(std::vector<uint8_t>& v, std::span<const uint8_t> bytes) { v.insert(v.end(), bytes.begin(), bytes.end()); }

// RFC 1071 one's-complement sum, not yet folded or inverted.
uint32_t sum16(std::span<const uint8_t> bytes, uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) sum += (uint32_t{bytes[i]} << 8) | bytes[i + 1];
  if (bytes.size() % 2 != 0) sum += uint32_t{bytes.back()} << 8;
  return sum;
}
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

struct Addresses {
  core::IpAddress src;
  core::IpAddress dst;
  bool v4;
};

Addresses parseAddresses(const PacketSpec& spec) {
  const auto src = core::IpAddress::parse(spec.src);
  const auto dst = core::IpAddress::parse(spec.dst);
  if (!src) throw std::invalid_argument("PacketSpec: bad source address '" + spec.src + "'");
  if (!dst) throw std::invalid_argument("PacketSpec: bad destination address '" + spec.dst + "'");
  if (src->isV4() != dst->isV4()) {
    throw std::invalid_argument("PacketSpec: source " + spec.src + " and destination " + spec.dst +
                                " are of different families");
  }
  return {*src, *dst, src->isV4()};
}

std::span<const uint8_t> addressBytes(const Addresses& a, bool src) {
  const auto& b = src ? a.src.bytes() : a.dst.bytes();
  return a.v4 ? std::span<const uint8_t>(b.data() + 12, 4) : std::span<const uint8_t>(b.data(), 16);
}

std::vector<uint8_t> pattern(std::size_t n) {
  std::vector<uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i);
  return v;
}

bool isNonFirstFragment(const PacketSpec& spec) { return spec.fragment_offset > 0; }

// Transport header and payload; checksums use the pseudo-header of RFC 9293 section 3.1 /
// RFC 768 / RFC 8200 section 8.1 (ICMPv4 has none).
std::vector<uint8_t> buildTransport(const PacketSpec& spec, const Addresses& addr) {
  std::vector<uint8_t> v;
  const std::vector<uint8_t> payload = pattern(spec.payload_len);
  if (isNonFirstFragment(spec)) return payload;
  std::size_t checksum_at = 0;
  bool pseudo = true;
  switch (spec.protocol) {
    case 6:  // TCP, 20 bytes, no options
      put16(v, spec.src_port);
      put16(v, spec.dst_port);
      put32(v, 0x01020304);                                // sequence
      put32(v, (spec.tcp_flags & 0x10) ? 0x0a0b0c0d : 0);  // acknowledgment
      v.push_back(5 << 4);                                 // data offset
      v.push_back(spec.tcp_flags);
      put16(v, 65535);  // window
      put16(v, 0);      // checksum
      put16(v, 0);      // urgent pointer
      checksum_at = 16;
      break;
    case 17:  // UDP
      put16(v, spec.src_port);
      put16(v, spec.dst_port);
      put16(v, static_cast<uint16_t>(8 + payload.size()));
      put16(v, 0);
      checksum_at = 6;
      break;
    case 1:   // ICMP echo-style header: type, code, checksum, 4 bytes rest of header
    case 58:  // ICMPv6
      v.push_back(spec.icmp_type);
      v.push_back(spec.icmp_code);
      put16(v, 0);
      put32(v, 0x12340001);  // identifier, sequence
      checksum_at = 2;
      pseudo = spec.protocol == 58;
      break;
    default: return payload;
  }
  append(v, payload);
  uint32_t sum = 0;
  if (pseudo) {
    sum = sum16(addressBytes(addr, true));
    sum = sum16(addressBytes(addr, false), sum);
    sum += spec.protocol;
    sum += static_cast<uint32_t>(v.size() & 0xffff) + static_cast<uint32_t>(v.size() >> 16);
  }
  uint16_t c = fold(sum16(v, sum));
  if (spec.protocol == 17 && c == 0) c = 0xffff;  // RFC 768: zero means "no checksum"
  set16(v, checksum_at, c);
  return v;
}

std::vector<uint8_t> buildIpv4(const PacketSpec& spec, const Addresses& addr, uint8_t protocol,
                               std::span<const uint8_t> body) {
  if (spec.ipv4_options_len % 4 != 0 || spec.ipv4_options_len > 40) {
    throw std::invalid_argument("PacketSpec: ipv4_options_len must be a multiple of 4 up to 40");
  }
  const std::size_t header = 20 + spec.ipv4_options_len;
  const std::size_t total = header + body.size();
  if (total > 65535) throw std::invalid_argument("PacketSpec: IPv4 packet longer than 65535 bytes");
  std::vector<uint8_t> v;
  v.reserve(total);
  v.push_back(static_cast<uint8_t>(0x40 | (header / 4)));
  v.push_back(0);  // DSCP/ECN
  put16(v, static_cast<uint16_t>(total));
  put16(v, 0x4242);  // identification
  put16(v, static_cast<uint16_t>((spec.more_fragments ? 0x2000 : 0) | (spec.fragment_offset & 0x1fff)));
  v.push_back(spec.ttl);
  v.push_back(protocol);
  put16(v, 0);  // checksum
  append(v, addressBytes(addr, true));
  append(v, addressBytes(addr, false));
  for (std::size_t i = 0; i < spec.ipv4_options_len; ++i) v.push_back(i + 1 < spec.ipv4_options_len ? 1 : 0);
  set16(v, 10, fold(sum16(std::span<const uint8_t>(v.data(), header))));
  append(v, body);
  return v;
}

std::vector<uint8_t> buildIpv6(const PacketSpec& spec, const Addresses& addr, uint8_t protocol,
                               std::span<const uint8_t> body) {
  const bool fragment_header = spec.ipv6_fragment_header || spec.more_fragments || spec.fragment_offset > 0;
  const std::size_t payload = body.size() + (fragment_header ? 8 : 0);
  if (payload > 65535) throw std::invalid_argument("PacketSpec: IPv6 payload longer than 65535 bytes");
  std::vector<uint8_t> v;
  v.reserve(40 + payload);
  put32(v, 0x60000000);  // version, traffic class, flow label
  put16(v, static_cast<uint16_t>(payload));
  v.push_back(fragment_header ? kProtoFragment : protocol);
  v.push_back(spec.ttl);
  append(v, addressBytes(addr, true));
  append(v, addressBytes(addr, false));
  if (fragment_header) {  // RFC 8200 section 4.5
    v.push_back(protocol);
    v.push_back(0);
    put16(v, static_cast<uint16_t>((spec.fragment_offset << 3) | (spec.more_fragments ? 1 : 0)));
    put32(v, 0x00c0ffee);  // identification
  }
  append(v, body);
  return v;
}

std::vector<uint8_t> ethernetHeader(const std::vector<uint16_t>& vlan_ids, uint16_t ethertype) {
  std::vector<uint8_t> v = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};  // dst, src MAC
  for (std::size_t i = 0; i < vlan_ids.size(); ++i) {
    put16(v, (i == 0 && vlan_ids.size() >= 2) ? kEthertypeQinQ : kEthertypeVlan);
    put16(v, vlan_ids[i] & 0x0fff);
  }
  put16(v, ethertype);
  return v;
}

uint16_t ethertypeOf(const PacketSpec& spec) { return parseAddresses(spec).v4 ? kEthertypeIpv4 : kEthertypeIpv6; }

}  // namespace

std::vector<uint8_t> buildIpPacketWithBody(const PacketSpec& spec, uint8_t protocol, std::span<const uint8_t> body) {
  const Addresses addr = parseAddresses(spec);
  return addr.v4 ? buildIpv4(spec, addr, protocol, body) : buildIpv6(spec, addr, protocol, body);
}

std::vector<uint8_t> buildIpPacket(const PacketSpec& spec) {
  const Addresses addr = parseAddresses(spec);
  const std::vector<uint8_t> body = buildTransport(spec, addr);
  return addr.v4 ? buildIpv4(spec, addr, spec.protocol, body) : buildIpv6(spec, addr, spec.protocol, body);
}

std::vector<uint8_t> buildEthernetFrameWith(const PacketSpec& spec, uint16_t ethertype,
                                            std::span<const uint8_t> payload) {
  std::vector<uint8_t> v = ethernetHeader(spec.vlan_ids, ethertype);
  append(v, payload);
  return v;
}

std::vector<uint8_t> buildEthernetFrame(const PacketSpec& spec) {
  return buildEthernetFrameWith(spec, ethertypeOf(spec), buildIpPacket(spec));
}

std::vector<uint8_t> buildSllFrame(const PacketSpec& spec) {
  // Packet type, ARPHRD_ETHER, address length, 8-byte address field, protocol.
  std::vector<uint8_t> v;
  put16(v, 0);  // sent to us
  put16(v, 1);  // ARPHRD_ETHER
  put16(v, 6);
  append(v, std::vector<uint8_t>{0x02, 0, 0, 0, 0, 0x01, 0, 0});
  put16(v, ethertypeOf(spec));
  append(v, buildIpPacket(spec));
  return v;
}

std::vector<uint8_t> buildSll2Frame(const PacketSpec& spec) {
  // Protocol, reserved, interface index, ARPHRD type, packet type, address length, address.
  std::vector<uint8_t> v;
  put16(v, ethertypeOf(spec));
  put16(v, 0);
  put32(v, 2);
  put16(v, 1);
  v.push_back(0);
  v.push_back(6);
  append(v, std::vector<uint8_t>{0x02, 0, 0, 0, 0, 0x01, 0, 0});
  append(v, buildIpPacket(spec));
  return v;
}

std::vector<uint8_t> buildNullFrame(const PacketSpec& spec, bool big_endian) {
  const uint8_t family = parseAddresses(spec).v4 ? 2 : 24;
  std::vector<uint8_t> v = big_endian ? std::vector<uint8_t>{0, 0, 0, family} : std::vector<uint8_t>{family, 0, 0, 0};
  append(v, buildIpPacket(spec));
  return v;
}

std::vector<uint8_t> buildGreFrame(const PacketSpec& outer, const PacketSpec& inner) {
  return buildGreFrame(outer, inner, GreOptions{});
}

std::vector<uint8_t> buildGreFrame(const PacketSpec& outer, const PacketSpec& inner, const GreOptions& options) {
  const std::vector<uint8_t> payload = options.ethernet ? buildEthernetFrame(inner) : buildIpPacket(inner);
  std::vector<uint8_t> gre;
  gre.push_back(
      static_cast<uint8_t>((options.checksum ? 0x80 : 0) | (options.key ? 0x20 : 0) | (options.sequence ? 0x10 : 0)));
  gre.push_back(0);  // reserved, version 0
  put16(gre, options.ethernet ? kEthertypeTeb : ethertypeOf(inner));
  if (options.checksum) put32(gre, 0);  // checksum and reserved; filled below
  if (options.key) put32(gre, 0xcafe0001);
  if (options.sequence) put32(gre, 7);
  append(gre, payload);
  if (options.checksum) set16(gre, 4, fold(sum16(gre)));
  return buildEthernetFrameWith(outer, ethertypeOf(outer), buildIpPacketWithBody(outer, 47, gre));
}

std::vector<uint8_t> buildVxlanFrame(const PacketSpec& outer, const PacketSpec& inner) {
  const std::vector<uint8_t> inner_frame = buildEthernetFrame(inner);
  std::vector<uint8_t> udp;
  put16(udp, outer.src_port);
  put16(udp, kVxlanPort);
  put16(udp, static_cast<uint16_t>(8 + 8 + inner_frame.size()));
  put16(udp, 0);           // no checksum (allowed for IPv4; tests do not verify it for IPv6)
  put32(udp, 0x08000000);  // RFC 7348 section 5: I flag
  put32(udp, 42 << 8);     // VNI 42
  append(udp, inner_frame);
  return buildEthernetFrameWith(outer, ethertypeOf(outer), buildIpPacketWithBody(outer, 17, udp));
}

}  // namespace rampart::testing
