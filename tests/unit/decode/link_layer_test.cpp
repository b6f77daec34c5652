// SPDX-License-Identifier: Apache-2.0
// Every link type Rampart reads, VLAN tags and the DLT mapping.
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

PacketSpec v6Spec() {
  PacketSpec s;
  s.src = "2001:db8::1";
  s.dst = "2001:db8:ffff::10";
  return s;
}

void expectDefaultTcpSyn(const FlowRecord& r) {
  EXPECT_EQ(r.src, ip("198.51.100.1"));
  EXPECT_EQ(r.dst, ip("192.0.2.10"));
  EXPECT_EQ(r.protocol, 6);
  EXPECT_EQ(r.src_port, 40000);
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.tcp_flags, core::tcp_flag::kSyn);
  EXPECT_EQ(r.ttl, 64);
  EXPECT_EQ(r.bytes, 40u);
  EXPECT_EQ(r.ip_length, 40);
  EXPECT_EQ(r.fragment, 0);
  EXPECT_EQ(r.tunnel, FlowRecord::kTunnelNone);
  EXPECT_EQ(r.tcp_payload_empty, 1);
}

TEST(LinkTypeFromDlt, MapsEveryKnownDlt) {
  EXPECT_EQ(linkTypeFromDlt(1), LinkType::kEthernet);
  EXPECT_EQ(linkTypeFromDlt(0), LinkType::kNull);
  EXPECT_EQ(linkTypeFromDlt(108), LinkType::kNull);
  EXPECT_EQ(linkTypeFromDlt(12), LinkType::kRawIp);
  EXPECT_EQ(linkTypeFromDlt(14), LinkType::kRawIp);
  EXPECT_EQ(linkTypeFromDlt(101), LinkType::kRawIp);
  EXPECT_EQ(linkTypeFromDlt(228), LinkType::kIpv4);
  EXPECT_EQ(linkTypeFromDlt(229), LinkType::kIpv6);
  EXPECT_EQ(linkTypeFromDlt(113), LinkType::kLinuxSll);
  EXPECT_EQ(linkTypeFromDlt(276), LinkType::kLinuxSll2);
}

TEST(LinkTypeFromDlt, RejectsOthers) {
  for (int dlt : {-1, 2, 6, 105, 127, 147, 9999}) EXPECT_FALSE(linkTypeFromDlt(dlt).has_value()) << dlt;
}

TEST(DecodeLink, EthernetIpv4TcpSynFillsEveryField) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame({}), r, 123'456'789), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
  EXPECT_EQ(r.timestamp_ns, 123'456'789u);
  EXPECT_EQ(r.packets, 1u);
  EXPECT_EQ(r.sampling_rate, 1u);
  EXPECT_EQ(r.duration_ns, 0u);
}

TEST(DecodeLink, LinuxCookedV1) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kLinuxSll, testing::buildSllFrame({}), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
}

TEST(DecodeLink, LinuxCookedV2) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kLinuxSll2, testing::buildSll2Frame({}), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
}

TEST(DecodeLink, LinuxCookedV1WithReinsertedVlanTag) {
  // libpcap puts a stripped tag back where the protocol was: TPID, TCI, then the real protocol.
  std::vector<uint8_t> frame = testing::buildSllFrame({});
  const std::vector<uint8_t> tag = {0x81, 0x00, 0x00, 0x64};
  frame.insert(frame.begin() + 14, tag.begin(), tag.end());
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kLinuxSll, frame, r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
}

TEST(DecodeLink, RawIpPicksTheFamilyByVersion) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kRawIp, testing::buildIpPacket({}), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
  ASSERT_EQ(decodeExact(LinkType::kRawIp, testing::buildIpPacket(v6Spec()), r), DecodeResult::kOk);
  EXPECT_EQ(r.src, ip("2001:db8::1"));
  EXPECT_EQ(r.dst, ip("2001:db8:ffff::10"));
  EXPECT_EQ(r.bytes, 60u);
}

