// SPDX-License-Identifier: Apache-2.0
// judgeWindow(): thresholds, vector naming, hysteresis and carpet bombing, on hand-filled slots.
#include <gtest/gtest.h>

#include "detect/window_verdict.h"

namespace rampart::detect {
namespace {

using traffic::PacketClass;
using traffic::TargetSlot;

constexpr double kHysteresis = 0.5;

bool has(const WindowVerdict& v, AttackVector a) { return v.vectors.test(static_cast<std::size_t>(a)); }

// Limits small enough to reason about: 4000 pps or 8 Mbit/s in total, SYN 1000 pps and UDP
// 2000 pps on their own; prefixes 8000 pps, 20 Mbit/s.
HostGroup group() {
  HostGroup g;
  g.host = Thresholds{};
  g.host.pps = 4000;
  g.host.bps = 8'000'000;
  g.host.setVectorPps(AttackVector::kSynFlood, 1000);
  g.host.setVectorPps(AttackVector::kUdpFlood, 2000);
  g.host.setVectorPps(AttackVector::kFragmentFlood, 1000);
  g.prefix = Thresholds{};
  g.prefix.pps = 8000;
  g.prefix.bps = 20'000'000;
  g.carpet_min_hosts = 16;
  g.carpet_max_host_share = 0.5;
  return g;
}

TargetSlot hostSlot() {
  TargetSlot s;
  s.key = traffic::TargetKey{core::IpAddress::fromV4(0xC000020A), 128, traffic::Direction::kIncoming};
  return s;
}

TargetSlot prefixSlot(uint32_t hosts, uint64_t max_host_packets) {
  TargetSlot s;
  s.key = traffic::TargetKey{core::IpAddress::fromV4(0xC0000200), 120, traffic::Direction::kIncoming};
  s.hosts = hosts;
  s.max_host_packets = max_host_packets;
  return s;
}

void add(TargetSlot& s, PacketClass c, uint64_t packets, uint64_t bytes_each = 60, bool fragment = false) {
  s.counts.add(c, packets, packets * bytes_each, fragment);
}

TEST(WindowVerdict, EmptyWindowIsNothing) {
  const WindowVerdict v = judgeWindow(hostSlot(), group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_FALSE(v.sustained);
  EXPECT_TRUE(v.vectors.none());
}

TEST(WindowVerdict, BelowEveryLimit) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpSyn, 400);
  add(s, PacketClass::kUdp, 900);
  add(s, PacketClass::kTcpOther, 400);
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_FALSE(v.sustained);
  EXPECT_TRUE(v.vectors.none());
  // The per-vector counts are filled whatever the verdict.
  EXPECT_EQ(v.packets[static_cast<std::size_t>(AttackVector::kSynFlood)], 400u);
  EXPECT_EQ(v.packets[static_cast<std::size_t>(AttackVector::kUdpFlood)], 900u);
  EXPECT_EQ(v.bytes[static_cast<std::size_t>(AttackVector::kUdpFlood)], 900u * 60);
}

TEST(WindowVerdict, TotalPpsAtTheLimitIsOver) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpOther, 3999);
  EXPECT_FALSE(judgeWindow(s, group(), 1.0, kHysteresis).over);
  add(s, PacketClass::kTcpOther, 1);
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(v.sustained);
  EXPECT_TRUE(has(v, AttackVector::kTcpFlood));
  EXPECT_EQ(v.vectors.count(), 1u);
}

TEST(WindowVerdict, BpsAloneIsOver) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpOther, 700, 1500);  // 8.4 Mbit/s at 700 pps
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kTcpFlood));
  TargetSlot t = hostSlot();
  add(t, PacketClass::kTcpOther, 650, 1500);  // 7.8 Mbit/s
  EXPECT_FALSE(judgeWindow(t, group(), 1.0, kHysteresis).over);
}

TEST(WindowVerdict, VectorOverItsOwnLimit) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpSyn, 1000);
  add(s, PacketClass::kTcpOther, 400);
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kSynFlood));
  // The total limit is not crossed, so a big share alone names nothing else.
  EXPECT_FALSE(has(v, AttackVector::kTcpFlood));
  EXPECT_EQ(v.vectors.count(), 1u);

  TargetSlot below = hostSlot();
  add(below, PacketClass::kTcpSyn, 999);
  EXPECT_FALSE(judgeWindow(below, group(), 1.0, kHysteresis).over);
}

TEST(WindowVerdict, VectorsNamedByOwnLimitOrTwentyPercentShare) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kUdp, 2500);     // over its own limit
  add(s, PacketClass::kTcpAck, 1000);  // 25 %: no limit of its own, named by share
  add(s, PacketClass::kIcmp, 500);     // 12.5 %: not named
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kUdpFlood));
  EXPECT_TRUE(has(v, AttackVector::kAckFlood));
  EXPECT_FALSE(has(v, AttackVector::kIcmpFlood));
  EXPECT_EQ(v.vectors.count(), 2u);
}

TEST(WindowVerdict, ShareIsMeasuredAgainstTheWholeWindow) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpOther, 3200);
  add(s, PacketClass::kTcpAck, 800);  // exactly 20 %
  WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(has(v, AttackVector::kAckFlood));
  TargetSlot t = hostSlot();
  add(t, PacketClass::kTcpOther, 3300);
  add(t, PacketClass::kTcpAck, 799);  // just under 20 %
  v = judgeWindow(t, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_FALSE(has(v, AttackVector::kAckFlood));
}

TEST(WindowVerdict, ReflectionClassesNameTheirAmplification) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kUdpNtp, 3000, 468);
  add(s, PacketClass::kUdpDns, 1500, 1200);
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kNtpAmplification));
  EXPECT_TRUE(has(v, AttackVector::kDnsAmplification));
  EXPECT_FALSE(has(v, AttackVector::kUdpFlood));
}

