// SPDX-License-Identifier: Apache-2.0
// TrafficCounters: which target a record counts for, per-prefix aggregates, sampling, and the life
// of deep stats (attach at the trigger, keep while hot, free when idle or released), within caps.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "traffic_counters_test_util.h"

namespace rampart::traffic {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test helpers

// --- every address protected ----------------------------------------------------------------

TEST(TrafficCountersEverything, CountsPerDestinationHostAndPerSlash24) {
  const ProtectedNetworks everything;
  TrafficCounters c(TrafficConfig{}, everything, {neverTrigger()});
  for (int i = 0; i < 3; ++i) c.add(syn("198.51.100.1", "192.0.2.1"));
  for (int i = 0; i < 5; ++i) c.add(ntp("198.51.100.2", "192.0.2.2"));
  for (int i = 0; i < 2; ++i) c.add(syn("198.51.100.1", "203.0.113.7"));
  c.add(syn("198.51.100.1", "192.0.2.1"));  // back to the first host after others

  const Window w = snapshot(c);
  ASSERT_EQ(w.hosts.size(), 3u);
  ASSERT_EQ(w.prefixes.size(), 2u);

  const auto h1 = w.find(hostKey("192.0.2.1"));
  ASSERT_TRUE(h1);
  EXPECT_EQ(h1->counts.packets, 4u);
  EXPECT_EQ(h1->counts.bytes, 240u);
  EXPECT_EQ(h1->counts.of(PacketClass::kTcpSyn).packets, 4u);
  EXPECT_EQ(h1->group, 0u);
  const auto h2 = w.find(hostKey("192.0.2.2"));
  ASSERT_TRUE(h2);
  EXPECT_EQ(h2->counts.packets, 5u);
  EXPECT_EQ(h2->counts.bytes, 5u * 468);
  EXPECT_EQ(h2->counts.of(PacketClass::kUdpNtp).packets, 5u);
  EXPECT_EQ(h2->counts.udp().packets, 5u);
  EXPECT_EQ(h2->counts.tcp().packets, 0u);

  const auto p = w.find(prefixKey("192.0.2.0/24"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->counts.packets, 9u);
  EXPECT_EQ(p->counts.of(PacketClass::kTcpSyn).packets, 4u);
  EXPECT_EQ(p->counts.of(PacketClass::kUdpNtp).packets, 5u);
  EXPECT_EQ(p->hosts, 2u);
  EXPECT_EQ(p->max_host_packets, 5u);
  EXPECT_EQ(p->key.toString(), "192.0.2.0/24");

  const auto q = w.find(prefixKey("203.0.113.0/24"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->counts.packets, 2u);
  EXPECT_EQ(q->hosts, 1u);
  EXPECT_EQ(q->max_host_packets, 2u);

  // Hosts point at their prefix aggregate.
  EXPECT_EQ(w.prefixes[h1->parent].key, prefixKey("192.0.2.0/24"));
  EXPECT_EQ(h1->parent, h2->parent);

  EXPECT_EQ(c.stats().records, 11u);
  EXPECT_EQ(c.stats().unprotected, 0u);
}

TEST(TrafficCountersEverything, SourceIsNeverATarget) {
  const ProtectedNetworks everything;
  TrafficCounters c(TrafficConfig{}, everything, {neverTrigger()});
  c.add(syn("198.51.100.1", "192.0.2.1"));
  c.add(syn("192.0.2.1", "198.51.100.1"));  // the reply: incoming to 198.51.100.1
  const Window w = snapshot(c);
  EXPECT_EQ(w.hosts.size(), 2u);
  for (const TargetSlot& s : w.hosts) EXPECT_EQ(s.key.direction, Direction::kIncoming);
  EXPECT_TRUE(w.find(hostKey("198.51.100.1")));
  EXPECT_FALSE(w.find(hostKey("192.0.2.1", Direction::kOutgoing)));
}

TEST(TrafficCountersEverything, Ipv6AggregatesPerSlash48AndConfigurableLengths) {
  const ProtectedNetworks everything;
  TrafficConfig config;
  config.aggregate_v4 = 16;
  TrafficCounters c(config, everything, {neverTrigger()});
  c.add(syn("2001:db8::1", "2001:db8:1:2::1"));
  c.add(syn("2001:db8::1", "2001:db8:1:ffff::2"));
  c.add(syn("198.51.100.1", "192.0.2.1"));
  c.add(syn("198.51.100.1", "192.0.200.1"));
  const Window w = snapshot(c);
  const auto v6 = w.find(prefixKey("2001:db8:1::/48"));
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->hosts, 2u);
  EXPECT_EQ(v6->counts.packets, 2u);
  const auto v4 = w.find(prefixKey("192.0.0.0/16"));
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->hosts, 2u);
  EXPECT_EQ(w.prefixes.size(), 2u);
}

TEST(TrafficCountersEverything, MaxHostPacketsIsTheBusiestHost) {
  const ProtectedNetworks everything;
  TrafficCounters c(TrafficConfig{}, everything, {neverTrigger()});
  for (int h = 1; h <= 20; ++h) {
    const std::string dst = "192.0.2." + std::to_string(h);
    for (int i = 0; i < h; ++i) c.add(syn("198.51.100.1", dst.c_str()));
  }
  const Window w = snapshot(c);
  const auto p = w.find(prefixKey("192.0.2.0/24"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->hosts, 20u);
  EXPECT_EQ(p->counts.packets, 210u);
  EXPECT_EQ(p->max_host_packets, 20u);
}

TEST(TrafficCountersEverything, ResetWindowEmptiesTheTables) {
  const ProtectedNetworks everything;
  TrafficCounters c(TrafficConfig{}, everything, {neverTrigger()});
  c.add(syn("198.51.100.1", "192.0.2.1"));
  c.resetWindow();
  Window w = snapshot(c);
  EXPECT_TRUE(w.hosts.empty());
  EXPECT_TRUE(w.prefixes.empty());
  c.add(syn("198.51.100.1", "192.0.2.1"));  // the cached last host must not survive the reset
  w = snapshot(c);
  ASSERT_EQ(w.hosts.size(), 1u);
  EXPECT_EQ(w.hosts[0].counts.packets, 1u);
  ASSERT_EQ(w.prefixes.size(), 1u);
  EXPECT_EQ(w.prefixes[0].counts.packets, 1u);
  EXPECT_EQ(w.prefixes[0].hosts, 1u);
  EXPECT_EQ(c.stats().records, 2u);  // stats are cumulative
}

TEST(TrafficCountersEverything, SamplingRateMultipliesCounts) {
  const ProtectedNetworks everything;
  TrafficCounters c(TrafficConfig{}, everything, {neverTrigger()});
  FlowRecord r = syn("198.51.100.1", "192.0.2.1", /*packets=*/2, /*bytes=*/120);
  r.sampling_rate = 100;
  c.add(r);
  FlowRecord f = ntp("198.51.100.1", "192.0.2.1");
  f.fragment = FlowRecord::kFragmented;
  f.sampling_rate = 10;
  c.add(f);
  const Window w = snapshot(c);
  const auto h = w.find(hostKey("192.0.2.1"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->counts.of(PacketClass::kTcpSyn).packets, 200u);
  EXPECT_EQ(h->counts.of(PacketClass::kTcpSyn).bytes, 12'000u);
  EXPECT_EQ(h->counts.of(PacketClass::kUdpNtp).packets, 10u);
  EXPECT_EQ(h->counts.of(PacketClass::kUdpNtp).bytes, 4'680u);
  EXPECT_EQ(h->counts.packets, 210u);
  EXPECT_EQ(h->counts.bytes, 16'680u);
  EXPECT_EQ(h->counts.fragments, 10u);
  const auto p = w.find(prefixKey("192.0.2.0/24"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->counts.packets, 210u);
  EXPECT_EQ(p->max_host_packets, 210u);
  EXPECT_EQ(c.stats().records, 2u);
}

// --- configured protected networks ------------------------------------------------------------

class TrafficCountersNetworks : public ::testing::Test {
 protected:
  TrafficCountersNetworks() {
    EXPECT_TRUE(networks_.add(net("192.0.2.0/24"), 1));
    EXPECT_TRUE(networks_.add(net("203.0.113.5/32"), 2));
    EXPECT_TRUE(networks_.add(net("2001:db8:5::/48"), 0));
  }
  std::vector<GroupTrigger> triggers() const {
    return {hostTrigger(1000), hostTrigger(2000), GroupTrigger{3000, 3001, 3002, 3003}};
  }
  ProtectedNetworks networks_;
};

TEST_F(TrafficCountersNetworks, IncomingToProtectedDestination) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  c.add(syn("198.51.100.1", "192.0.2.10"));
  c.add(syn("198.51.100.2", "192.0.2.10"));
  const Window w = snapshot(c);
  ASSERT_EQ(w.hosts.size(), 1u);
  EXPECT_EQ(w.hosts[0].key, hostKey("192.0.2.10"));
  EXPECT_EQ(w.hosts[0].counts.packets, 2u);
  EXPECT_EQ(w.hosts[0].group, 1u);
  EXPECT_EQ(w.hosts[0].trigger_packets, 2000u);
  ASSERT_EQ(w.prefixes.size(), 1u);
  EXPECT_EQ(w.prefixes[0].key, prefixKey("192.0.2.0/24"));  // the configured network, not a /24 guess
  EXPECT_EQ(w.prefixes[0].group, 1u);
  EXPECT_EQ(w.prefixes[0].counts.packets, 2u);
  EXPECT_EQ(w.prefixes[0].hosts, 1u);
}

TEST_F(TrafficCountersNetworks, OutgoingFromProtectedSource) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  c.add(syn("192.0.2.20", "198.51.100.1"));
  c.add(syn("192.0.2.20", "198.51.100.2"));
  c.add(syn("2001:db8:5::7", "2001:db8:9::1"));
  const Window w = snapshot(c);
  ASSERT_EQ(w.hosts.size(), 2u);
  const auto out = w.find(hostKey("192.0.2.20", Direction::kOutgoing));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->counts.packets, 2u);
  EXPECT_EQ(out->group, 1u);
  EXPECT_EQ(out->parent, kNoSlot);  // prefix totals are for incoming traffic only
  EXPECT_FALSE(w.find(hostKey("192.0.2.20")));
  const auto out6 = w.find(hostKey("2001:db8:5::7", Direction::kOutgoing));
  ASSERT_TRUE(out6);
  EXPECT_EQ(out6->group, 0u);
  EXPECT_TRUE(w.prefixes.empty());
}

TEST_F(TrafficCountersNetworks, HostPrefixHasNoAggregate) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  c.add(syn("198.51.100.1", "203.0.113.5"));
  const Window w = snapshot(c);
  ASSERT_EQ(w.hosts.size(), 1u);
  EXPECT_EQ(w.hosts[0].group, 2u);
  EXPECT_EQ(w.hosts[0].trigger_packets, 3000u);
  EXPECT_EQ(w.hosts[0].trigger_bytes, 3001u);
  EXPECT_EQ(w.hosts[0].parent, kNoSlot);
  EXPECT_TRUE(w.prefixes.empty());
}

TEST_F(TrafficCountersNetworks, UnprotectedTrafficIsOnlyCountedInStats) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  c.add(syn("198.51.100.1", "198.51.100.2"));
  c.add(syn("203.0.113.6", "203.0.113.4"));  // neighbours of the protected /32
  c.add(syn("198.51.100.1", "192.0.2.10"));
  const Window w = snapshot(c);
  EXPECT_EQ(w.hosts.size(), 1u);
  EXPECT_EQ(c.stats().unprotected, 2u);
  EXPECT_EQ(c.stats().records, 3u);
}

TEST_F(TrafficCountersNetworks, GroupWithoutTriggerUsesTheFirst) {
  ProtectedNetworks networks;
  ASSERT_TRUE(networks.add(net("192.0.2.0/24"), 7));
  TrafficCounters c(TrafficConfig{}, networks, {hostTrigger(1234)});
  c.add(syn("198.51.100.1", "192.0.2.1"));
  const Window w = snapshot(c);
  ASSERT_EQ(w.hosts.size(), 1u);
  EXPECT_EQ(w.hosts[0].group, 7u);
  EXPECT_EQ(w.hosts[0].trigger_packets, 1234u);
}

TEST_F(TrafficCountersNetworks, RepliesAndRequestsOfOneHostKeepTheirDirections) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  for (int i = 0; i < 3; ++i) {  // interleaved, so the cached last host is wrong every time
    c.add(syn("198.51.100.1", "192.0.2.10"));
    c.add(syn("192.0.2.10", "198.51.100.1"));
  }
  const Window w = snapshot(c);
  const auto in = w.find(hostKey("192.0.2.10"));
  const auto out = w.find(hostKey("192.0.2.10", Direction::kOutgoing));
  ASSERT_TRUE(in);
  ASSERT_TRUE(out);
  EXPECT_EQ(in->counts.packets, 3u);
  EXPECT_EQ(out->counts.packets, 3u);
  EXPECT_EQ(w.prefixes.at(0).counts.packets, 3u);
}

// A record between two protected hosts counts for its destination, also when its source already
// has an outgoing slot in the window (an earlier shortcut reused that slot, so an attack from a
// busy protected host on a protected neighbour went unseen, depending on the order of records).
TEST_F(TrafficCountersNetworks, TrafficBetweenProtectedHostsCountsForTheDestinationAfterOutgoing) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  c.add(syn("192.0.2.20", "198.51.100.1"));  // 192.0.2.20 talks to the Internet: outgoing slot
  for (int i = 0; i < 4; ++i) c.add(syn("192.0.2.20", "192.0.2.30"));
  const Window w = snapshot(c);
  const auto victim = w.find(hostKey("192.0.2.30"));
  ASSERT_TRUE(victim) << "traffic to protected 192.0.2.30 was not counted as incoming";
  EXPECT_EQ(victim->counts.packets, 4u);
  const auto out = w.find(hostKey("192.0.2.20", Direction::kOutgoing));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->counts.packets, 1u);
}

