// SPDX-License-Identifier: Apache-2.0
// Detector driven the way the sensor drives it: records into TrafficCounters, then at each window
// boundary onWindow() and resetWindow(). Windows are one second; limits are small so that a flood
// is a few thousand records.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "detect/detector.h"

namespace rampart::detect {
namespace {

using core::FlowRecord;
using core::IpAddress;
using traffic::Direction;
using traffic::TargetKey;

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kT0 = 1'700'000'000 * kSecond;  // capture time of the first window
constexpr uint64_t kHoldDown = 3 * kSecond;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

const IpAddress kVictim = ip("192.0.2.10");
const TargetKey kVictimKey{kVictim, 128, Direction::kIncoming};

// Host: 4000 pps in total, SYN 1000 pps, UDP 2000 pps. Prefix: 8000 pps.
HostGroup smallGroup() {
  HostGroup g;
  g.name = "web";
  g.host = Thresholds{};
  g.host.pps = 4000;
  g.host.setVectorPps(AttackVector::kSynFlood, 1000);
  g.host.setVectorPps(AttackVector::kUdpFlood, 2000);
  g.prefix = Thresholds{};
  g.prefix.pps = 8000;
  return g;
}

DetectorConfig config() {
  DetectorConfig c;
  c.groups = {smallGroup()};
  c.hold_down_ns = kHoldDown;
  c.hysteresis = 0.5;
  c.top_n = 10;
  return c;
}

// How the sources of a flood are chosen.
enum class Sources { kPoolOfTen, kSpoofed };

class Harness {
 public:
  explicit Harness(DetectorConfig c = config())
      : detector_(std::move(c)), counters_(traffic::TrafficConfig{}, networks_, detector_.triggers()) {}

  // `n` records spread over the current window.
  void syn(int n, Sources sources = Sources::kPoolOfTen, const IpAddress& dst = kVictim, uint32_t sampling = 1) {
    for (int i = 0; i < n; ++i) {
      FlowRecord r = base(i, n, dst, sources);
      r.protocol = core::ip_proto::kTcp;
      r.tcp_flags = core::tcp_flag::kSyn;
      r.src_port = static_cast<uint16_t>(port_(rng_));
      r.dst_port = 80;
      r.ip_length = 60;
      r.bytes = 60;
      r.ttl = 64;
      r.sampling_rate = sampling;
      counters_.add(r);
    }
  }
  // UDP from `src_port` (0: a random high port) of `source_count` sources.
  void udp(int n, uint16_t src_port, int source_count) {
    for (int i = 0; i < n; ++i) {
      FlowRecord r = base(i, n, kVictim, Sources::kPoolOfTen);
      r.src = IpAddress::fromV4(0xCB007100u + static_cast<uint32_t>(i % source_count));
      r.protocol = core::ip_proto::kUdp;
      r.src_port = src_port != 0 ? src_port : static_cast<uint16_t>(20000 + i % 20000);
      r.dst_port = static_cast<uint16_t>(port_(rng_));
      r.ip_length = 1200;
      r.bytes = 1200;
      r.ttl = 50;
      counters_.add(r);
    }
  }
  // NTP responses from `n` different reflectors.
  void ntp(int n) {
    for (int i = 0; i < n; ++i) {
      FlowRecord r = base(i, n, kVictim, Sources::kSpoofed);
      r.protocol = core::ip_proto::kUdp;
      r.src_port = 123;
      r.dst_port = static_cast<uint16_t>(port_(rng_));
      r.ip_length = 468;
      r.bytes = 468;
      r.ttl = static_cast<uint8_t>(40 + i % 200);
      counters_.add(r);
    }
  }
  // Closes the current window; returns its events.
  std::vector<AttackEvent> close() {
    auto events = detector_.onWindow(counters_, windowStart(), kSecond);
    counters_.resetWindow();
    ++window_;
    all_.insert(all_.end(), events.begin(), events.end());
    return events;
  }
  std::vector<AttackEvent> idle(int windows) {
    std::vector<AttackEvent> out;
    for (int i = 0; i < windows; ++i) {
      auto e = close();
      out.insert(out.end(), e.begin(), e.end());
    }
    return out;
  }
  std::vector<AttackEvent> finish() {
    auto events = detector_.finish(counters_);
    counters_.resetWindow();
    all_.insert(all_.end(), events.begin(), events.end());
    return events;
  }