TEST(WindowVerdict, WindowLengthScalesTheLimits) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpSyn, 1500);
  EXPECT_TRUE(judgeWindow(s, group(), 1.0, kHysteresis).over);
  EXPECT_FALSE(judgeWindow(s, group(), 2.0, kHysteresis).over);  // 750 pps over two seconds
  EXPECT_TRUE(judgeWindow(s, group(), 2.0, kHysteresis).sustained);
  EXPECT_TRUE(judgeWindow(s, group(), 1.5, kHysteresis).over);
  EXPECT_FALSE(judgeWindow(s, group(), 0.0, kHysteresis).over);
}

TEST(WindowVerdict, HysteresisSustainsWithoutBeingOver) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpSyn, 600);  // 60 % of the SYN limit
  WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_TRUE(v.sustained);
  EXPECT_TRUE(v.vectors.none()) << "vectors are named only when over";

  TargetSlot t = hostSlot();
  add(t, PacketClass::kTcpSyn, 499);
  v = judgeWindow(t, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_FALSE(v.sustained);

  TargetSlot u = hostSlot();
  add(u, PacketClass::kTcpOther, 2100);  // the total limit has hysteresis too
  v = judgeWindow(u, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_TRUE(v.sustained);

  EXPECT_FALSE(judgeWindow(s, group(), 1.0, 0.7).sustained);  // a stricter hysteresis
}

TEST(WindowVerdict, ZeroLimitIsSwitchedOff) {
  HostGroup g = group();
  g.host.pps = 0;
  g.host.bps = 0;
  TargetSlot s = hostSlot();
  add(s, PacketClass::kTcpOther, 1'000'000, 1500);
  EXPECT_FALSE(judgeWindow(s, g, 1.0, kHysteresis).over);
}

TEST(WindowVerdict, OnlyOtherProtocolsOverTotalIsUnclassified) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kOther, 5000);  // GRE, ESP ...
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kUnclassified));
  EXPECT_EQ(v.vectors.count(), 1u);
}

TEST(WindowVerdict, EvenSpreadWithNoDominantClassIsUnclassified) {
  // Six classes of 1/6 each: none reaches 20 % or its own limit.
  TargetSlot s = hostSlot();
  for (PacketClass c : {PacketClass::kTcpOther, PacketClass::kTcpAck, PacketClass::kTcpRst, PacketClass::kIcmp,
                        PacketClass::kUdp, PacketClass::kOther}) {
    add(s, c, 700);
  }
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kUnclassified));
  EXPECT_EQ(v.vectors.count(), 1u);
}

TEST(WindowVerdict, FragmentFloodCountsFirstAndNonFirstFragments) {
  TargetSlot s = hostSlot();
  add(s, PacketClass::kUdp, 500, 1500, /*fragment=*/true);       // first fragments, with UDP header
  add(s, PacketClass::kFragment, 500, 1500, /*fragment=*/true);  // the rest
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_EQ(v.packets[static_cast<std::size_t>(AttackVector::kFragmentFlood)], 1000u);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kFragmentFlood));
}

TEST(WindowVerdict, CarpetBombingOfAPrefix) {
  TargetSlot s = prefixSlot(/*hosts=*/20, /*max_host_packets=*/600);
  add(s, PacketClass::kTcpSyn, 10'000);
  const WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kCarpetBombing));
  EXPECT_TRUE(has(v, AttackVector::kSynFlood)) << "named by share: prefixes have no SYN limit here";
  EXPECT_EQ(v.vectors.count(), 2u);
}

TEST(WindowVerdict, PrefixUsesPrefixThresholds) {
  TargetSlot s = prefixSlot(20, 600);
  add(s, PacketClass::kTcpSyn, 7000);  // far over the host SYN limit, under the prefix limit
  WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_TRUE(v.sustained);

  TargetSlot bits = prefixSlot(20, 200);
  add(bits, PacketClass::kUdp, 2000, 1300);  // 20.8 Mbit/s
  v = judgeWindow(bits, group(), 1.0, kHysteresis);
  EXPECT_TRUE(v.over);
  EXPECT_TRUE(has(v, AttackVector::kCarpetBombing));
  EXPECT_TRUE(has(v, AttackVector::kUdpFlood));
}

TEST(WindowVerdict, PrefixNeedsEnoughHosts) {
  TargetSlot s = prefixSlot(/*hosts=*/15, /*max_host_packets=*/700);
  add(s, PacketClass::kTcpSyn, 10'000);
  WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_FALSE(v.sustained);
  EXPECT_TRUE(v.vectors.none());

  TargetSlot t = prefixSlot(16, 700);
  add(t, PacketClass::kTcpSyn, 10'000);
  EXPECT_TRUE(judgeWindow(t, group(), 1.0, kHysteresis).over);
}

TEST(WindowVerdict, PrefixWithOneDominantHostIsThatHostsAttack) {
  TargetSlot s = prefixSlot(/*hosts=*/40, /*max_host_packets=*/6000);
  add(s, PacketClass::kTcpSyn, 10'000);  // 60 % on one host
  WindowVerdict v = judgeWindow(s, group(), 1.0, kHysteresis);
  EXPECT_FALSE(v.over);
  EXPECT_FALSE(v.sustained);

  TargetSlot t = prefixSlot(40, 5000);  // exactly half: still spread
  add(t, PacketClass::kTcpSyn, 10'000);
  EXPECT_TRUE(judgeWindow(t, group(), 1.0, kHysteresis).over);
}

}  // namespace
}  // namespace rampart::detect
