// SPDX-License-Identifier: Apache-2.0
// IPv4 options and fragments, IPv6 extension chains and fragments, and which length is counted.
#include <gtest/gtest.h>

#include "decode/packet_decoder.h"
#include "support/packet_builder.h"
#include "unit/decode/decode_test_util.h"

namespace rampart::decode {
namespace {

using core::FlowRecord;
using test::decodeExact;
using test::Extension;
using test::ip;
using test::withIpv6Extensions;
using testing::PacketSpec;

PacketSpec v6Spec(uint8_t protocol = 6) {
  PacketSpec s;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.protocol = protocol;
  return s;
}

std::vector<uint8_t> ethernetV6(const std::vector<uint8_t>& packet) {
  return testing::buildEthernetFrameWith({}, 0x86dd, packet);
}

TEST(DecodeIpv4, OptionsAreSkipped) {
  for (uint8_t options : {4, 12, 40}) {
    PacketSpec s;
    s.ipv4_options_len = options;
    s.protocol = 17;
    s.dst_port = 53;
    s.payload_len = 30;
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
    EXPECT_EQ(r.src_port, 40000);
    EXPECT_EQ(r.dst_port, 53);
    EXPECT_EQ(r.bytes, 20u + options + 8 + 30);
  }
}

TEST(DecodeIpv4, FirstFragmentKeepsItsTransportHeader) {
  PacketSpec s;
  s.protocol = 17;
  s.dst_port = 53;
  s.payload_len = 1472;
  s.more_fragments = true;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.fragment, FlowRecord::kFragmented);
  EXPECT_TRUE(r.isFragment());
  EXPECT_FALSE(r.isNonFirstFragment());
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.bytes, 1500u);
}

TEST(DecodeIpv4, NonFirstFragmentsHaveNoPortsOrFlags) {
  for (bool more : {true, false}) {  // a middle fragment and the last one
    PacketSpec s;
    s.tcp_flags = 0xff;
    s.fragment_offset = 185;
    s.more_fragments = more;
    s.payload_len = 8;  // looks like a TCP header's ports: must not be read as one
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
    EXPECT_EQ(r.fragment, FlowRecord::kFragmented | FlowRecord::kNonFirstFragment);
    EXPECT_EQ(r.protocol, 6);
    EXPECT_EQ(r.src_port, 0);
    EXPECT_EQ(r.dst_port, 0);
    EXPECT_EQ(r.tcp_flags, 0);
    EXPECT_EQ(r.tcp_payload_empty, 0);
    EXPECT_EQ(r.bytes, 28u);
  }
}

TEST(DecodeIpv4, NonFirstFragmentTooShortForAnyHeaderIsStillCounted) {
  PacketSpec s;
  s.fragment_offset = 1;
  s.payload_len = 0;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_TRUE(r.isNonFirstFragment());
  EXPECT_EQ(r.bytes, 20u);
}

TEST(DecodeIpv4, DontFragmentIsNotAFragment) {
  std::vector<uint8_t> frame = testing::buildEthernetFrame({});
  frame[14 + 6] = 0x40;  // DF (the checksum goes stale; decoders do not check it)
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.fragment, 0);
}

TEST(DecodeIpv4, RecordIsResetBetweenPackets) {
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame({}), r), DecodeResult::kOk);
  PacketSpec s;
  s.fragment_offset = 10;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.tcp_flags, 0);
  EXPECT_EQ(r.tcp_payload_empty, 0);
}

TEST(DecodeIpv6, FirstAndNonFirstFragments) {
  PacketSpec s = v6Spec(17);
  s.dst_port = 53;
  s.payload_len = 100;
  s.more_fragments = true;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.fragment, FlowRecord::kFragmented);
  EXPECT_EQ(r.protocol, 17);
  EXPECT_EQ(r.dst_port, 53);
  EXPECT_EQ(r.bytes, 40u + 8 + 8 + 100);

  s.fragment_offset = 14;
  for (bool more : {true, false}) {
    s.more_fragments = more;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
    EXPECT_EQ(r.fragment, FlowRecord::kFragmented | FlowRecord::kNonFirstFragment);
    EXPECT_EQ(r.protocol, 17);
    EXPECT_EQ(r.src_port, 0);
    EXPECT_EQ(r.dst_port, 0);
    EXPECT_EQ(r.bytes, 40u + 8 + 100);
  }
}

TEST(DecodeIpv6, AtomicFragmentIsAWholePacket) {
  PacketSpec s = v6Spec();
  s.ipv6_fragment_header = true;  // RFC 6946: offset 0, M clear
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.fragment, 0);
  EXPECT_EQ(r.protocol, 6);
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.tcp_flags, core::tcp_flag::kSyn);
}

TEST(DecodeIpv6, ExtensionChainReachesTheTransportHeader) {
  const auto packet = withIpv6Extensions(testing::buildIpPacket(v6Spec()),
                                         {{0, 8}, {43, 24}, {51, 16}, {60, 16}, {135, 8}, {139, 8}, {140, 8}});
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, ethernetV6(packet), r), DecodeResult::kOk);
  EXPECT_EQ(r.protocol, 6);
  EXPECT_EQ(r.src_port, 40000);
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.tcp_flags, core::tcp_flag::kSyn);
  EXPECT_EQ(r.tcp_payload_empty, 1);
  EXPECT_EQ(r.bytes, packet.size());
}

