// SPDX-License-Identifier: Apache-2.0
// classify(): one class for every record, decided by flags for TCP and by source port for UDP.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "traffic/packet_class.h"

namespace rampart::traffic {
namespace {

using core::FlowRecord;
namespace flag = core::tcp_flag;

FlowRecord tcp(uint8_t flags, bool payload_empty = true) {
  FlowRecord r;
  r.protocol = core::ip_proto::kTcp;
  r.src_port = 40000;
  r.dst_port = 80;
  r.tcp_flags = flags;
  r.tcp_payload_empty = payload_empty ? 1 : 0;
  return r;
}

FlowRecord udp(uint16_t src_port, uint16_t dst_port = 40000) {
  FlowRecord r;
  r.protocol = core::ip_proto::kUdp;
  r.src_port = src_port;
  r.dst_port = dst_port;
  return r;
}

FlowRecord proto(uint8_t p) {
  FlowRecord r;
  r.protocol = p;
  return r;
}

class ClassifyTest : public ::testing::Test {
 protected:
  PacketClass of(const FlowRecord& r) const { return classify(r, reflectors_); }
  ReflectorPorts reflectors_;
};

TEST_F(ClassifyTest, SynWithoutAck) {
  EXPECT_EQ(of(tcp(flag::kSyn)), PacketClass::kTcpSyn);
  // ECN set-up (RFC 3168 section 6.1.1) is still a plain SYN.
  EXPECT_EQ(of(tcp(flag::kSyn | flag::kEce | flag::kCwr)), PacketClass::kTcpSyn);
}

TEST_F(ClassifyTest, SynAck) { EXPECT_EQ(of(tcp(flag::kSyn | flag::kAck)), PacketClass::kTcpSynAck); }

TEST_F(ClassifyTest, BareAckWithoutPayloadIsAck) {
  EXPECT_EQ(of(tcp(flag::kAck, /*payload_empty=*/true)), PacketClass::kTcpAck);
}

TEST_F(ClassifyTest, AckWithPayloadIsOrdinaryTraffic) {
  EXPECT_EQ(of(tcp(flag::kAck, /*payload_empty=*/false)), PacketClass::kTcpOther);
}

TEST_F(ClassifyTest, RstWithAndWithoutAck) {
  EXPECT_EQ(of(tcp(flag::kRst)), PacketClass::kTcpRst);
  EXPECT_EQ(of(tcp(flag::kRst | flag::kAck)), PacketClass::kTcpRst);
}

TEST_F(ClassifyTest, NullScanIsFlagAbuse) {
  EXPECT_EQ(of(tcp(0)), PacketClass::kTcpFlagAbuse);
  // ECE/CWR alone are no real flags either.
  EXPECT_EQ(of(tcp(flag::kEce | flag::kCwr)), PacketClass::kTcpFlagAbuse);
}

TEST_F(ClassifyTest, XmasIsFlagAbuse) {
  EXPECT_EQ(of(tcp(flag::kFin | flag::kPsh | flag::kUrg)), PacketClass::kTcpFlagAbuse);
}

TEST_F(ClassifyTest, SynFinAndSynRstAreFlagAbuse) {
  EXPECT_EQ(of(tcp(flag::kSyn | flag::kFin)), PacketClass::kTcpFlagAbuse);
  EXPECT_EQ(of(tcp(flag::kSyn | flag::kRst)), PacketClass::kTcpFlagAbuse);
  EXPECT_EQ(of(tcp(flag::kSyn | flag::kFin | flag::kAck)), PacketClass::kTcpFlagAbuse);
}

TEST_F(ClassifyTest, FinWithoutAckIsFlagAbuse) {
  EXPECT_EQ(of(tcp(flag::kFin)), PacketClass::kTcpFlagAbuse);
  EXPECT_EQ(of(tcp(flag::kPsh)), PacketClass::kTcpFlagAbuse);
  EXPECT_EQ(of(tcp(flag::kUrg)), PacketClass::kTcpFlagAbuse);
  EXPECT_EQ(of(tcp(flag::kRst | flag::kFin | flag::kAck)), PacketClass::kTcpFlagAbuse);
}

TEST_F(ClassifyTest, NormalDataAndFinAckAreOther) {
  EXPECT_EQ(of(tcp(flag::kPsh | flag::kAck, /*payload_empty=*/false)), PacketClass::kTcpOther);
  EXPECT_EQ(of(tcp(flag::kFin | flag::kAck)), PacketClass::kTcpOther);
  EXPECT_EQ(of(tcp(flag::kPsh | flag::kAck, /*payload_empty=*/true)), PacketClass::kTcpOther);
}

TEST_F(ClassifyTest, UdpFromEveryReflectorPortIsItsReflectionClass) {
  int reflection_classes = 0;
  for (std::size_t i = 0; i < kPacketClassCount; ++i) {
    const auto c = static_cast<PacketClass>(i);
    if (!isReflection(c)) continue;
    ++reflection_classes;
    SCOPED_TRACE(std::string(toString(c)));
    EXPECT_EQ(of(udp(reflectorPort(c))), c);
    // The destination port says nothing: a query *to* a reflector port is ordinary UDP.
    EXPECT_EQ(of(udp(40000, reflectorPort(c))), PacketClass::kUdp);
  }
  EXPECT_EQ(reflection_classes, 21);
}

TEST_F(ClassifyTest, WellKnownReflectorPorts) {
  EXPECT_EQ(of(udp(53)), PacketClass::kUdpDns);
  EXPECT_EQ(of(udp(123)), PacketClass::kUdpNtp);
  EXPECT_EQ(of(udp(1900)), PacketClass::kUdpSsdp);
  EXPECT_EQ(of(udp(11211)), PacketClass::kUdpMemcached);
  EXPECT_EQ(of(udp(389)), PacketClass::kUdpCldap);
  EXPECT_EQ(of(udp(19)), PacketClass::kUdpChargen);
  EXPECT_EQ(of(udp(3702)), PacketClass::kUdpWsDiscovery);
  EXPECT_EQ(of(udp(3478)), PacketClass::kUdpStun);
}

TEST_F(ClassifyTest, UdpFromOrdinaryPortIsPlainUdp) {
  for (uint16_t port : {0, 1, 52, 54, 1024, 27015, 40000, 65535}) {
    EXPECT_EQ(of(udp(port)), PacketClass::kUdp) << port;
  }
}

TEST_F(ClassifyTest, IcmpAndIcmpV6) {
  EXPECT_EQ(of(proto(core::ip_proto::kIcmp)), PacketClass::kIcmp);
  EXPECT_EQ(of(proto(core::ip_proto::kIcmpV6)), PacketClass::kIcmp);
}

TEST_F(ClassifyTest, NonFirstFragmentsAreFragmentsWhateverTheProtocol) {
  for (uint8_t p : {core::ip_proto::kTcp, core::ip_proto::kUdp, core::ip_proto::kIcmp, core::ip_proto::kGre}) {
    FlowRecord r = proto(p);  // no transport header: ports and flags 0, which would be a NULL scan
    r.fragment = FlowRecord::kFragmented | FlowRecord::kNonFirstFragment;
    EXPECT_EQ(of(r), PacketClass::kFragment) << int{p};
  }
}

TEST_F(ClassifyTest, FirstFragmentIsClassifiedByItsTransportHeader) {
  FlowRecord r = udp(123);
  r.fragment = FlowRecord::kFragmented;
  EXPECT_EQ(of(r), PacketClass::kUdpNtp);
  FlowRecord s = tcp(flag::kSyn);
  s.fragment = FlowRecord::kFragmented;
  EXPECT_EQ(of(s), PacketClass::kTcpSyn);
}

TEST_F(ClassifyTest, OtherProtocols) {
  for (uint8_t p : {0, 2, 4, 41, 47, 50, 51, 89, 132, 255}) {
    EXPECT_EQ(of(proto(p)), PacketClass::kOther) << int{p};
  }
}

TEST(PacketClassNames, EveryClassHasAUniqueNameAndConsistentPort) {
  const ReflectorPorts reflectors;
  std::set<std::string_view> names;
  std::set<uint16_t> ports;
  for (std::size_t i = 0; i < kPacketClassCount; ++i) {
    const auto c = static_cast<PacketClass>(i);
    const std::string_view name = toString(c);
    SCOPED_TRACE(std::string(name));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "invalid");
    EXPECT_TRUE(names.insert(name).second) << "duplicate name";
    const uint16_t port = reflectorPort(c);
    EXPECT_EQ(port != 0, isReflection(c));
    if (isReflection(c)) {
      EXPECT_TRUE(name.starts_with("udp-"));
      EXPECT_TRUE(ports.insert(port).second) << "duplicate port " << port;
      EXPECT_EQ(reflectors.classOf(port), c);
    }
  }
  EXPECT_EQ(toString(PacketClass::kTcpSyn), "tcp-syn");
  EXPECT_EQ(toString(PacketClass::kUdp), "udp");
  EXPECT_EQ(toString(PacketClass::kUdpNtp), "udp-ntp");
  EXPECT_EQ(toString(PacketClass::kIcmp), "icmp");
  EXPECT_EQ(toString(PacketClass::kFragment), "fragment");
  EXPECT_EQ(toString(PacketClass::kOther), "other");
  EXPECT_EQ(reflectorPort(PacketClass::kUdpNtp), 123);
  EXPECT_EQ(reflectorPort(PacketClass::kUdpMemcached), 11211);
}

TEST(PacketClassNames, OutOfRangeClassIsInvalid) {
  EXPECT_EQ(toString(PacketClass::kCount), "invalid");
  EXPECT_EQ(reflectorPort(PacketClass::kCount), 0);
  EXPECT_EQ(toString(static_cast<PacketClass>(200)), "invalid");
}

TEST(PacketClassNames, ReflectionRangeIsExactlyTheUdpServiceClasses) {
  EXPECT_FALSE(isReflection(PacketClass::kUdp));
  EXPECT_TRUE(isReflection(PacketClass::kUdpDns));
  EXPECT_TRUE(isReflection(PacketClass::kUdpStun));
  EXPECT_FALSE(isReflection(PacketClass::kIcmp));
  EXPECT_FALSE(isReflection(PacketClass::kTcpSynAck));
}

}  // namespace
}  // namespace rampart::traffic
