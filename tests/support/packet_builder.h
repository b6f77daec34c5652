// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

// Builders of well-formed frames for tests: every length field and the IPv4 header checksum are
// right, so a test changes only the one field it is about. Bad input (an address that does not
// parse, mixed families) throws std::invalid_argument: these run in tests, never on a packet path.
namespace rampart::testing {

struct PacketSpec {
  std::string src = "198.51.100.1";  // IPv4 or IPv6 text; both src/dst must be the same family
  std::string dst = "192.0.2.10";
  uint8_t protocol = 6;  // 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, anything else: raw payload
  uint16_t src_port = 40000, dst_port = 80;
  uint8_t tcp_flags = 0x02;  // SYN
  uint8_t ttl = 64;
  uint16_t payload_len = 0;  // bytes after the L4 header: the pattern 0, 1, 2 ... 255, 0, 1 ...
  uint8_t icmp_type = 8, icmp_code = 0;
  bool more_fragments = false;        // IPv4 MF / IPv6 fragment header M flag
  uint16_t fragment_offset = 0;       // in 8-byte units; >0 means non-first fragment (no L4 header)
  bool ipv6_fragment_header = false;  // IPv6: add a fragment header even when offset==0 && !MF
  std::vector<uint16_t> vlan_ids;     // Ethernet only: 802.1Q tags (first one 0x88a8 when 2+ = QinQ)
  uint8_t ipv4_options_len = 0;       // IPv4 only: option bytes (NOPs then EOL), a multiple of 4, <= 40
};

// Raw IPv4/IPv6 packet with correct lengths, IPv4 header checksum and L4 checksum.
std::vector<uint8_t> buildIpPacket(const PacketSpec& spec);
// IPv4/IPv6 header of `spec` (fragment fields, TTL, addresses) around an upper-layer `body` that
// the caller made; `protocol` replaces spec.protocol. For tunnels and hand-made transport headers.
std::vector<uint8_t> buildIpPacketWithBody(const PacketSpec& spec, uint8_t protocol, std::span<const uint8_t> body);

// Ethernet II (+ spec.vlan_ids tags) around buildIpPacket.
std::vector<uint8_t> buildEthernetFrame(const PacketSpec& spec);
// Ethernet II header (+ tags) with `ethertype` around any payload.
std::vector<uint8_t> buildEthernetFrameWith(const PacketSpec& spec, uint16_t ethertype,
                                            std::span<const uint8_t> payload);
std::vector<uint8_t> buildSllFrame(const PacketSpec& spec);   // Linux cooked v1 (DLT_LINUX_SLL)
std::vector<uint8_t> buildSll2Frame(const PacketSpec& spec);  // Linux cooked v2 (DLT_LINUX_SLL2)
// BSD loopback: 4-byte address family (AF_INET 2, AF_INET6 24) in little-endian (DLT_NULL as
// written on x86) or big-endian (DLT_LOOP) order.
std::vector<uint8_t> buildNullFrame(const PacketSpec& spec, bool big_endian = false);

// Ethernet/outer IP/GRE (RFC 2784, 4-byte header)/inner IP. outer.protocol and payload are ignored.
std::vector<uint8_t> buildGreFrame(const PacketSpec& outer, const PacketSpec& inner);
// GRE's optional fields (RFC 2784 checksum, RFC 2890 key and sequence number) and transparent
// Ethernet bridging (protocol 0x6558: the inner packet in an Ethernet frame).
struct GreOptions {
  bool checksum = false;
  bool key = false;
  bool sequence = false;
  bool ethernet = false;
};
std::vector<uint8_t> buildGreFrame(const PacketSpec& outer, const PacketSpec& inner, const GreOptions& options);
// Ethernet/outer IP/UDP dst 4789/VXLAN (RFC 7348, VNI 42)/Ethernet/inner IP. outer.dst_port,
// protocol and payload are ignored; outer.src_port is the UDP source port.
std::vector<uint8_t> buildVxlanFrame(const PacketSpec& outer, const PacketSpec& inner);

}  // namespace rampart::testing
