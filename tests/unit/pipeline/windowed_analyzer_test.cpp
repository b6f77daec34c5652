// SPDX-License-Identifier: Apache-2.0
// The one pipeline driven on explicit time: early starts while a window is open, a window judged
// at its end, a jump back in time, and attacks handed from one analyzer to the next (a reload)
// going on under their ids.
#include <gtest/gtest.h>

#include <vector>

#include "pipeline/windowed_analyzer.h"

namespace rampart::pipeline {
namespace {

using detect::AttackEvent;

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kT0 = 1'700'000'000 * kSecond;

struct Recorder final : AttackSink {
  struct Seen {
    AttackEvent::Kind kind;
    uint64_t id;
    uint64_t now_ns;
  };
  std::vector<Seen> seen;
  void onAttackEvents(std::span<const AttackEvent> events, uint64_t now_ns) override {
    for (const auto& e : events) seen.push_back({e.kind, e.attack.id, now_ns});
  }
  [[nodiscard]] std::size_t count(AttackEvent::Kind k) const {
    std::size_t n = 0;
    for (const auto& s : seen) n += s.kind == k;
    return n;
  }
};

AnalyzerSettings settings() {
  AnalyzerSettings s;
  detect::HostGroup g;
  g.host.pps = 1000;
  s.detector.groups = {g};
  s.detector.hold_down_ns = 2 * kSecond;
  return s;
}

core::FlowRecord synTo(const char* dst, uint64_t ts, uint32_t source) {
  core::FlowRecord r;
  r.src = core::IpAddress::fromV4(0x0a000000u + source);
  r.dst = *core::IpAddress::parse(dst);
  r.protocol = 6;
  r.dst_port = 80;
  r.tcp_flags = 0x02;
  r.ip_length = 40;
  r.bytes = 40;
  r.ttl = 64;
  r.timestamp_ns = ts;
  return r;
}

// `pps` SYNs a second to the victim from `from` to `to`, time moved along with them every ms.
void flood(WindowedAnalyzer& a, uint64_t from, uint64_t to, uint64_t pps) {
  uint32_t source = 0;
  uint64_t sent = 0;
  for (uint64_t t = from, ms = 1; t < to; t += kMs, ++ms) {
    (void)a.advanceTo(t);
    for (; sent < ms * pps / 1000; ++sent) a.addRecord(synTo("192.0.2.10", t, source++ % 5000));
  }
}

TEST(WindowedAnalyzer, AFloodOfTenTimesTheLimitStartsBeforeItsWindowEnds) {
  const AnalyzerSettings s = settings();
  Recorder sink;
  WindowedAnalyzer a(s, sink);
  (void)a.advanceTo(kT0);
  EXPECT_EQ(a.nextDue(), kT0 + s.early_check_ns);
  flood(a, kT0, kT0 + 300 * kMs, 10'000);
  ASSERT_EQ(sink.count(AttackEvent::Kind::kStarted), 1u);
  EXPECT_LT(sink.seen[0].now_ns, kT0 + 200 * kMs);  // within a few early checks, not at 1 s
}

TEST(WindowedAnalyzer, AFloodJustOverTheLimitStartsWhenItsWindowCloses) {
  const AnalyzerSettings s = settings();
  Recorder sink;
  WindowedAnalyzer a(s, sink);
  // Early checks every 50 ms: 1,020 pps reaches the limit's 1,000 packets only in the last 50 ms.
  flood(a, kT0, kT0 + kSecond, 1020);
  EXPECT_EQ(sink.count(AttackEvent::Kind::kStarted), 0u);
  EXPECT_EQ(a.advanceTo(kT0 + kSecond), WindowedAnalyzer::Step::kWindowClosed);
  EXPECT_EQ(sink.count(AttackEvent::Kind::kStarted), 1u);
  EXPECT_EQ(a.windowStart(), kT0 + kSecond);
}

TEST(WindowedAnalyzer, TimeGoingBackEndsEveryAttack) {
  const AnalyzerSettings s = settings();
  Recorder sink;
  WindowedAnalyzer a(s, sink);
  flood(a, kT0, kT0 + 2 * kSecond, 5000);
  ASSERT_EQ(sink.count(AttackEvent::Kind::kEnded), 0u);
  EXPECT_EQ(a.advanceTo(kT0 - 3600 * kSecond), WindowedAnalyzer::Step::kWindowClosed);
  EXPECT_EQ(sink.count(AttackEvent::Kind::kEnded), 1u);
}

TEST(WindowedAnalyzer, AnAttackHandedToTheNextAnalyzerGoesOnUnderItsId) {
  const AnalyzerSettings s = settings();
  Recorder sink;
  auto first = std::make_unique<WindowedAnalyzer>(s, sink);
  flood(*first, kT0, kT0 + 2500 * kMs, 5000);
  ASSERT_EQ(sink.count(AttackEvent::Kind::kStarted), 1u);
  const uint64_t id = sink.seen[0].id;

  AnalyzerSettings changed = settings();
  changed.detector.hold_down_ns = 3 * kSecond;
  detect::DetectorCarryover carried = first->handOver();
  ASSERT_EQ(carried.active.size(), 1u);
  first.reset();  // nothing ends with it
  EXPECT_EQ(sink.count(AttackEvent::Kind::kEnded), 0u);

  WindowedAnalyzer second(changed, sink);
  second.adopt(std::move(carried));
  EXPECT_EQ(second.detector().activeAttacks(), 1u);
  flood(second, kT0 + 2500 * kMs, kT0 + 5 * kSecond, 5000);
  (void)second.advanceTo(kT0 + 12 * kSecond);  // past the hold-down
  EXPECT_EQ(sink.count(AttackEvent::Kind::kStarted), 1u) << "the flood was started again after the hand-over";
  ASSERT_EQ(sink.count(AttackEvent::Kind::kEnded), 1u);
  for (const auto& e : sink.seen) EXPECT_EQ(e.id, id);

  // A new attack after it takes the next id, not one the first analyzer gave already.
  flood(second, kT0 + 13 * kSecond, kT0 + 14 * kSecond, 5000);
  second.finish();
  EXPECT_GT(sink.seen.back().id, id);
}

}  // namespace
}  // namespace rampart::pipeline