  [[nodiscard]] uint64_t windowStart() const { return kT0 + window_ * kSecond; }
  [[nodiscard]] const std::vector<AttackEvent>& all() const { return all_; }
  Detector& detector() { return detector_; }
  traffic::TrafficCounters& counters() { return counters_; }

 private:
  FlowRecord base(int i, int n, const IpAddress& dst, Sources sources) {
    FlowRecord r;
    r.timestamp_ns = windowStart() + static_cast<uint64_t>(i) * kSecond / static_cast<uint64_t>(n);
    r.dst = dst;
    r.src = sources == Sources::kPoolOfTen ? IpAddress::fromV4(0xC6336401u + static_cast<uint32_t>(i % 10))
                                           : IpAddress::fromV4(static_cast<uint32_t>(rng_()));
    return r;
  }

  traffic::ProtectedNetworks networks_;  // everything: the `analyze` default
  Detector detector_;
  traffic::TrafficCounters counters_;
  std::mt19937 rng_{12345};
  std::uniform_int_distribution<int> port_{1024, 65535};
  uint64_t window_ = 0;
  std::vector<AttackEvent> all_;
};

bool hasVector(const Attack& a, AttackVector v) { return a.vectorSet().test(static_cast<std::size_t>(v)); }

std::string kinds(const std::vector<AttackEvent>& events) {
  std::string out;
  for (const auto& e : events)
    out += std::string(out.empty() ? "" : ",") + toString(e.kind) + ":" + std::to_string(e.attack.id);
  return out;
}

TEST(Detector, FloodOverThreeWindowsIsOneAttack) {
  Harness h;
  h.syn(2000);
  auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AttackEvent::Kind::kStarted);
  const Attack& started = events[0].attack;
  EXPECT_EQ(started.id, 1u);
  EXPECT_EQ(started.target, kVictimKey);
  EXPECT_EQ(started.group, "web");
  EXPECT_EQ(started.start_ns, kT0);
  EXPECT_EQ(started.windows, 1u);
  EXPECT_TRUE(started.active);
  EXPECT_TRUE(hasVector(started, AttackVector::kSynFlood));
  EXPECT_EQ(h.detector().activeAttacks(), 1u);

