// SPDX-License-Identifier: Apache-2.0
// FlowSpreader: a flow record's packets are divided over the windows of its duration, the totals
// kept exactly, and the store bounded.
#include <gtest/gtest.h>

#include <vector>

#include "traffic/flow_spreader.h"

namespace rampart::traffic {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

core::FlowRecord flow(uint32_t packets, uint64_t bytes, uint64_t duration_ns) {
  core::FlowRecord r;
  r.src = *core::IpAddress::parse("203.0.113.7");
  r.dst = *core::IpAddress::parse("192.0.2.10");
  r.protocol = core::ip_proto::kUdp;
  r.packets = packets;
  r.bytes = bytes;
  r.duration_ns = duration_ns;
  return r;
}

// Packets counted in each window: the admitted share, then what each later window adds.
std::vector<uint64_t> perWindow(FlowSpreader& s, const std::vector<core::FlowRecord>& records, int windows) {
  std::vector<uint64_t> out(windows, 0);
  for (const auto& r : records) out[0] += s.admit(r).packets;
  for (int w = 1; w < windows; ++w) {
    s.onWindow([&](const core::FlowRecord& share) { out[w] += share.packets; });
  }
  return out;
}

TEST(FlowSpreader, ShortFlowCountsAtOnce) {
  FlowSpreader s({});
  const auto got = s.admit(flow(1000, 64000, kSecond / 2));
  EXPECT_EQ(got.packets, 1000u);
  EXPECT_EQ(got.bytes, 64000u);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(FlowSpreader, TwoSecondFlowGivesTheRateInEachOfTwoWindows) {
  FlowSpreader s({});
  EXPECT_EQ(perWindow(s, {flow(200'000, 12'800'000, 2 * kSecond)}, 4), (std::vector<uint64_t>{100'000, 100'000, 0, 0}));
  EXPECT_EQ(s.pending(), 0u);
  EXPECT_EQ(s.stats().flows_spread, 1u);
}

TEST(FlowSpreader, PartWindowRoundsUpAndRemaindersKeepTheTotal) {
  FlowSpreader s({});
  const auto w = perWindow(s, {flow(1001, 1001 * 60 + 2, 2 * kSecond + 1)}, 5);
  EXPECT_EQ(w, (std::vector<uint64_t>{335, 333, 333, 0, 0}));
  FlowSpreader t({});
  uint64_t bytes = t.admit(flow(1001, 1001 * 60 + 2, 2 * kSecond + 1)).bytes;
  t.onWindow([&](const core::FlowRecord& r) { bytes += r.bytes; });
  t.onWindow([&](const core::FlowRecord& r) { bytes += r.bytes; });
  EXPECT_EQ(bytes, 1001u * 60 + 2);
}

TEST(FlowSpreader, NeverFinerThanOnePacketPerWindow) {
  FlowSpreader s({});
  EXPECT_EQ(perWindow(s, {flow(3, 180, 10 * kSecond)}, 5), (std::vector<uint64_t>{1, 1, 1, 0, 0}));
}

TEST(FlowSpreader, LongFlowsAreCappedAtMaxWindows) {
  FlowSpreader s({.max_windows = 4});
  EXPECT_EQ(perWindow(s, {flow(4000, 4000, 60 * kSecond)}, 6), (std::vector<uint64_t>{1000, 1000, 1000, 1000, 0, 0}));
}

TEST(FlowSpreader, FullStoreCountsNewRecordsAtOnce) {
  FlowSpreader s({.max_pending = 1});
  EXPECT_EQ(s.admit(flow(100, 100, 2 * kSecond)).packets, 50u);
  EXPECT_EQ(s.admit(flow(100, 100, 2 * kSecond)).packets, 100u);
  EXPECT_EQ(s.stats().flows_unspread, 1u);
  EXPECT_EQ(s.pending(), 1u);
}

TEST(FlowSpreader, ASteadyStreamOfRecordsShowsASteadyRate) {
  // An exporter with a 2 s active timeout sends, every 2 s, a record of the past 2 s of a
  // 50 kpps flood: counted at arrival it would read 100 k, 0, 100 k, 0 ...
  FlowSpreader s({});
  std::vector<uint64_t> seen;
  for (int w = 0; w < 8; ++w) {
    uint64_t n = 0;
    if (w > 0) s.onWindow([&](const core::FlowRecord& r) { n += r.packets; });
    if (w % 2 == 0) n += s.admit(flow(100'000, 100'000 * 60, 2 * kSecond)).packets;
    seen.push_back(n);
  }
  EXPECT_EQ(seen, (std::vector<uint64_t>(8, 50'000)));
}

}  // namespace
}  // namespace rampart::traffic
