// SPDX-License-Identifier: Apache-2.0
// Learned baselines: the rolling profile and its percentile, the limits it adds to static ones,
// and the detector flagging a host at N x its group's normal rate, with a floor, without learning
// from attacked windows.
#include <gtest/gtest.h>

#include <vector>

#include "detect/baseline.h"
#include "detect/detector.h"

namespace rampart::detect {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kT0 = 1'700'000'000 * kSecond;

TEST(RateProfile, PercentileOfWhatItRemembers) {
  RateProfile p(100);
  EXPECT_EQ(p.percentilePps(0.95), 0u);
  for (uint64_t v = 1; v <= 100; ++v) p.add(v, v * 8);
  EXPECT_EQ(p.learned(), 100u);
  EXPECT_EQ(p.percentilePps(0.95), 96u);  // ceil(0.95 * 99) = 95th of 0..99
  EXPECT_EQ(p.percentilePps(0.5), 51u);
  EXPECT_EQ(p.percentileBps(1.0), 800u);
  EXPECT_EQ(p.percentilePps(0.0), 1u);
}

TEST(RateProfile, ForgetsTheOldestWindows) {
  RateProfile p(10);
  for (int i = 0; i < 10; ++i) p.add(100'000, 0);  // a busy hour long ago ...
  for (int i = 0; i < 10; ++i) p.add(500, 0);      // ... replaced by quiet ones
  EXPECT_EQ(p.learned(), 10u);
  EXPECT_EQ(p.percentilePps(1.0), 500u);
}

TEST(Baseline, LimitsAreTheLowerOfStaticAndLearnedWithAFloor) {
  BaselineConfig b;
  b.enabled = true;
  b.factor = 4;
  b.min_windows = 3;
  b.floor_pps = 1000;
  b.floor_bps = 1'000'000;
  RateProfile p(10);
  Thresholds fixed;
  fixed.pps = 50'000;
  fixed.bps = 0;  // off: the learned limit alone
  for (int i = 0; i < 2; ++i) p.add(2000, 8'000'000);
  EXPECT_FALSE(learnedLimits(b, p).ready);
  EXPECT_EQ(applyBaseline(fixed, b, learnedLimits(b, p)).pps, 50'000u);  // still learning
  p.add(2000, 8'000'000);
  const LearnedLimits l = learnedLimits(b, p);
  ASSERT_TRUE(l.ready);
  EXPECT_EQ(l.normal_pps, 2000u);
  EXPECT_EQ(applyBaseline(fixed, b, l).pps, 8000u);
  EXPECT_EQ(applyBaseline(fixed, b, l).bps, 32'000'000u);

  RateProfile quiet(10);
  for (int i = 0; i < 3; ++i) quiet.add(10, 1000);
  EXPECT_EQ(applyBaseline(fixed, b, learnedLimits(b, quiet)).pps, 1000u);  // the floor
  RateProfile busy(10);
  for (int i = 0; i < 3; ++i) busy.add(40'000, 0);
  EXPECT_EQ(applyBaseline(fixed, b, learnedLimits(b, busy)).pps, 50'000u);  // never above static

  b.enabled = false;
  EXPECT_FALSE(learnedLimits(b, p).ready);
}

// One host of a group with a static 50 kpps limit, a baseline of 4 x normal, floor 1000 pps.
class BaselineHarness {
 public:
  BaselineHarness() : detector_(config()), counters_(traffic::TrafficConfig{}, networks_, detector_.triggers()) {}

  static DetectorConfig config() {
    HostGroup g;
    g.name = "web";
    g.host = Thresholds{};
    g.host.pps = 50'000;
    g.prefix = Thresholds{};
    g.baseline.enabled = true;
    g.baseline.factor = 4;
    g.baseline.windows = 30;
    g.baseline.min_windows = 10;
    g.baseline.floor_pps = 1000;
    g.baseline.floor_bps = 1'000'000'000;
    DetectorConfig c;
    c.groups = {g};
    c.hold_down_ns = 2 * kSecond;
    return c;
  }

  // One window of `pps` QUIC-like packets to the host; returns its events.
  std::vector<AttackEvent> window(int pps) {
    for (int i = 0; i < pps; ++i) {
      core::FlowRecord r;
      r.src = core::IpAddress::fromV4(0xC6336401u + static_cast<uint32_t>(i % 50));
      r.dst = *core::IpAddress::parse("192.0.2.10");
      r.timestamp_ns = kT0 + window_ * kSecond + static_cast<uint64_t>(i);
      r.protocol = core::ip_proto::kUdp;
      r.src_port = static_cast<uint16_t>(40000 + i % 1000);
      r.dst_port = 443;
      r.ip_length = r.bytes = 1200;
      counters_.add(r);
    }
    auto events = detector_.onWindow(counters_, kT0 + window_ * kSecond, kSecond);
    counters_.resetWindow();
    ++window_;
    return events;
  }

 private:
  traffic::ProtectedNetworks networks_;
  Detector detector_;
  traffic::TrafficCounters counters_;
  uint64_t window_ = 0;
};

TEST(DetectorBaseline, StaticLimitsAloneWhileLearning) {
  BaselineHarness h;
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(h.window(100).empty());
  EXPECT_TRUE(h.window(5000).empty()) << "nine windows learned of ten: 5 kpps is under the static 50 kpps";
  EXPECT_EQ(h.window(60'000).size(), 1u);
}

TEST(DetectorBaseline, FlagsAHostAtFourTimesItsNormalRate) {
  BaselineHarness h;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(h.window(i % 2 == 0 ? 500 : 400).empty());
  EXPECT_TRUE(h.window(1900).empty()) << "under 4 x 500";
  const auto events = h.window(2500);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AttackEvent::Kind::kStarted);
  EXPECT_EQ(events[0].attack.normal_pps, 500u);
}

TEST(DetectorBaseline, TheFloorHoldsForAnIdleGroup) {
  BaselineHarness h;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(h.window(10).empty());
  EXPECT_TRUE(h.window(900).empty()) << "90 x normal, but under the 1000 pps floor";
  EXPECT_EQ(h.window(1100).size(), 1u);
}

TEST(DetectorBaseline, AttackedWindowsAreNotLearned) {
  BaselineHarness h;
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(h.window(500).empty());
  ASSERT_EQ(h.window(5000).size(), 1u);
  // Thirty windows of attack fill the profile's memory; if they were learned the limit would
  // climb to 20 kpps and the attack's second wave would pass unseen.
  for (int i = 0; i < 30; ++i) (void)h.window(5000);
  for (int i = 0; i < 3; ++i) (void)h.window(0);  // hold-down: the attack ends
  const auto second = h.window(5000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].kind, AttackEvent::Kind::kStarted);
}

TEST(DetectorBaseline, TriggersStartDeepStatsBelowTheFloor) {
  const Detector d(BaselineHarness::config());
  ASSERT_EQ(d.triggers().size(), 1u);
  EXPECT_EQ(d.triggers()[0].host_packets, 250u);  // floor / 4, not the static 50 k / 4
}

}  // namespace
}  // namespace rampart::detect