  h.syn(2000);
  EXPECT_TRUE(h.close().empty());
  h.syn(2000);
  EXPECT_TRUE(h.close().empty());
  // Hold-down: the attack ends with the first window ending hold_down after its last busy one.
  EXPECT_TRUE(h.close().empty());                            // ends at t0+4s
  EXPECT_TRUE(h.close().empty());                            // ends at t0+5s
  const std::size_t deep_before = h.counters().deepInUse();  // the host's, and its /24's
  events = h.close();                                        // ends at t0+6s = last busy end (t0+3s) + 3 s
  ASSERT_EQ(events.size(), 1u) << kinds(events);
  EXPECT_EQ(events[0].kind, AttackEvent::Kind::kEnded);
  const Attack& a = events[0].attack;
  EXPECT_EQ(a.id, 1u);
  EXPECT_FALSE(a.active);
  EXPECT_EQ(a.start_ns, kT0);
  EXPECT_EQ(a.end_ns, kT0 + 3 * kSecond);
  EXPECT_DOUBLE_EQ(a.durationSeconds(), 3.0);
  EXPECT_EQ(a.windows, 3u);
  EXPECT_EQ(a.packets, 6000u);
  EXPECT_EQ(a.bytes, 360'000u);
  EXPECT_EQ(a.peak_pps, 2000u);
  EXPECT_EQ(a.peak_bps, 960'000u);
  EXPECT_DOUBLE_EQ(a.meanPps(), 2000.0);
  EXPECT_DOUBLE_EQ(a.meanBps(), 960'000.0);
  ASSERT_EQ(a.vectors.size(), 1u);
  EXPECT_EQ(a.vectors[0].vector, AttackVector::kSynFlood);
  EXPECT_EQ(a.vectors[0].packets, 6000u);
  EXPECT_EQ(a.vectors[0].peak_pps, 2000u);
  EXPECT_EQ(a.attack_packets, 6000u);
  EXPECT_EQ(a.peak_hosts, 0u);
  EXPECT_EQ(kinds(h.all()), "started:1,ended:1");
  EXPECT_EQ(h.detector().activeAttacks(), 0u);
  EXPECT_EQ(h.counters().deepInUse(), deep_before - 1) << "the host's deep stats are released when its attack ends";
}

TEST(Detector, FingerprintOfTheFlood) {
  Harness h;
  h.syn(2000);
  const auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  const Fingerprint& fp = events[0].attack.fingerprint;
  EXPECT_EQ(fp.toString(), "tcp dst-port 80 flags SYN length 60 ttl 64");
  EXPECT_GE(fp.coverage, 0.9);
  EXPECT_GT(fp.sample_size, 1000u);
  ASSERT_FALSE(events[0].attack.top_dst_ports.empty());
  EXPECT_EQ(events[0].attack.top_dst_ports[0].port, 80);
  EXPECT_DOUBLE_EQ(events[0].attack.top_dst_ports[0].share, 1.0);
}

TEST(Detector, TrafficBelowThresholdIsNoAttack) {
  Harness h;
  for (int w = 0; w < 5; ++w) {
    h.syn(900);
    EXPECT_TRUE(h.close().empty());
  }
  EXPECT_TRUE(h.finish().empty());
  EXPECT_EQ(h.detector().activeAttacks(), 0u);
}

TEST(Detector, DipAboveHysteresisKeepsTheAttackGoing) {
  Harness h;
  h.syn(2000);
  h.close();
  h.syn(700);  // under the SYN limit of 1000, over half of it
  EXPECT_TRUE(h.close().empty());
  h.syn(2000);
  EXPECT_TRUE(h.close().empty());
  const auto ended = h.idle(3);
  ASSERT_EQ(ended.size(), 1u);
  const Attack& a = ended[0].attack;
  EXPECT_EQ(kinds(h.all()), "started:1,ended:1");
  EXPECT_EQ(a.windows, 3u);
  EXPECT_EQ(a.packets, 4700u);
  EXPECT_EQ(a.end_ns, kT0 + 3 * kSecond);
  EXPECT_EQ(a.peak_pps, 2000u);
  EXPECT_NEAR(a.meanPps(), 4700.0 / 3, 1e-6);
}

TEST(Detector, DipUnderHysteresisWithinHoldDownIsStillOneAttack) {
  Harness h;
  h.syn(2000);
  h.close();
  h.syn(200);  // quiet window: not counted, but the hold-down bridges it
  EXPECT_TRUE(h.close().empty());
  h.syn(2000);
  EXPECT_TRUE(h.close().empty());
  h.idle(3);
  ASSERT_EQ(kinds(h.all()), "started:1,ended:1");
  const Attack& a = h.all().back().attack;
  EXPECT_EQ(a.windows, 2u);
  EXPECT_EQ(a.packets, 4000u);
  EXPECT_EQ(a.start_ns, kT0);
  EXPECT_EQ(a.end_ns, kT0 + 3 * kSecond);
}

TEST(Detector, FloodThatRestartsAfterHoldDownIsTwoAttacks) {
  Harness h;
  h.syn(2000);
  h.close();
  h.syn(2000);
  h.close();
  const auto gap = h.idle(4);  // windows ending t0+3 .. t0+6; the first attack ends at t0+5
  ASSERT_EQ(gap.size(), 1u);
  EXPECT_EQ(gap[0].kind, AttackEvent::Kind::kEnded);
  EXPECT_EQ(gap[0].attack.end_ns, kT0 + 2 * kSecond);
  h.syn(2000);
  const auto restart = h.close();  // t0+6 .. t0+7
  ASSERT_EQ(restart.size(), 1u);
  EXPECT_EQ(restart[0].kind, AttackEvent::Kind::kStarted);
  EXPECT_EQ(restart[0].attack.id, 2u);
  EXPECT_EQ(restart[0].attack.start_ns, kT0 + 6 * kSecond);
  EXPECT_EQ(restart[0].attack.windows, 1u);
  EXPECT_EQ(restart[0].attack.packets, 2000u);
  h.finish();
  EXPECT_EQ(kinds(h.all()), "started:1,ended:1,started:2,ended:2");
}

TEST(Detector, FinishEndsActiveAttacks) {
  Harness h;
  h.syn(2000);
  h.syn(2500, Sources::kPoolOfTen, ip("203.0.113.5"));
  const auto started = h.close();
  ASSERT_EQ(started.size(), 2u);
  const std::size_t deep_before = h.counters().deepInUse();
  EXPECT_EQ(h.detector().activeAttacks(), 2u);
  const auto ended = h.finish();
  ASSERT_EQ(ended.size(), 2u);
  // In attack order, whatever the hash table's.
  EXPECT_EQ(ended[0].attack.id, 1u);
  EXPECT_EQ(ended[1].attack.id, 2u);
  for (const auto& e : ended) {
    EXPECT_EQ(e.kind, AttackEvent::Kind::kEnded);
    EXPECT_FALSE(e.attack.active);
    EXPECT_EQ(e.attack.end_ns, kT0 + kSecond);
  }
  EXPECT_EQ(h.detector().activeAttacks(), 0u);
  EXPECT_EQ(h.counters().deepInUse(), deep_before - 2);
  EXPECT_TRUE(h.finish().empty());
}

TEST(Detector, ExpireEndsAttacksWhoseHoldDownRanOut) {
  Harness h;
  h.syn(2000);
  h.close();  // busy until t0+1s
  EXPECT_TRUE(h.detector().expire(h.counters(), kT0 + 4 * kSecond - 1).empty());
  const auto ended = h.detector().expire(h.counters(), kT0 + 4 * kSecond);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].kind, AttackEvent::Kind::kEnded);
  EXPECT_EQ(h.detector().activeAttacks(), 0u);
}

TEST(Detector, NewVectorIsAnUpdate) {
  Harness h;
  h.syn(2000);
  h.udp(1500, 0, 10);  // under the UDP limit, and the total (3500) under 4000
  auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].attack.vectorSet().count(), 1u);
  h.syn(1500);
  h.udp(2100, 0, 10);  // UDP over its own limit; peak 3600 < 1.25 x 3500
  events = h.close();
  ASSERT_EQ(events.size(), 1u) << kinds(events);
  EXPECT_EQ(events[0].kind, AttackEvent::Kind::kUpdated);
  const Attack& a = events[0].attack;
  EXPECT_EQ(a.id, 1u);
  EXPECT_TRUE(hasVector(a, AttackVector::kSynFlood));
  EXPECT_TRUE(hasVector(a, AttackVector::kUdpFlood));
  ASSERT_EQ(a.vectors.size(), 2u);
  EXPECT_EQ(a.vectors[0].vector, AttackVector::kSynFlood) << "most packets first";
  EXPECT_EQ(a.vectors[0].packets, 3500u);
  EXPECT_EQ(a.vectors[1].packets, 2100u);
  EXPECT_EQ(a.attack_packets, 5600u);
  EXPECT_EQ(a.packets, 7100u);
  // Same vectors again, same rate: nothing new to say.
  h.syn(1500);
  h.udp(2100, 0, 10);
  EXPECT_TRUE(h.close().empty());
}

