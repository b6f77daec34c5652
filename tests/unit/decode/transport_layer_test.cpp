// SPDX-License-Identifier: Apache-2.0
// TCP flags and header length, UDP ports, ICMP and ICMPv6 type and code.
#include <gtest/gtest.h>

#include "decode/packet_decoder.h"
#include "support/packet_builder.h"
#include "unit/decode/decode_test_util.h"

namespace rampart::decode {
namespace {

using core::FlowRecord;
using test::decodeExact;
using testing::PacketSpec;

constexpr std::size_t kTcpAt = 14 + 20;  // TCP header in an Ethernet/IPv4 frame without options

TEST(DecodeTcp, EveryFlagAloneAndAllTogether) {
  for (int bit = 0; bit < 8; ++bit) {
    PacketSpec s;
    s.tcp_flags = static_cast<uint8_t>(1u << bit);
    FlowRecord r;
    ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
    EXPECT_EQ(r.tcp_flags, s.tcp_flags);
  }
  PacketSpec all;
  all.tcp_flags = core::tcp_flag::kFin | core::tcp_flag::kSyn | core::tcp_flag::kRst | core::tcp_flag::kPsh |
                  core::tcp_flag::kAck | core::tcp_flag::kUrg | core::tcp_flag::kEce | core::tcp_flag::kCwr;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(all), r), DecodeResult::kOk);
  EXPECT_EQ(r.tcp_flags, 0xff);
}

TEST(DecodeTcp, PayloadEmptyComesFromTheIpLength) {
  PacketSpec s;
  s.tcp_flags = core::tcp_flag::kAck;
  s.payload_len = 1;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.tcp_payload_empty, 0);
  s.payload_len = 0;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.tcp_payload_empty, 1);
}

TEST(DecodeTcp, OptionsCountAsHeaderNotPayload) {
  PacketSpec s;
  s.payload_len = 12;  // becomes 12 bytes of options once the data offset says 8 words
  std::vector<uint8_t> frame = testing::buildEthernetFrame(s);
  frame[kTcpAt + 12] = 8 << 4;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.tcp_payload_empty, 1);
  EXPECT_EQ(r.dst_port, 80);
}

TEST(DecodeTcp, DataOffsetBelowFiveOrPastTheSegment) {
  std::vector<uint8_t> frame = testing::buildEthernetFrame({});
  FlowRecord r;
  for (uint8_t words : {0, 4}) {
    frame[kTcpAt + 12] = static_cast<uint8_t>(words << 4);
    EXPECT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kBadTcpHeaderLength) << int{words};
  }
  frame[kTcpAt + 12] = 6 << 4;  // 24 bytes of header in a 20-byte segment
  EXPECT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kBadTcpHeaderLength);
}

TEST(DecodeTcp, SnapLengthInsideTheOptionsIsFine) {
  PacketSpec s;
  s.payload_len = 40;
  std::vector<uint8_t> frame = testing::buildEthernetFrame(s);
  frame[kTcpAt + 12] = 15 << 4;  // 60-byte header: 40 bytes of options
  frame.resize(kTcpAt + 24);
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, frame, r), DecodeResult::kOk);
  EXPECT_EQ(r.tcp_payload_empty, 1);
}

TEST(DecodeUdp, Ports) {
  PacketSpec s;
  s.protocol = 17;
  s.src_port = 123;
  s.dst_port = 33000;
  s.payload_len = 468;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.protocol, 17);
  EXPECT_EQ(r.src_port, 123);
  EXPECT_EQ(r.dst_port, 33000);
  EXPECT_EQ(r.tcp_flags, 0);
  EXPECT_EQ(r.tcp_payload_empty, 0);
  EXPECT_EQ(r.bytes, 20u + 8 + 468);
}

TEST(DecodeIcmp, TypeAndCodeInDestinationPort) {
  PacketSpec s;
  s.protocol = 1;
  s.icmp_type = 3;  // destination unreachable
  s.icmp_code = 3;  // port unreachable
  s.payload_len = 28;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.protocol, 1);
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.dst_port, 0x0303);
  EXPECT_EQ(r.bytes, 20u + 8 + 28);
}

TEST(DecodeIcmp, Icmpv6TypeAndCode) {
  PacketSpec s;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.protocol = 58;
  s.icmp_type = 128;  // echo request
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.protocol, 58);
  EXPECT_EQ(r.dst_port, 128 << 8);
  s.icmp_type = 1;  // destination unreachable
  s.icmp_code = 4;  // port unreachable
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.dst_port, 0x0104);
}

TEST(DecodeOther, UnknownProtocolHasNoPorts) {
  PacketSpec s;
  s.protocol = 132;  // SCTP: not decoded
  s.payload_len = 32;
  FlowRecord r;
  ASSERT_EQ(decodeExact(LinkType::kEthernet, testing::buildEthernetFrame(s), r), DecodeResult::kOk);
  EXPECT_EQ(r.protocol, 132);
  EXPECT_EQ(r.src_port, 0);
  EXPECT_EQ(r.dst_port, 0);
  EXPECT_EQ(r.bytes, 52u);
}

}  // namespace
}  // namespace rampart::decode
