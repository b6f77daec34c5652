// SPDX-License-Identifier: Apache-2.0
// GRE and VXLAN: the record describes the inner packet, one level deep.
#include <gtest/gtest.h>

#include "decode/packet_decoder.h"
#include "support/packet_builder.h"
#include "unit/decode/decode_test_util.h"

namespace rampart::decode {
namespace {

using core::FlowRecord;
using test::decodeExact;
using test::ip;
using testing::PacketSpec;

PacketSpec outerV4() {
  PacketSpec s;
  s.src = "203.0.113.1";
  s.dst = "203.0.113.2";
  s.ttl = 250;
  return s;
}

PacketSpec innerUdp() {
  PacketSpec s;
  s.src = "10.0.0.1";
  s.dst = "10.0.0.2";
  s.protocol = 17;
  s.src_port = 5353;
  s.dst_port = 53;
  s.payload_len = 40;
  s.ttl = 7;
  return s;
}

void expectInnerUdp(const FlowRecord& r, uint8_t tunnel) {
  EXPECT_EQ(r.tunnel, tunnel);
  EXPECT_EQ(r.src, ip("10.0.0.1"));
  EXPECT_EQ(r.dst, ip("10.0.0.2"));
  EXPECT_EQ(r.protocol, 17);
  EXPECT_EQ(r.src_port, 5353);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.ttl, 7);
  EXPECT_EQ(r.bytes, 20u + 8 + 40);
  EXPECT_EQ(r.ip_length, 68);
}

TEST(DecodeGre, Ipv4InIpv4) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildGreFrame(outerV4(), innerUdp()), r), DecodeResult::kOk);
  expectInnerUdp(r, FlowRecord::kTunnelGre);
}

TEST(DecodeGre, Ipv6InIpv4AndIpv4InIpv6) {
  PacketSpec inner;
  inner.src = "2001:db8::a";
  inner.dst = "2001:db8::b";
  inner.tcp_flags = core::tcp_flag::kRst;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildGreFrame(outerV4(), inner), r), DecodeResult::kOk);
  EXPECT_EQ(r.tunnel, FlowRecord::kTunnelGre);
  EXPECT_EQ(r.src, ip("2001:db8::a"));
  EXPECT_EQ(r.tcp_flags, core::tcp_flag::kRst);
  EXPECT_EQ(r.bytes, 60u);

  PacketSpec outer6;
  outer6.src = "2001:db8:1::1";
  outer6.dst = "2001:db8:1::2";
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildGreFrame(outer6, innerUdp()), r), DecodeResult::kOk);
  expectInnerUdp(r, FlowRecord::kTunnelGre);
}

TEST(DecodeGre, OptionalFieldsAndEthernetBridging) {
  for (int mask = 0; mask < 16; ++mask) {
    const testing::GreOptions options{(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, (mask & 8) != 0};
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildGreFrame(outerV4(), innerUdp(), options), r),
              DecodeResult::kOk)
        << mask;
    expectInnerUdp(r, FlowRecord::kTunnelGre);
  }
}

TEST(DecodeGre, UnknownPayloadOrVersionLeavesTheOuterPacket) {
  std::vector<uint8_t> frame = testing::buildGreFrame(outerV4(), innerUdp());
  constexpr std::size_t kGreAt = 14 + 20;
  const auto expectOuter = [](const std::vector<uint8_t>& f) {
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, f, r), DecodeResult::kOk);
    EXPECT_EQ(r.tunnel, FlowRecord::kTunnelNone);
    EXPECT_EQ(r.protocol, 47);
    EXPECT_EQ(r.src, ip("203.0.113.1"));
    EXPECT_EQ(r.ttl, 250);
    EXPECT_EQ(r.src_port, 0);
    EXPECT_EQ(r.bytes, f.size() - 14);
  };
  std::vector<uint8_t> erspan = frame;
  erspan[kGreAt + 2] = 0x88;  // ERSPAN 0x88be
  erspan[kGreAt + 3] = 0xbe;
  expectOuter(erspan);
  std::vector<uint8_t> pptp = frame;
  pptp[kGreAt + 1] = 1;  // version 1: enhanced GRE
  expectOuter(pptp);
  std::vector<uint8_t> routing = frame;
  routing[kGreAt] = 0x40;  // RFC 1701 routing present
  expectOuter(routing);
}

TEST(DecodeGre, TruncatedGreHeader) {
  std::vector<uint8_t> frame = testing::buildGreFrame(outerV4(), innerUdp(), {true, true, true, false});
  FlowRecord r;
  for (std::size_t keep : {14u + 20 + 0, 14u + 20 + 3, 14u + 20 + 15}) {
    std::vector<uint8_t> cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(keep));
    EXPECT_EQ(decodeExact(LinkType::kEthernet, cut, r), DecodeResult::kTruncatedTransport) << keep;
  }
}

