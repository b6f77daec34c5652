// SPDX-License-Identifier: Apache-2.0
// Shards of capture workers folded into one view: the view sees the window one counter would have
// seen; shards drop deep stats at each reset and sample the view's busy targets from the start.
#include <memory>

#include "traffic_counters_test_util.h"

// --- shards folded into a view ------------------------------------------------------------------

namespace rampart::traffic {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test helpers

TrafficConfig shardConfig() {
  TrafficConfig c;
  c.shard = true;
  return c;
}

// A host flooded from many sources and a /24 whose hosts each get a little, counted once by one
// instance and once split over two shards (as fanout would) folded into a view sub-window by
// sub-window: the view must see the same window.
TEST(TrafficCountersShards, ViewOfTwoShardsEqualsOneCounter) {
  const ProtectedNetworks everything;
  const std::vector<GroupTrigger> triggers = {hostTrigger(100)};
  TrafficCounters whole(TrafficConfig{}, everything, triggers);
  TrafficCounters view(TrafficConfig{}, everything, triggers);
  TrafficCounters a(shardConfig(), everything, triggers);
  TrafficCounters b(shardConfig(), everything, triggers);
  std::vector<FlowRecord> records;
  for (int i = 0; i < 3000; ++i) {
    records.push_back(syn(("198.51." + std::to_string(i % 200) + ".1").c_str(), "192.0.2.10"));
  }
  for (int i = 0; i < 40; ++i) records.push_back(ntp("198.51.100.2", ("203.0.113." + std::to_string(i)).c_str()));
  for (std::size_t i = 0; i < records.size(); ++i) {
    whole.add(records[i]);
    ((i % 3 == 0) ? a : b).add(records[i]);
    if (i % 1000 == 999) {  // a sub-window ends: both shards fold in and start again
      for (TrafficCounters* s : {&a, &b}) {
        view.merge(*s);
        s->resetWindow();
      }
    }
  }
  for (TrafficCounters* s : {&a, &b}) view.merge(*s);

  const Window w = snapshot(whole);
  const Window v = snapshot(view);
  ASSERT_EQ(v.hosts.size(), w.hosts.size());
  ASSERT_EQ(v.prefixes.size(), w.prefixes.size());
  for (const auto* list : {&w.hosts, &w.prefixes}) {
    for (const TargetSlot& s : *list) {
      const auto m = v.find(s.key);
      ASSERT_TRUE(m) << s.key.toString();
      EXPECT_EQ(m->counts.packets, s.counts.packets) << s.key.toString();
      EXPECT_EQ(m->counts.bytes, s.counts.bytes) << s.key.toString();
      EXPECT_EQ(m->counts.of(PacketClass::kTcpSyn).packets, s.counts.of(PacketClass::kTcpSyn).packets);
      EXPECT_EQ(m->hosts, s.hosts) << s.key.toString();
      EXPECT_EQ(m->max_host_packets, s.max_host_packets) << s.key.toString();
    }
  }
  EXPECT_EQ(view.stats().records, whole.stats().records);
  const auto victim = v.find(hostKey("192.0.2.10"));
  ASSERT_TRUE(victim && victim->deep != nullptr);
  EXPECT_NEAR(victim->deep->sources.estimate(), 200.0, 12.0);
  // The shards' samples were fresh each sub-window; the view's covers the whole window.
  // Each shard samples from the record that crossed its trigger (100) within a sub-window.
  EXPECT_GE(victim->deep->sample.seen(), 2400u);
  EXPECT_LE(victim->deep->sample.seen(), 3000u);
}

TEST(TrafficCountersShards, ShardsDropDeepStatsAtEveryResetAndSampleHotKeysFromTheStart) {
  const ProtectedNetworks everything;
  TrafficCounters shard(shardConfig(), everything, {hostTrigger(100)});
  for (int i = 0; i < 150; ++i) shard.add(syn("198.51.100.1", "192.0.2.10"));
  EXPECT_EQ(shard.deepInUse(), 1u);
  shard.resetWindow();
  EXPECT_EQ(shard.deepInUse(), 0u) << "the view holds what lasts";
  EXPECT_EQ(shard.stats().records, 0u) << "stats were folded into the view";

  auto hot = std::make_shared<TargetKeySet>();
  hot->insert(hostKey("192.0.2.10"));
  shard.setHotKeys(hot);
  shard.add(syn("198.51.100.1", "192.0.2.10"));
  shard.add(syn("198.51.100.1", "192.0.2.11"));
  const Window w = snapshot(shard);
  const auto victim = w.find(hostKey("192.0.2.10"));
  ASSERT_TRUE(victim);
  ASSERT_NE(victim->deep, nullptr);
  EXPECT_EQ(victim->deep->sample.seen(), 1u);
  EXPECT_EQ(w.find(hostKey("192.0.2.11"))->deep, nullptr);
}

TEST(TrafficCountersShards, ViewDeepKeysLeaveOutReleasedTargets) {
  const ProtectedNetworks everything;
  TrafficCounters view(TrafficConfig{}, everything, {hostTrigger(10)});
  for (int i = 0; i < 20; ++i) view.add(syn("198.51.100.1", "192.0.2.10"));
  for (int i = 0; i < 20; ++i) view.add(syn("198.51.100.1", "192.0.2.20"));
  EXPECT_EQ(view.deepKeys().size(), 2u);
  view.releaseDeep(hostKey("192.0.2.20"));
  const TargetKeySet keys = view.deepKeys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_TRUE(keys.contains(hostKey("192.0.2.10")));
}

}  // namespace
}  // namespace rampart::traffic
