// SPDX-License-Identifier: Apache-2.0
// Attack vector names, and the mapping from packet classes to vectors.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "detect/attack_vector.h"

namespace rampart::detect {
namespace {

using traffic::PacketClass;

TEST(AttackVector, NamesRoundTrip) {
  std::set<std::string_view> names;
  std::set<std::string_view> descriptions;
  for (std::size_t i = 0; i < kAttackVectorCount; ++i) {
    const auto v = static_cast<AttackVector>(i);
    const std::string_view name = toString(v);
    SCOPED_TRACE(std::string(name));
    EXPECT_NE(name, "invalid");
    EXPECT_FALSE(describe(v).empty());
    EXPECT_NE(describe(v), "invalid");
    EXPECT_TRUE(names.insert(name).second);
    EXPECT_TRUE(descriptions.insert(describe(v)).second);
    const auto back = vectorFromString(name);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, v);
  }
}

TEST(AttackVector, KnownNames) {
  EXPECT_EQ(toString(AttackVector::kSynFlood), "syn-flood");
  EXPECT_EQ(toString(AttackVector::kNtpAmplification), "ntp-amplification");
  EXPECT_EQ(toString(AttackVector::kOtherReflection), "other-reflection");
  EXPECT_EQ(toString(AttackVector::kCarpetBombing), "carpet-bombing");
  EXPECT_EQ(toString(AttackVector::kUnclassified), "unclassified");
  EXPECT_EQ(describe(AttackVector::kSynFlood), "TCP SYN flood");
  EXPECT_EQ(vectorFromString("udp-flood"), AttackVector::kUdpFlood);
}

TEST(AttackVector, UnknownNamesAreRejected) {
  EXPECT_FALSE(vectorFromString("").has_value());
  EXPECT_FALSE(vectorFromString("syn").has_value());
  EXPECT_FALSE(vectorFromString("SYN-FLOOD").has_value());
  EXPECT_FALSE(vectorFromString("syn-flood ").has_value());
  EXPECT_FALSE(vectorFromString("invalid").has_value());
  EXPECT_EQ(toString(AttackVector::kCount), "invalid");
}

TEST(AttackVector, VectorOfEachClass) {
  EXPECT_EQ(vectorOf(PacketClass::kTcpSyn), AttackVector::kSynFlood);
  EXPECT_EQ(vectorOf(PacketClass::kTcpSynAck), AttackVector::kSynAckReflection);
  EXPECT_EQ(vectorOf(PacketClass::kTcpAck), AttackVector::kAckFlood);
  EXPECT_EQ(vectorOf(PacketClass::kTcpRst), AttackVector::kRstFlood);
  EXPECT_EQ(vectorOf(PacketClass::kTcpFlagAbuse), AttackVector::kTcpFlagAbuse);
  EXPECT_EQ(vectorOf(PacketClass::kTcpOther), AttackVector::kTcpFlood);
  EXPECT_EQ(vectorOf(PacketClass::kUdp), AttackVector::kUdpFlood);
  EXPECT_EQ(vectorOf(PacketClass::kUdpDns), AttackVector::kDnsAmplification);
  EXPECT_EQ(vectorOf(PacketClass::kUdpNtp), AttackVector::kNtpAmplification);
  EXPECT_EQ(vectorOf(PacketClass::kUdpMemcached), AttackVector::kMemcachedAmplification);
  EXPECT_EQ(vectorOf(PacketClass::kUdpStun), AttackVector::kStunAmplification);
  EXPECT_EQ(vectorOf(PacketClass::kIcmp), AttackVector::kIcmpFlood);
  EXPECT_EQ(vectorOf(PacketClass::kFragment), AttackVector::kFragmentFlood);
  EXPECT_EQ(vectorOf(PacketClass::kOther), AttackVector::kUnclassified);
  EXPECT_EQ(vectorOf(PacketClass::kCount), AttackVector::kUnclassified);
}

TEST(AttackVector, EveryReflectionClassMapsToTheAmplificationOfItsService) {
  // "udp-ntp" is evidence of "ntp-amplification", and so on for every listed reflector.
  for (std::size_t i = 0; i < traffic::kPacketClassCount; ++i) {
    const auto c = static_cast<PacketClass>(i);
    if (!traffic::isReflection(c)) continue;
    const std::string cls(traffic::toString(c));
    SCOPED_TRACE(cls);
    const AttackVector v = vectorOf(c);
    EXPECT_EQ(std::string(toString(v)), cls.substr(4) + "-amplification");
    EXPECT_TRUE(isAmplification(v));
  }
}

TEST(AttackVector, NoTwoClassesButOtherShareAVector) {
  std::set<AttackVector> seen;
  for (std::size_t i = 0; i < traffic::kPacketClassCount; ++i) {
    EXPECT_TRUE(seen.insert(vectorOf(static_cast<PacketClass>(i))).second)
        << traffic::toString(static_cast<PacketClass>(i));
  }
  EXPECT_FALSE(seen.contains(AttackVector::kOtherReflection));
  EXPECT_FALSE(seen.contains(AttackVector::kCarpetBombing));
}

TEST(AttackVector, IsAmplification) {
  EXPECT_TRUE(isAmplification(AttackVector::kDnsAmplification));
  EXPECT_TRUE(isAmplification(AttackVector::kStunAmplification));
  EXPECT_TRUE(isAmplification(AttackVector::kOtherReflection));
  for (AttackVector v :
       {AttackVector::kSynFlood, AttackVector::kSynAckReflection, AttackVector::kAckFlood, AttackVector::kRstFlood,
        AttackVector::kTcpFlagAbuse, AttackVector::kTcpFlood, AttackVector::kUdpFlood, AttackVector::kIcmpFlood,
        AttackVector::kFragmentFlood, AttackVector::kCarpetBombing, AttackVector::kUnclassified}) {
    EXPECT_FALSE(isAmplification(v)) << toString(v);
  }
}

}  // namespace
}  // namespace rampart::detect