TEST(Detector, NewPeakIsAnUpdate) {
  Harness h;
  h.syn(2000);
  h.close();
  h.syn(3000);  // >= 1.25 x 2000
  auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AttackEvent::Kind::kUpdated);
  EXPECT_EQ(events[0].attack.peak_pps, 3000u);
  h.syn(3500);  // < 1.25 x 3000
  EXPECT_TRUE(h.close().empty());
  h.syn(3800);  // >= 3750
  events = h.close();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].attack.peak_pps, 3800u);
}

TEST(Detector, TopSourcesOfABotnetOfTen) {
  Harness h;
  for (int w = 0; w < 3; ++w) {
    h.syn(2000, Sources::kPoolOfTen);
    h.close();
  }
  const auto ended = h.finish();
  ASSERT_EQ(ended.size(), 1u);
  const Attack& a = ended[0].attack;
  ASSERT_EQ(a.top_sources.size(), 10u);
  double total = 0;
  for (std::size_t i = 0; i < a.top_sources.size(); ++i) {
    const SourceShare& s = a.top_sources[i];
    EXPECT_TRUE(s.address.isV4());
    EXPECT_GE(s.address.v4(), 0xC6336401u);
    EXPECT_LE(s.address.v4(), 0xC633640Au);
    EXPECT_NEAR(s.share, 0.1, 0.04);
    if (i > 0) {
      EXPECT_LE(s.share, a.top_sources[i - 1].share) << "largest share first";
    }
    total += s.share;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(a.distinct_sources, 10u);
  EXPECT_FALSE(a.spoofing_likely);
}

TEST(Detector, SpoofedRandomSources) {
  Harness h;
  for (int w = 0; w < 3; ++w) {
    h.syn(2000, Sources::kSpoofed);
    h.close();
  }
  const auto ended = h.finish();
  ASSERT_EQ(ended.size(), 1u);
  const Attack& a = ended[0].attack;
  // Every record but those before the deep stats attached (a quarter of the SYN limit) is counted.
  EXPECT_NEAR(static_cast<double>(a.distinct_sources), 5750.0, 5750.0 * 0.05);
  EXPECT_TRUE(a.spoofing_likely);
  ASSERT_EQ(a.top_sources.size(), 10u);  // top_n
  EXPECT_LT(a.top_sources[0].share, 0.01);
}

// With sFlow/NetFlow sampling at 1:N the sketch sees one source per record while the packet counts
// are N times larger: spoofing must be judged per record, or a sampled spoofed flood never is.
TEST(Detector, SpoofedFloodFromSampledFlowsIsSpoofed) {
  Harness h;
  for (int w = 0; w < 2; ++w) {
    h.syn(1500, Sources::kSpoofed, kVictim, /*sampling=*/100);  // 150 000 pps, 1500 sampled records
    h.close();
  }
  const auto ended = h.finish();
  ASSERT_EQ(ended.size(), 1u);
  const Attack& a = ended[0].attack;
  EXPECT_EQ(a.packets, 300'000u);
  EXPECT_GT(a.distinct_sources, 2900u) << "every sampled record had its own source";
  EXPECT_TRUE(a.spoofing_likely) << "distinct_sources " << a.distinct_sources << " attack_packets " << a.attack_packets;
}

TEST(Detector, AmplificationFromThousandsOfReflectorsIsNotSpoofing) {
  Harness h;
  h.ntp(4500);  // over the 4000 pps total; NTP is all of it
  const auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  const Attack& a = events[0].attack;
  ASSERT_EQ(a.vectors.size(), 1u);
  EXPECT_EQ(a.vectors[0].vector, AttackVector::kNtpAmplification);
  EXPECT_GT(a.distinct_sources, 4000u);
  EXPECT_FALSE(a.spoofing_likely) << "reflectors answer from their own addresses";
  ASSERT_TRUE(a.fingerprint.src_port);
  EXPECT_EQ(*a.fingerprint.src_port, 123);
}

TEST(Detector, UdpFromManySourcesOnOneUnlistedPortIsOtherReflection) {
  Harness h;
  h.udp(2500, 27015, 200);  // a game server port, not a listed reflector
  const auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  const Attack& a = events[0].attack;
  EXPECT_TRUE(hasVector(a, AttackVector::kOtherReflection));
  EXPECT_FALSE(hasVector(a, AttackVector::kUdpFlood));
  ASSERT_EQ(a.vectors.size(), 1u);
  EXPECT_EQ(a.vectors[0].packets, 2500u);
  EXPECT_FALSE(a.spoofing_likely) << "reflectors are real sources";
  ASSERT_FALSE(a.top_src_ports.empty());
  EXPECT_EQ(a.top_src_ports[0].port, 27015);
  EXPECT_DOUBLE_EQ(a.top_src_ports[0].share, 1.0);
  ASSERT_TRUE(a.fingerprint.src_port);
  EXPECT_EQ(*a.fingerprint.src_port, 27015);
  EXPECT_EQ(a.fingerprint.protocol, std::optional<uint8_t>(core::ip_proto::kUdp));
}

TEST(Detector, UdpFromRandomPortsIsAUdpFlood) {
  Harness h;
  h.udp(2500, 0, 200);
  const auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(hasVector(events[0].attack, AttackVector::kUdpFlood));
  EXPECT_FALSE(hasVector(events[0].attack, AttackVector::kOtherReflection));
}

TEST(Detector, UdpFromOnePortOfAFewSourcesIsAUdpFlood) {
  Harness h;
  h.udp(2500, 27015, 3);  // too few sources to be reflectors
  const auto events = h.close();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(hasVector(events[0].attack, AttackVector::kUdpFlood));
  EXPECT_FALSE(hasVector(events[0].attack, AttackVector::kOtherReflection));
}

TEST(Detector, CarpetBombingOfAPrefix) {
  Harness h;
  for (int host = 1; host <= 20; ++host) {
    h.syn(500, Sources::kPoolOfTen, IpAddress::fromV4(0xC0000200u + static_cast<uint32_t>(host)));
  }
  const auto events = h.close();
  ASSERT_EQ(events.size(), 1u) << "no host is over its limit, the /24 is";
  const Attack& a = events[0].attack;
  EXPECT_TRUE(a.target.isPrefix());
  EXPECT_EQ(a.target.toString(), "192.0.2.0/24");
  EXPECT_TRUE(hasVector(a, AttackVector::kCarpetBombing));
  EXPECT_TRUE(hasVector(a, AttackVector::kSynFlood));
  EXPECT_EQ(a.peak_hosts, 20u);
  EXPECT_EQ(a.packets, 10'000u);
  EXPECT_EQ(a.attack_packets, 10'000u) << "carpet bombing is a label, not extra packets";
}

TEST(Detector, TriggersDerivedFromThresholds) {
  HostGroup off;
  off.host = Thresholds{};
  off.prefix = Thresholds{};
  HostGroup tiny = smallGroup();
  tiny.host.setVectorPps(AttackVector::kIcmpFlood, 3);
  DetectorConfig c;
  c.groups = {HostGroup{}, smallGroup(), off, tiny};
  const Detector d(c);
  const auto t = d.triggers();
  ASSERT_EQ(t.size(), 4u);
  // Defaults: lowest host limit 5000 pps, 1 Gbit/s; prefix 100 000 pps, 2 Gbit/s; a quarter of each.
  EXPECT_EQ(t[0].host_packets, 1250u);
  EXPECT_EQ(t[0].host_bytes, 31'250'000u);
  EXPECT_EQ(t[0].prefix_packets, 25'000u);
  EXPECT_EQ(t[0].prefix_bytes, 62'500'000u);
  EXPECT_EQ(t[1].host_packets, 250u);
  EXPECT_EQ(t[1].host_bytes, UINT64_MAX) << "no bit-rate limit: never by bytes";
  EXPECT_EQ(t[1].prefix_packets, 2000u);
  EXPECT_EQ(t[1].prefix_bytes, UINT64_MAX);
  EXPECT_EQ(t[2].host_packets, UINT64_MAX);
  EXPECT_EQ(t[2].host_bytes, UINT64_MAX);
  EXPECT_EQ(t[2].prefix_packets, UINT64_MAX);
  EXPECT_EQ(t[2].prefix_bytes, UINT64_MAX);
  EXPECT_EQ(t[3].host_packets, 1u) << "never zero";
}

TEST(Detector, NoGroupsMeansTheDefaultGroup) {
  DetectorConfig c;
  c.groups.clear();
  const Detector d(c);
  ASSERT_EQ(d.config().groups.size(), 1u);
  EXPECT_EQ(d.config().groups[0].name, "default");
  EXPECT_EQ(d.triggers().size(), 1u);
}

}  // namespace
}  // namespace rampart::detect

namespace rampart::detect {
namespace {

TEST(DetectorEarly, StartsBeforeTheWindowClosesAndCountsTheWindowOnce) {
  Harness h;
  h.syn(500);  // below the 1000 SYN/s limit so far: nothing yet
  EXPECT_TRUE(h.detector().earlyStarts(h.counters(), h.windowStart(), kSecond).empty());
  h.syn(1500);  // 2000 SYNs in the open window: the per-second limit is already crossed
  const auto early = h.detector().earlyStarts(h.counters(), h.windowStart(), kSecond);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].kind, AttackEvent::Kind::kStarted);
  EXPECT_EQ(early[0].attack.target, kVictimKey);
  EXPECT_TRUE(early[0].attack.vectorSet().test(static_cast<std::size_t>(AttackVector::kSynFlood)));
  EXPECT_EQ(early[0].attack.fingerprint.dst_port, 80);
  EXPECT_TRUE(h.detector().earlyStarts(h.counters(), h.windowStart(), kSecond).empty()) << "started twice";

  for (const auto& e : h.close()) EXPECT_NE(e.kind, AttackEvent::Kind::kStarted);
  const auto ended = h.finish();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].attack.packets, 2000u) << "the window must be counted once";
  EXPECT_EQ(ended[0].attack.windows, 1u);
  ASSERT_EQ(ended[0].attack.vectors.size(), 1u);
  EXPECT_EQ(ended[0].attack.vectors[0].packets, 2000u);
}

}  // namespace
}  // namespace rampart::detect
