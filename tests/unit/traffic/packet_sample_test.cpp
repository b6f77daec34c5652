// SPDX-License-Identifier: Apache-2.0
// PacketSample: bounded, uniform over the whole stream, repeatable with a seed.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <functional>

#include "traffic/packet_sample.h"

namespace rampart::traffic {
namespace {

using core::FlowRecord;

constexpr uint64_t kStream = 1'000'000;

// Record number i of a stream: its index in the source address (so positions can be checked) and
// a marker port chosen by `marked`.
FlowRecord recordAt(uint64_t i, bool marked) {
  FlowRecord r;
  r.src = core::IpAddress::fromV4(static_cast<uint32_t>(i));
  r.protocol = core::ip_proto::kUdp;
  r.src_port = 123;
  r.dst_port = marked ? 7 : 9;
  r.ip_length = 468;
  return r;
}

double markedShare(const PacketSample& s) {
  std::size_t marked = 0;
  for (const SampledPacket& p : s.items()) marked += p.dst_port == 7 ? 1 : 0;
  return static_cast<double>(marked) / static_cast<double>(s.items().size());
}

PacketSample sampleOf(const std::function<bool(uint64_t)>& marked, uint64_t seed = 0x5eed) {
  PacketSample s(PacketSample::kDefaultCapacity, seed);
  for (uint64_t i = 0; i < kStream; ++i) s.add(recordAt(i, marked(i)), PacketClass::kUdpNtp);
  return s;
}

bool sameItems(const PacketSample& a, const PacketSample& b) {
  if (a.items().size() != b.items().size()) return false;
  for (std::size_t i = 0; i < a.items().size(); ++i) {
    if (a.items()[i].src != b.items()[i].src || a.items()[i].dst_port != b.items()[i].dst_port) return false;
  }
  return true;
}

TEST(PacketSample, KeepsEverythingBelowCapacity) {
  PacketSample s(16);
  for (uint64_t i = 0; i < 10; ++i) s.add(recordAt(i, false), PacketClass::kUdp);
  EXPECT_EQ(s.seen(), 10u);
  ASSERT_EQ(s.items().size(), 10u);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(s.items()[i].src, core::IpAddress::fromV4(static_cast<uint32_t>(i)));
}

TEST(PacketSample, NeverExceedsCapacity) {
  PacketSample s(64, 1);
  for (uint64_t i = 0; i < 100'000; ++i) {
    s.add(recordAt(i, false), PacketClass::kUdp);
    ASSERT_LE(s.items().size(), 64u) << "after " << i + 1;
  }
  EXPECT_EQ(s.items().size(), 64u);
  EXPECT_EQ(s.seen(), 100'000u);
}

TEST(PacketSample, ZeroCapacityMeansOne) {
  PacketSample s(0);
  for (uint64_t i = 0; i < 100; ++i) s.add(recordAt(i, false), PacketClass::kUdp);
  EXPECT_EQ(s.items().size(), 1u);
  EXPECT_EQ(s.seen(), 100u);
}

TEST(PacketSample, CopiesHeaderFieldsAndWeight) {
  PacketSample s(4);
  FlowRecord r;
  r.src = core::IpAddress::fromV4(0xC6336401);
  r.packets = 3;
  r.sampling_rate = 1000;
  r.src_port = 123;
  r.dst_port = 4444;
  r.ip_length = 468;
  r.protocol = core::ip_proto::kUdp;
  r.tcp_flags = 0;
  r.ttl = 57;
  r.fragment = FlowRecord::kFragmented;
  s.add(r, PacketClass::kUdpNtp);
  ASSERT_EQ(s.items().size(), 1u);
  const SampledPacket& p = s.items()[0];
  EXPECT_EQ(p.src, r.src);
  EXPECT_EQ(p.weight, 3000u);
  EXPECT_EQ(p.src_port, 123);
  EXPECT_EQ(p.dst_port, 4444);
  EXPECT_EQ(p.ip_length, 468);
  EXPECT_EQ(p.protocol, core::ip_proto::kUdp);
  EXPECT_EQ(p.ttl, 57);
  EXPECT_EQ(p.fragment, FlowRecord::kFragmented);
  EXPECT_EQ(p.cls, PacketClass::kUdpNtp);
}

TEST(PacketSample, InterleavedValueIsSampledAtItsShare) {
  const PacketSample s = sampleOf([](uint64_t i) { return i % 10 < 3; });
  ASSERT_EQ(s.items().size(), PacketSample::kDefaultCapacity);
  EXPECT_EQ(s.seen(), kStream);
  EXPECT_NEAR(markedShare(s), 0.30, 0.04);
}

TEST(PacketSample, ValueAtTheStartOfTheStreamIsSampledAtItsShare) {
  // A reservoir that favoured recent items would forget these.
  const PacketSample s = sampleOf([](uint64_t i) { return i < kStream * 3 / 10; });
  EXPECT_NEAR(markedShare(s), 0.30, 0.04);
}

TEST(PacketSample, ValueAtTheEndOfTheStreamIsSampledAtItsShare) {
  // A reservoir that stopped replacing early would miss these.
  const PacketSample s = sampleOf([](uint64_t i) { return i >= kStream * 7 / 10; });
  EXPECT_NEAR(markedShare(s), 0.30, 0.04);
}

TEST(PacketSample, PositionsAreSpreadEvenlyOverTheStream) {
  const PacketSample s = sampleOf([](uint64_t) { return false; }, 42);
  std::array<int, 10> deciles{};
  for (const SampledPacket& p : s.items()) ++deciles[p.src.v4() / (kStream / 10)];
  for (std::size_t d = 0; d < deciles.size(); ++d) {
    EXPECT_NEAR(static_cast<double>(deciles[d]) / static_cast<double>(s.items().size()), 0.10, 0.03) << "decile " << d;
  }
}

TEST(PacketSample, SameSeedSameSample) {
  const auto marked = [](uint64_t i) { return i % 7 == 0; };
  const PacketSample a = sampleOf(marked, 99);
  const PacketSample b = sampleOf(marked, 99);
  EXPECT_TRUE(sameItems(a, b));
  const PacketSample c = sampleOf(marked, 100);
  EXPECT_FALSE(sameItems(a, c));
}

TEST(PacketSample, ClearStartsOverAsIfNew) {
  PacketSample fresh(128, 7);
  PacketSample reused(128, 7);
  for (uint64_t i = 0; i < 50'000; ++i) reused.add(recordAt(i + 1'000'000, true), PacketClass::kUdp);
  reused.clear();
  EXPECT_EQ(reused.seen(), 0u);
  EXPECT_TRUE(reused.items().empty());
  for (uint64_t i = 0; i < 20'000; ++i) {
    fresh.add(recordAt(i, false), PacketClass::kUdp);
    reused.add(recordAt(i, false), PacketClass::kUdp);
  }
  EXPECT_EQ(reused.seen(), 20'000u);
  EXPECT_EQ(reused.items().size(), 128u);
  EXPECT_TRUE(sameItems(fresh, reused));
  for (const SampledPacket& p : reused.items()) EXPECT_EQ(p.dst_port, 9) << "an item from before clear() survived";
}

}  // namespace
}  // namespace rampart::traffic

namespace rampart::traffic {
namespace {

// Two workers' samples of disjoint streams: the merge stands for both in proportion to what each saw.
TEST(PacketSampleMerge, SharesFollowWhatEachSideSaw) {
  PacketSample a(1024, 1);
  PacketSample b(1024, 2);
  for (uint64_t i = 0; i < 300'000; ++i) a.add(recordAt(i, true), PacketClass::kUdpNtp);
  for (uint64_t i = 0; i < 100'000; ++i) b.add(recordAt(i, false), PacketClass::kUdpNtp);
  PacketSample view(1024, 3);
  view.merge(a);
  view.merge(b);
  EXPECT_EQ(view.seen(), 400'000u);
  EXPECT_EQ(view.items().size(), 1024u);
  EXPECT_NEAR(markedShare(view), 0.75, 0.01);
}

TEST(PacketSampleMerge, SmallSidesAreKeptWhole) {
  PacketSample a(1024, 1);
  PacketSample b(1024, 2);
  for (uint64_t i = 0; i < 10; ++i) a.add(recordAt(i, true), PacketClass::kUdpNtp);
  for (uint64_t i = 0; i < 30; ++i) b.add(recordAt(i, false), PacketClass::kUdpNtp);
  PacketSample view(1024, 3);
  view.merge(a);
  view.merge(b);
  view.merge(PacketSample(1024, 4));  // an empty side changes nothing
  EXPECT_EQ(view.seen(), 40u);
  EXPECT_EQ(view.items().size(), 40u);
  EXPECT_DOUBLE_EQ(markedShare(view), 0.25);
}

TEST(PacketSampleMerge, ManySmallMergesStayUniform) {
  // Twenty sub-windows of one worker, each a fresh sample, folded one after another into a view:
  // the view must not favour the early or the late ones.
  PacketSample view(1024, 3);
  for (int w = 0; w < 20; ++w) {
    PacketSample part(1024, static_cast<uint64_t>(w) + 10);
    for (uint64_t i = 0; i < 50'000; ++i) part.add(recordAt(i, w < 5), PacketClass::kUdpNtp);
    view.merge(part);
  }
  EXPECT_EQ(view.seen(), 1'000'000u);
  EXPECT_EQ(view.items().size(), 1024u);
  EXPECT_NEAR(markedShare(view), 0.25, 0.04);
}

}  // namespace
}  // namespace rampart::traffic