TEST(DecodeGre, TruncatedInnerPacketGivesTheInnerReason) {
  std::vector<uint8_t> frame = testing::buildGreFrame(outerV4(), innerUdp());
  frame.resize(14 + 20 + 4 + 10);
  FlowRecord r;
  EXPECT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kTruncatedIp);
}

TEST(DecodeVxlan, InnerEthernetFrame) {
  PacketSpec outer = outerV4();
  outer.src_port = 61000;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildVxlanFrame(outer, innerUdp()), r), DecodeResult::kOk);
  expectInnerUdp(r, FlowRecord::kTunnelVxlan);

  PacketSpec tagged = innerUdp();
  tagged.vlan_ids = {12};
  outer.vlan_ids = {30, 40};
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildVxlanFrame(outer, tagged), r), DecodeResult::kOk);
  expectInnerUdp(r, FlowRecord::kTunnelVxlan);
}

TEST(DecodeVxlan, Ipv6Underlay) {
  PacketSpec outer;
  outer.src = "2001:db8:1::1";
  outer.dst = "2001:db8:1::2";
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildVxlanFrame(outer, innerUdp()), r), DecodeResult::kOk);
  expectInnerUdp(r, FlowRecord::kTunnelVxlan);
}

TEST(DecodeVxlan, WithoutTheIFlagOrTooShortItIsPlainUdp) {
  std::vector<uint8_t> frame = testing::buildVxlanFrame(outerV4(), innerUdp());
  constexpr std::size_t kVxlanAt = 14 + 20 + 8;
  frame[kVxlanAt] = 0;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.tunnel, FlowRecord::kTunnelNone);
  EXPECT_EQ(r.dst_port, 4789);
  EXPECT_EQ(r.src, ip("203.0.113.1"));

  PacketSpec short_udp = outerV4();
  short_udp.protocol = 17;
  short_udp.dst_port = 4789;
  short_udp.payload_len = 7;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(short_udp), r), DecodeResult::kOk);
  EXPECT_EQ(r.tunnel, FlowRecord::kTunnelNone);
  EXPECT_EQ(r.dst_port, 4789);
}

TEST(DecodeVxlan, InnerFrameProblemsGiveTheInnerReason) {
  std::vector<uint8_t> frame = testing::buildVxlanFrame(outerV4(), innerUdp());
  constexpr std::size_t kInnerAt = 14 + 20 + 8 + 8;
  FlowRecord r;
  std::vector<uint8_t> cut(frame.begin(), frame.begin() + kInnerAt + 10);
  EXPECT_EQ(decodeExact(LinkType::kEthernet, cut, r), DecodeResult::kTruncatedLink);
  std::vector<uint8_t> arp = frame;
  arp[kInnerAt + 12] = 0x08;
  arp[kInnerAt + 13] = 0x06;
  EXPECT_EQ(decodeExact(LinkType::kEthernet, arp, r), DecodeResult::kNotIp);
}

TEST(DecodeTunnel, NestedTunnelsAreTooDeep) {
  FlowRecord r;
  // GRE in GRE: the inner IP packet's body is another GRE header and packet.
  PacketSpec inner_outer = innerUdp();
  const std::vector<uint8_t> gre_in_gre_inner_frame = testing::buildGreFrame(inner_outer, innerUdp());
  const std::vector<uint8_t> inner_packet(gre_in_gre_inner_frame.begin() + 14, gre_in_gre_inner_frame.end());
  std::vector<uint8_t> gre = {0, 0, 0x08, 0x00};
  gre.insert(gre.end(), inner_packet.begin(), inner_packet.end());
  const std::vector<uint8_t> nested_gre =
      testing::buildEthernetFrameWith({}, 0x0800, testing::buildIpPacketWithBody(outerV4(), 47, gre));
  EXPECT_EQ(decodeExact(LinkType::kEthernet, nested_gre, r), DecodeResult::kTunnelTooDeep);

  // VXLAN inside GRE (Ethernet bridging).
  const std::vector<uint8_t> vxlan_frame = testing::buildVxlanFrame(outerV4(), innerUdp());
  std::vector<uint8_t> teb = {0, 0, 0x65, 0x58};
  teb.insert(teb.end(), vxlan_frame.begin(), vxlan_frame.end());
  const std::vector<uint8_t> vxlan_in_gre =
      testing::buildEthernetFrameWith({}, 0x0800, testing::buildIpPacketWithBody(outerV4(), 47, teb));
  EXPECT_EQ(decodeExact(LinkType::kEthernet, vxlan_in_gre, r), DecodeResult::kTunnelTooDeep);

  // A plain UDP packet to 4789 inside a tunnel is still decoded if it is not VXLAN.
  PacketSpec udp4789 = innerUdp();
  udp4789.dst_port = 4789;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildGreFrame(outerV4(), udp4789), r), DecodeResult::kOk);
  EXPECT_EQ(r.dst_port, 4789);
}

}  // namespace
}  // namespace rampart::decode