TEST_F(TrafficCountersNetworks, TrafficBetweenProtectedHostsWithoutPriorOutgoingCountsForTheDestination) {
  TrafficCounters c(TrafficConfig{}, networks_, triggers());
  for (int i = 0; i < 4; ++i) c.add(syn("192.0.2.20", "192.0.2.30"));
  const Window w = snapshot(c);
  const auto victim = w.find(hostKey("192.0.2.30"));
  ASSERT_TRUE(victim);
  EXPECT_EQ(victim->counts.packets, 4u);
  EXPECT_FALSE(w.find(hostKey("192.0.2.20", Direction::kOutgoing)));
}

// --- deep stats -------------------------------------------------------------------------------

class TrafficCountersDeep : public ::testing::Test {
 protected:
  static constexpr uint64_t kTrigger = 100;
  TrafficCounters make(TrafficConfig config = {}) {
    return TrafficCounters(config, everything_, {hostTrigger(kTrigger)});
  }
  static void flood(TrafficCounters& c, const char* dst, int packets) {
    for (int i = 0; i < packets; ++i) {
      FlowRecord r = syn("198.51.100.1", dst);
      r.src = IpAddress::fromV4(0x0A000000u + static_cast<uint32_t>(i));
      c.add(r);
    }
  }
  static std::optional<TargetSlot> host(TrafficCounters& c, const char* a) { return snapshot(c).find(hostKey(a)); }