TEST(DecodeLink, Ipv4AndIpv6LinkTypes) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kIpv4, testing::buildIpPacket({}), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
  ASSERT_EQ(decodeExact(LinkType::kIpv6, testing::buildIpPacket(v6Spec()), r), DecodeResult::kOk);
  EXPECT_EQ(r.dst, ip("2001:db8:ffff::10"));
  EXPECT_EQ(decodeExact(LinkType::kIpv4, testing::buildIpPacket(v6Spec()), r), DecodeResult::kBadIpVersion);
  EXPECT_EQ(decodeExact(LinkType::kIpv6, testing::buildIpPacket({}), r), DecodeResult::kBadIpVersion);
}

TEST(DecodeLink, NullInEitherByteOrder) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kNull, testing::buildNullFrame({}, false), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
  ASSERT_EQ(decodeExact(LinkType::kNull, testing::buildNullFrame({}, true), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
  ASSERT_EQ(decodeExact(LinkType::kNull, testing::buildNullFrame(v6Spec(), true), r), DecodeResult::kOk);
  EXPECT_EQ(r.src, ip("2001:db8::1"));
}

TEST(DecodeLink, NullKnowsEverySystemsAfInet6) {
  for (uint8_t family : {10, 24, 28, 30}) {
    std::vector<uint8_t> frame = testing::buildNullFrame(v6Spec());
    frame[0] = family;
    FlowRecord r;
    EXPECT_EQ(decodeExact(LinkType::kNull, frame, r), DecodeResult::kOk) << int{family};
  }
  std::vector<uint8_t> frame = testing::buildNullFrame({});
  frame[0] = 7;  // AF_NS or the like: not IP
  FlowRecord r;
  EXPECT_EQ(decodeExact(LinkType::kNull, frame, r), DecodeResult::kNotIp);
}

TEST(DecodeLink, Ipv6OverEthernet) {
  PacketSpec s = v6Spec();
  s.protocol = 17;
  s.dst_port = 443;
  s.payload_len = 100;
  s.ttl = 3;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.protocol, 17);
  EXPECT_EQ(r.src_port, 40000);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.ttl, 3);
  EXPECT_EQ(r.bytes, 40u + 8 + 100);
  EXPECT_EQ(r.ip_length, 148);
}

TEST(DecodeLink, SingleVlanTag) {
  PacketSpec s;
  s.vlan_ids = {100};
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
}

TEST(DecodeLink, QinQAndDeeperStacksUpToTheLimit) {
  for (std::size_t tags = 2; tags <= kMaxVlanTags; ++tags) {
    PacketSpec s = v6Spec();
    s.vlan_ids.assign(tags, 7);
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk) << tags;
    EXPECT_EQ(r.dst, ip("2001:db8:ffff::10"));
  }
}

TEST(DecodeLink, OldQinQTpid) {
  PacketSpec s;
  s.vlan_ids = {1, 2};
  std::vector<uint8_t> frame = testing::buildEthernetFrame(s);
  frame[12] = 0x91;  // 0x9100 instead of 0x88a8
  frame[13] = 0x00;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  expectDefaultTcpSyn(r);
}

TEST(DecodeLink, TooManyVlanTags) {
  PacketSpec s;
  s.vlan_ids.assign(kMaxVlanTags + 1, 7);
  FlowRecord r;
  EXPECT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kTooManyVlanTags);
}

TEST(DecodeLink, NonIpEthertypes) {
  FlowRecord r;
  const std::vector<uint8_t> ip_packet = testing::buildIpPacket({});
  for (uint16_t ethertype : {0x0806 /*ARP*/, 0x88cc /*LLDP*/, 0x8847 /*MPLS*/, 0x0040 /*802.3 length*/}) {
    EXPECT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrameWith({}, ethertype, ip_packet), r),
              DecodeResult::kNotIp)
        << ethertype;
  }
}

}  // namespace
}  // namespace rampart::decode
