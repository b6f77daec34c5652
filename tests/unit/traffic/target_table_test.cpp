// SPDX-License-Identifier: Apache-2.0
// TargetTable: bounded open addressing, emptied per window.
#include <gtest/gtest.h>

#include <vector>

#include "traffic/target_table.h"

namespace rampart::traffic {
namespace {

TargetKey host(uint32_t v4, Direction d = Direction::kIncoming) {
  return TargetKey{core::IpAddress::fromV4(v4), 128, d};
}

TEST(TargetTable, FindMissesThenInsertThenFindHits) {
  TargetTable t(8);
  const TargetKey k = host(0xC000020A);
  EXPECT_EQ(t.find(k, k.hash()), kNoSlot);
  const uint32_t i = t.insert(k, k.hash());
  ASSERT_NE(i, kNoSlot);
  EXPECT_EQ(t.find(k, k.hash()), i);
  EXPECT_EQ(t[i].key, k);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.capacity(), 8u);
}

TEST(TargetTable, SlotsAreDenseInInsertionOrder) {
  TargetTable t(16);
  for (uint32_t n = 0; n < 10; ++n) {
    const TargetKey k = host(0xC0000200 + n);
    EXPECT_EQ(t.insert(k, k.hash()), n);
  }
  ASSERT_EQ(t.slots().size(), 10u);
  for (uint32_t n = 0; n < 10; ++n) {
    const TargetKey k = host(0xC0000200 + n);
    EXPECT_EQ(t.slots()[n].key, k);
    EXPECT_EQ(t.find(k, k.hash()), n);
  }
}

TEST(TargetTable, FreshSlotsHaveZeroCounters) {
  TargetTable t(4);
  const TargetKey k = host(1);
  const uint32_t i = t.insert(k, k.hash());
  EXPECT_EQ(t[i].counts.packets, 0u);
  EXPECT_EQ(t[i].parent, kNoSlot);
  EXPECT_EQ(t[i].deep, nullptr);
}

TEST(TargetTable, FullTableReturnsNoSlot) {
  TargetTable t(4);
  for (uint32_t n = 0; n < 4; ++n) {
    const TargetKey k = host(n + 1);
    ASSERT_NE(t.insert(k, k.hash()), kNoSlot);
  }
  const TargetKey extra = host(100);
  EXPECT_EQ(t.insert(extra, extra.hash()), kNoSlot);
  EXPECT_EQ(t.find(extra, extra.hash()), kNoSlot);
  EXPECT_EQ(t.size(), 4u);
  for (uint32_t n = 0; n < 4; ++n) {  // the ones in still found
    const TargetKey k = host(n + 1);
    EXPECT_EQ(t.find(k, k.hash()), n);
  }
}

TEST(TargetTable, ZeroCapacityHoldsOne) {
  TargetTable t(0);
  EXPECT_EQ(t.capacity(), 1u);
  const TargetKey a = host(1);
  const TargetKey b = host(2);
  EXPECT_NE(t.insert(a, a.hash()), kNoSlot);
  EXPECT_EQ(t.insert(b, b.hash()), kNoSlot);
}

TEST(TargetTable, ClearThenReuse) {
  TargetTable t(4);
  std::vector<TargetKey> first;
  for (uint32_t n = 0; n < 4; ++n) {
    first.push_back(host(n + 1));
    ASSERT_NE(t.insert(first.back(), first.back().hash()), kNoSlot);
  }
  t[0].counts.add(PacketClass::kTcpSyn, 5, 300, false);
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  for (const TargetKey& k : first) EXPECT_EQ(t.find(k, k.hash()), kNoSlot);
  // Full capacity is available again, and slots start from zero counters.
  for (uint32_t n = 0; n < 4; ++n) {
    const TargetKey k = host(n + 50);
    EXPECT_EQ(t.insert(k, k.hash()), n);
    EXPECT_EQ(t[n].counts.packets, 0u);
  }
  for (uint32_t n = 0; n < 4; ++n) {
    const TargetKey k = host(n + 50);
    EXPECT_EQ(t.find(k, k.hash()), n);
  }
  EXPECT_EQ(t.find(first[0], first[0].hash()), kNoSlot);
}

TEST(TargetTable, ManyClearCyclesStayConsistent) {
  TargetTable t(32);
  for (uint32_t round = 0; round < 50; ++round) {
    for (uint32_t n = 0; n < 32; ++n) {
      const TargetKey k = host(round * 1000 + n);
      ASSERT_EQ(t.insert(k, k.hash()), n);
    }
    for (uint32_t n = 0; n < 32; ++n) {
      const TargetKey k = host(round * 1000 + n);
      ASSERT_EQ(t.find(k, k.hash()), n);
    }
    const TargetKey previous = host((round + 49) % 50 * 1000);
    if (round > 0) {
      ASSERT_EQ(t.find(previous, previous.hash()), kNoSlot);
    }
    t.clear();
  }
}

TEST(TargetTable, CollidingHashesAreResolvedByKey) {
  // The caller supplies the hash: giving every key the same one forces a probe chain.
  TargetTable t(8);
  constexpr uint64_t kSameHash = 0x1234;
  std::vector<TargetKey> keys;
  for (uint32_t n = 0; n < 8; ++n) keys.push_back(host(n + 1));
  for (uint32_t n = 0; n < 8; ++n) ASSERT_EQ(t.insert(keys[n], kSameHash), n);
  for (uint32_t n = 0; n < 8; ++n) EXPECT_EQ(t.find(keys[n], kSameHash), n);
  EXPECT_EQ(t.find(host(99), kSameHash), kNoSlot);
  // Hashes that differ only above the mask collide in the same bucket too.
  TargetTable u(4);
  ASSERT_EQ(u.insert(keys[0], 0x0), 0u);
  ASSERT_EQ(u.insert(keys[1], uint64_t{1} << 40), 1u);
  EXPECT_EQ(u.find(keys[0], 0x0), 0u);
  EXPECT_EQ(u.find(keys[1], uint64_t{1} << 40), 1u);
}

TEST(TargetTable, CollisionChainWrapsAroundTheEnd) {
  TargetTable t(4);  // 8 buckets: hash 7 is the last one, the next probe wraps to 0
  const TargetKey a = host(1);
  const TargetKey b = host(2);
  const TargetKey c = host(3);
  ASSERT_EQ(t.insert(a, 7), 0u);
  ASSERT_EQ(t.insert(b, 7), 1u);
  ASSERT_EQ(t.insert(c, 0), 2u);  // its home bucket 0 already holds b
  EXPECT_EQ(t.find(a, 7), 0u);
  EXPECT_EQ(t.find(b, 7), 1u);
  EXPECT_EQ(t.find(c, 0), 2u);
}

TEST(TargetTable, DirectionAndLengthMakeDistinctKeys) {
  TargetTable t(8);
  const core::IpAddress a = core::IpAddress::fromV4(0xC0000200);
  const TargetKey in{a, 128, Direction::kIncoming};
  const TargetKey out{a, 128, Direction::kOutgoing};
  const TargetKey net{a, 120, Direction::kIncoming};
  EXPECT_NE(in.hash(), out.hash());
  EXPECT_NE(in.hash(), net.hash());
  const uint32_t i = t.insert(in, in.hash());
  EXPECT_EQ(t.find(out, out.hash()), kNoSlot);
  EXPECT_EQ(t.find(net, net.hash()), kNoSlot);
  const uint32_t o = t.insert(out, out.hash());
  const uint32_t n = t.insert(net, net.hash());
  EXPECT_EQ(t.find(in, in.hash()), i);
  EXPECT_EQ(t.find(out, out.hash()), o);
  EXPECT_EQ(t.find(net, net.hash()), n);
  EXPECT_TRUE(net.isPrefix());
  EXPECT_FALSE(in.isPrefix());
  EXPECT_EQ(net.toString(), "192.0.2.0/24");
  EXPECT_EQ(in.toString(), "192.0.2.0");
}

}  // namespace
}  // namespace rampart::traffic