  ProtectedNetworks everything_;
};

TEST_F(TrafficCountersDeep, AttachOnlyAtTheTrigger) {
  TrafficCounters c = make();
  flood(c, "192.0.2.1", kTrigger - 1);
  auto h = host(c, "192.0.2.1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->deep, nullptr);
  EXPECT_EQ(c.deepInUse(), 0u);
  flood(c, "192.0.2.1", 1);
  h = host(c, "192.0.2.1");
  ASSERT_NE(h->deep, nullptr);
  EXPECT_EQ(c.deepInUse(), 1u);
  flood(c, "192.0.2.1", 50);
  h = host(c, "192.0.2.1");
  // Packets after the attachment are sampled (the one that reached the trigger may or may not be).
  EXPECT_GE(h->deep->sample.seen(), 50u);
  EXPECT_LE(h->deep->sample.seen(), 51u);
  EXPECT_NEAR(h->deep->sources.estimate(), 50.0, 2.0);
  // The prefix has its own trigger (never here).
  const auto p = snapshot(c).find(prefixKey("192.0.2.0/24"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->deep, nullptr);
}

TEST_F(TrafficCountersDeep, ByteTriggerAttachesToo) {
  const ProtectedNetworks everything;
  GroupTrigger t = neverTrigger();
  t.host_bytes = 1000;
  TrafficCounters c(TrafficConfig{}, everything, {t});
  c.add(syn("198.51.100.1", "192.0.2.1", 1, 999));
  EXPECT_EQ(c.deepInUse(), 0u);
  c.add(syn("198.51.100.1", "192.0.2.1", 1, 1));
  EXPECT_EQ(c.deepInUse(), 1u);
}

TEST_F(TrafficCountersDeep, PrefixTriggerAttachesToThePrefix) {
  const ProtectedNetworks everything;
  GroupTrigger t = neverTrigger();
  t.prefix_packets = 40;
  TrafficCounters c(TrafficConfig{}, everything, {t});
  for (int h = 1; h <= 40; ++h) c.add(syn("198.51.100.1", ("192.0.2." + std::to_string(h)).c_str()));
  const Window w = snapshot(c);
  ASSERT_EQ(w.prefixes.size(), 1u);
  EXPECT_NE(w.prefixes[0].deep, nullptr);
  for (const TargetSlot& s : w.hosts) EXPECT_EQ(s.deep, nullptr);
  EXPECT_EQ(c.deepInUse(), 1u);
}

TEST_F(TrafficCountersDeep, PersistAcrossWindowsWhileHot) {
  TrafficCounters c = make();
  flood(c, "192.0.2.1", 200);
  const DeepStats* first = host(c, "192.0.2.1")->deep;
  ASSERT_NE(first, nullptr);
  const uint64_t seen_before = first->sample.seen();
  c.resetWindow();
  EXPECT_EQ(c.deepInUse(), 1u);
  flood(c, "192.0.2.1", 1);  // below the trigger, yet the kept stats attach at once
  const auto h = host(c, "192.0.2.1");
  EXPECT_EQ(h->deep, first);
  EXPECT_EQ(h->deep->sample.seen(), seen_before + 1);
  flood(c, "192.0.2.1", 200);
  c.resetWindow();
  EXPECT_EQ(c.deepInUse(), 1u);
}

TEST_F(TrafficCountersDeep, FreedAfterIdleWindows) {
  TrafficConfig config;
  config.deep_idle_windows = 3;
  TrafficCounters c = make(config);
  flood(c, "192.0.2.1", 200);
  c.resetWindow();  // hot
  // Windows with some traffic below the trigger are idle too.
  flood(c, "192.0.2.1", 10);
  c.resetWindow();  // idle 1
  c.resetWindow();  // idle 2
  c.resetWindow();  // idle 3: deep_idle_windows windows below the trigger are tolerated ...
  EXPECT_EQ(c.deepInUse(), 1u) << "freed before deep_idle_windows idle windows";
  c.resetWindow();  // ... the next one frees
  EXPECT_EQ(c.deepInUse(), 0u) << "kept after more than deep_idle_windows idle windows";
  flood(c, "192.0.2.1", 1);
  EXPECT_EQ(host(c, "192.0.2.1")->deep, nullptr);
}

TEST_F(TrafficCountersDeep, HotWindowRestartsTheIdleCount) {
  TrafficConfig config;
  config.deep_idle_windows = 2;
  TrafficCounters c = make(config);
  for (int round = 0; round < 5; ++round) {
    flood(c, "192.0.2.1", 200);
    c.resetWindow();  // hot
    c.resetWindow();  // idle 1
    c.resetWindow();  // idle 2
    ASSERT_EQ(c.deepInUse(), 1u) << "round " << round;
  }
  c.resetWindow();  // idle 3
  EXPECT_EQ(c.deepInUse(), 0u);
}

TEST_F(TrafficCountersDeep, ReleaseFreesAtTheNextReset) {
  TrafficCounters c = make();
  flood(c, "192.0.2.1", 300);
  ASSERT_EQ(c.deepInUse(), 1u);
  c.releaseDeep(hostKey("192.0.2.1"));
  EXPECT_EQ(c.deepInUse(), 1u);  // the window's visit may still read it
  EXPECT_NE(host(c, "192.0.2.1")->deep, nullptr);
  c.resetWindow();
  EXPECT_EQ(c.deepInUse(), 0u);
  // A later attack starts with a fresh sample.
  flood(c, "192.0.2.1", kTrigger + 10);
  const auto h = host(c, "192.0.2.1");
  ASSERT_NE(h->deep, nullptr);
  EXPECT_LE(h->deep->sample.seen(), 11u);
}

TEST_F(TrafficCountersDeep, ReleaseOfUnknownTargetIsHarmless) {
  TrafficCounters c = make();
  flood(c, "192.0.2.1", 300);
  c.releaseDeep(hostKey("192.0.2.99"));
  c.releaseDeep(hostKey("192.0.2.1", Direction::kOutgoing));
  c.resetWindow();
  EXPECT_EQ(c.deepInUse(), 1u);
}

TEST_F(TrafficCountersDeep, MaxDeepCapCountsRefusals) {
  TrafficConfig config;
  config.max_deep = 1;
  TrafficCounters c = make(config);
  flood(c, "192.0.2.1", 200);
  flood(c, "192.0.2.2", 500);  // reaches the trigger, and keeps going: refused once per window
  EXPECT_EQ(c.deepInUse(), 1u);
  EXPECT_EQ(c.stats().deep_refused, 1u);
  Window w = snapshot(c);
  EXPECT_NE(w.find(hostKey("192.0.2.1"))->deep, nullptr);
  EXPECT_EQ(w.find(hostKey("192.0.2.2"))->deep, nullptr);
  EXPECT_EQ(w.find(hostKey("192.0.2.2"))->counts.packets, 500u);  // still counted
  c.resetWindow();
  flood(c, "192.0.2.2", 200);
  EXPECT_EQ(c.stats().deep_refused, 2u);
  // Once the first target's stats are freed, the second one gets them.
  c.releaseDeep(hostKey("192.0.2.1"));
  c.resetWindow();
  EXPECT_EQ(c.deepInUse(), 0u);
  flood(c, "192.0.2.2", 200);
  EXPECT_EQ(c.deepInUse(), 1u);
  EXPECT_NE(host(c, "192.0.2.2")->deep, nullptr);
  EXPECT_EQ(c.stats().deep_refused, 2u);
}

// --- table caps -------------------------------------------------------------------------------

TEST(TrafficCountersCaps, FullHostTableCountsUntrackedWhilePrefixGetsTheTraffic) {
  const ProtectedNetworks everything;
  TrafficConfig config;
  config.max_hosts = 2;
  TrafficCounters c(config, everything, {neverTrigger()});
  c.add(syn("198.51.100.1", "192.0.2.1"));
  c.add(syn("198.51.100.1", "192.0.2.2"));
  for (int i = 0; i < 5; ++i) c.add(syn("198.51.100.1", "192.0.2.3"));
  for (int i = 0; i < 2; ++i) c.add(syn("198.51.100.1", "198.51.100.9"));  // another prefix, no host slot
  const Window w = snapshot(c);
  EXPECT_EQ(w.hosts.size(), 2u);
  EXPECT_FALSE(w.find(hostKey("192.0.2.3")));
  EXPECT_EQ(c.stats().untracked_hosts, 7u);
  const auto p = w.find(prefixKey("192.0.2.0/24"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->counts.packets, 7u);
  EXPECT_EQ(p->hosts, 2u);  // tracked hosts only
  const auto q = w.find(prefixKey("198.51.100.0/24"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->counts.packets, 2u);
  EXPECT_EQ(q->hosts, 0u);
  c.resetWindow();
  c.add(syn("198.51.100.1", "192.0.2.3"));  // room again in a new window
  EXPECT_TRUE(snapshot(c).find(hostKey("192.0.2.3")));
  EXPECT_EQ(c.stats().untracked_hosts, 7u);
}

TEST(TrafficCountersCaps, FullPrefixTableCountsUntrackedPrefixesWhileHostsAreCounted) {
  const ProtectedNetworks everything;
  TrafficConfig config;
  config.max_prefixes = 1;
  TrafficCounters c(config, everything, {neverTrigger()});
  c.add(syn("198.51.100.1", "192.0.2.1"));
  c.add(syn("198.51.100.1", "203.0.113.1"));
  c.add(syn("198.51.100.1", "203.0.113.1"));
  const Window w = snapshot(c);
  EXPECT_EQ(w.prefixes.size(), 1u);
  EXPECT_EQ(c.stats().untracked_prefixes, 1u);
  const auto h = w.find(hostKey("203.0.113.1"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->counts.packets, 2u);
  EXPECT_EQ(h->parent, kNoSlot);
}

}  // namespace
}  // namespace rampart::traffic

namespace rampart::traffic {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the shared test helpers

// Early starts visit only what reached a trigger: the busy hosts, once each, refused deep stats
// included, and nothing after the window is reset.
TEST(TrafficCountersBusy, OnlyTargetsPastTheirTriggerAreVisited) {
  const ProtectedNetworks everything;
  TrafficConfig config;
  config.max_deep = 1;
  TrafficCounters c(config, everything, {hostTrigger(3)});
  for (int i = 0; i < 5; ++i) c.add(syn("198.51.100.1", "192.0.2.1"));      // deep stats
  for (int i = 0; i < 5; ++i) c.add(syn("198.51.100.1", "192.0.2.2"));      // past it, refused deep stats
  for (int i = 0; i < 2; ++i) c.add(syn("198.51.100.1", "192.0.2.3"));      // below
  for (int i = 0; i < 100; ++i) c.add(syn("198.51.100.1", "203.0.113.9"));  // past it, refused
  std::vector<std::string> busy;
  c.forEachBusyTarget([&busy](const TargetSlot& s) { busy.push_back(s.key.toString()); });
  EXPECT_EQ(busy, (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "203.0.113.9"}));
  c.resetWindow();
  busy.clear();
  c.forEachBusyTarget([&busy](const TargetSlot& s) { busy.push_back(s.key.toString()); });
  EXPECT_TRUE(busy.empty());
}

}  // namespace
}  // namespace rampart::traffic