TEST(DecodeIpv6, FragmentHeaderInsideAChain) {
  PacketSpec s = v6Spec(17);
  s.more_fragments = true;
  s.dst_port = 4500;
  // Hop-by-hop before the fragment header the builder puts first.
  const auto packet = withIpv6Extensions(testing::buildIpPacket(s), {{0, 8}});
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, ethernetV6(packet), r), DecodeResult::kOk);
  EXPECT_EQ(r.fragment, FlowRecord::kFragmented);
  EXPECT_EQ(r.dst_port, 4500);
}

TEST(DecodeIpv6, ChainOfExactlyTheLimitIsAccepted) {
  const std::vector<Extension> chain(kMaxIpv6Extensions, Extension{60, 8});
  FlowRecord r;
  ASSERT_EQ(
      decodeExact(LinkType::kEthernet, ethernetV6(withIpv6Extensions(testing::buildIpPacket(v6Spec()), chain)), r),
      DecodeResult::kOk);
  EXPECT_EQ(r.dst_port, 80);
}

TEST(DecodeIpv6, ChainLongerThanTheLimitIsRejected) {
  const std::vector<Extension> chain(kMaxIpv6Extensions + 1, Extension{60, 8});
  FlowRecord r;
  EXPECT_EQ(
      decodeExact(LinkType::kEthernet, ethernetV6(withIpv6Extensions(testing::buildIpPacket(v6Spec()), chain)), r),
      DecodeResult::kTooManyIpv6Extensions);
}

TEST(DecodeIpv6, ExtensionPastTheCapturedBytes) {
  auto packet = withIpv6Extensions(testing::buildIpPacket(v6Spec()), {{0, 8}, {43, 16}});
  FlowRecord r;
  // Cut inside the routing header, and just after its first two bytes.
  for (std::size_t keep : {40u + 8 + 1, 40u + 8 + 2, 40u + 8 + 15}) {
    const std::vector<uint8_t> cut(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(keep));
    EXPECT_EQ(decodeExact(LinkType::kRawIp, cut, r), DecodeResult::kTruncatedIpv6Extension) << keep;
  }
  // A length byte that claims more than the payload length.
  packet[40 + 8 + 1] = 200;
  EXPECT_EQ(decodeExact(LinkType::kRawIp, packet, r), DecodeResult::kTruncatedIpv6Extension);
}

TEST(DecodeIpv6, EspAndNoNextHeaderEndTheChain) {
  for (uint8_t last : {50, 59}) {
    PacketSpec s = v6Spec(last);
    s.payload_len = 40;
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, ethernetV6(withIpv6Extensions(testing::buildIpPacket(s), {{0, 8}})), r),
              DecodeResult::kOk);
    EXPECT_EQ(r.protocol, last);
    EXPECT_EQ(r.src_port, 0);
    EXPECT_EQ(r.dst_port, 0);
    EXPECT_EQ(r.bytes, 40u + 8 + 40);
  }
}

TEST(DecodeLength, SnapLengthCutFramesKeepTheirTrueLength) {
  PacketSpec s;
  s.payload_len = 1400;
  s.tcp_flags = core::tcp_flag::kAck | core::tcp_flag::kPsh;
  std::vector<uint8_t> frame = testing::buildEthernetFrame(s);
  frame.resize(54);  // tcpdump -s 54: headers only
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.bytes, 1440u);
  EXPECT_EQ(r.ip_length, 1440);
  EXPECT_EQ(r.tcp_payload_empty, 0);
  EXPECT_EQ(r.tcp_flags, core::tcp_flag::kAck | core::tcp_flag::kPsh);

  PacketSpec u = v6Spec(17);
  u.payload_len = 1200;
  frame = testing::buildEthernetFrame(u);
  frame.resize(14 + 40 + 8);
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.bytes, 1248u);
  EXPECT_EQ(r.dst_port, 80);
}

TEST(DecodeLength, EthernetPaddingIsNotCounted) {
  std::vector<uint8_t> frame = testing::buildEthernetFrame({});
  frame.resize(60, 0);  // minimum Ethernet frame without FCS
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.bytes, 40u);
  EXPECT_EQ(r.tcp_payload_empty, 1);
}

TEST(DecodeLength, ZeroIpv4TotalLengthFromSegmentationOffloadUsesTheCapture) {
  PacketSpec s;
  s.payload_len = 2000;
  std::vector<uint8_t> frame = testing::buildEthernetFrame(s);
  frame[14 + 2] = 0;
  frame[14 + 3] = 0;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.bytes, 2040u);
  EXPECT_EQ(r.tcp_payload_empty, 0);
}

TEST(DecodeLength, Ipv6LengthAboveSixteenBitsIsClampedInIpLengthOnly) {
  PacketSpec s = v6Spec(17);
  s.payload_len = 65535 - 8;
  std::vector<uint8_t> frame = testing::buildEthernetFrame(s);
  frame.resize(200);
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.bytes, 40u + 65535);
  EXPECT_EQ(r.ip_length, 65535);
}

}  // namespace
}  // namespace rampart::decode
