// SPDX-License-Identifier: Apache-2.0
// HyperLogLog: distinct counts within the sketch's error, idempotent adds, merge as set union.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

#include "core/ip_address.h"
#include "traffic/hyperloglog.h"

namespace rampart::traffic {
namespace {

// Distinct IPv4 addresses from 10.0.0.0 upwards; consecutive addresses are the worst case for a
// weak hash, which is what the sketch is fed with in a spoofed flood from a scanner.
uint64_t v4Hash(uint32_t i) { return core::IpAddress::fromV4(0x0A000000u + i).hash(); }

uint64_t v6Hash(uint32_t i) {
  std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
  b[12] = static_cast<uint8_t>(i >> 24);
  b[13] = static_cast<uint8_t>(i >> 16);
  b[14] = static_cast<uint8_t>(i >> 8);
  b[15] = static_cast<uint8_t>(i);
  return core::IpAddress::fromV6Bytes(b.data()).hash();
}

double relativeError(double estimate, double truth) { return std::abs(estimate - truth) / truth; }

TEST(HyperLogLog, EmptyEstimatesZero) {
  const HyperLogLog h;
  EXPECT_EQ(h.estimate(), 0.0);
}

TEST(HyperLogLog, OneAddressEstimatesOne) {
  HyperLogLog h;
  h.add(v4Hash(1));
  EXPECT_NEAR(h.estimate(), 1.0, 0.01);
}

TEST(HyperLogLog, HundredDistinctWithinFivePercent) {
  HyperLogLog h;
  for (uint32_t i = 0; i < 100; ++i) h.add(v4Hash(i));
  EXPECT_LT(relativeError(h.estimate(), 100), 0.05) << h.estimate();
}

TEST(HyperLogLog, TenThousandDistinctWithinFivePercent) {
  HyperLogLog v4;
  HyperLogLog v6;
  for (uint32_t i = 0; i < 10'000; ++i) {
    v4.add(v4Hash(i));
    v6.add(v6Hash(i));
  }
  EXPECT_LT(relativeError(v4.estimate(), 10'000), 0.05) << v4.estimate();
  EXPECT_LT(relativeError(v6.estimate(), 10'000), 0.05) << v6.estimate();
}

TEST(HyperLogLog, MillionDistinctWithinFivePercent) {
  HyperLogLog h;
  for (uint32_t i = 0; i < 1'000'000; ++i) h.add(v4Hash(i));
  EXPECT_LT(relativeError(h.estimate(), 1'000'000), 0.05) << h.estimate();
}

TEST(HyperLogLog, EstimateGrowsAcrossTheLinearCountingBoundary) {
  // 2.5 m = 5120 is where the estimator switches from linear counting to the raw estimate: the
  // estimate must stay within the error on both sides.
  HyperLogLog h;
  uint32_t added = 0;
  for (uint32_t target : {2'000u, 4'000u, 5'000u, 5'500u, 7'000u, 20'000u, 100'000u}) {
    for (; added < target; ++added) h.add(v4Hash(added));
    EXPECT_LT(relativeError(h.estimate(), target), 0.05) << target << ": " << h.estimate();
  }
}

TEST(HyperLogLog, DuplicatesDoNotInflate) {
  HyperLogLog once;
  HyperLogLog many;
  for (uint32_t i = 0; i < 10'000; ++i) once.add(v4Hash(i));
  for (int round = 0; round < 20; ++round) {
    for (uint32_t i = 0; i < 10'000; ++i) many.add(v4Hash(i));
  }
  EXPECT_EQ(many.estimate(), once.estimate());

  HyperLogLog one_source;  // a flood from one address counts one source, whatever its volume
  for (int i = 0; i < 100'000; ++i) one_source.add(v4Hash(7));
  EXPECT_NEAR(one_source.estimate(), 1.0, 0.01);
}

TEST(HyperLogLog, MergeIsUnion) {
  HyperLogLog a;
  HyperLogLog b;
  HyperLogLog all;
  for (uint32_t i = 0; i < 60'000; ++i) a.add(v4Hash(i));
  for (uint32_t i = 40'000; i < 100'000; ++i) b.add(v4Hash(i));
  for (uint32_t i = 0; i < 100'000; ++i) all.add(v4Hash(i));
  HyperLogLog merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.estimate(), all.estimate());
  EXPECT_LT(relativeError(merged.estimate(), 100'000), 0.05) << merged.estimate();

  HyperLogLog other_order = b;  // commutative
  other_order.merge(a);
  EXPECT_EQ(other_order.estimate(), merged.estimate());

  HyperLogLog self = a;  // idempotent
  self.merge(a);
  EXPECT_EQ(self.estimate(), a.estimate());
}

TEST(HyperLogLog, MergeWithEmptyChangesNothing) {
  HyperLogLog a;
  for (uint32_t i = 0; i < 1'000; ++i) a.add(v4Hash(i));
  const double before = a.estimate();
  a.merge(HyperLogLog{});
  EXPECT_EQ(a.estimate(), before);
}

TEST(HyperLogLog, ClearForgetsEverything) {
  HyperLogLog h;
  for (uint32_t i = 0; i < 5'000; ++i) h.add(v4Hash(i));
  h.clear();
  EXPECT_EQ(h.estimate(), 0.0);
  for (uint32_t i = 0; i < 100; ++i) h.add(v4Hash(i));
  EXPECT_LT(relativeError(h.estimate(), 100), 0.05);
}

TEST(HyperLogLog, ExtremeHashesDoNotOverflowARegister) {
  HyperLogLog h;
  h.add(0);  // longest possible run of zeros: rank bounded by the guard bit
  h.add(UINT64_MAX);
  h.add(uint64_t{1} << 53);
  const double e = h.estimate();
  EXPECT_TRUE(std::isfinite(e));
  EXPECT_NEAR(e, 3.0, 0.1);
}

}  // namespace
}  // namespace rampart::traffic
