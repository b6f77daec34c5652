// SPDX-License-Identifier: Apache-2.0
// The XDP program in the kernel, run with BPF_PROG_TEST_RUN on built frames: every rule type drops
// what it must and passes its near misses, IPv4 and IPv6; source blocks (exact and prefix), the
// whitelist, expiry, counters, ARP, VLAN tags and sampling to the ring buffer. Needs root (loading
// BPF); skipped otherwise, never under CI=true.
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "mitigate/xdp/xdp_program.h"
#include "mitigate/xdp/xdp_rule.h"
#include "sensor/xdp_sample_source.h"
#include "support/packet_builder.h"
#include "support/shared_data.h"

namespace rampart::mitigate::xdp {
namespace {

using testing::buildEthernetFrame;
using testing::buildEthernetFrameWith;
using testing::PacketSpec;

core::Prefix net(const char* text) { return *core::Prefix::parse(text); }

uint64_t monotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

class XdpProgramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      if (rampart::testing::inCi()) FAIL() << "CI=true: the XDP tests need root and must run";
      GTEST_SKIP() << "needs root to load BPF programs (run as root, e.g. sudo ctest -R xdp)";
    }
    auto p = XdpProgram::load();
    ASSERT_TRUE(p.ok()) << p.error();
    prog_.emplace(std::move(p).value());
  }

  uint32_t run(const std::vector<uint8_t>& frame) {
    auto r = prog_->testRun(frame);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? r->action : 0;
  }
  // Installs `rule` alone for its destination, counting into `counter`.
  void install(const FilterRule& rule, uint32_t counter = 1, uint64_t expires_ns = 0) {
    rampart_rule_set set{};
    set.count = 1;
    set.rules[0] = toXdpRule(rule, counter, expires_ns);
    ASSERT_TRUE(prog_->putRules(rule.destination, set).ok());
  }
  static FilterRule to(const char* dst) {
    FilterRule r;
    r.destination = net(dst);
    return r;
  }

  std::optional<XdpProgram> prog_;
};

TEST_F(XdpProgramTest, NothingInstalledPassesEverythingArpIncluded) {
  EXPECT_EQ(run(buildEthernetFrame({})), XDP_PASS);
  const std::vector<uint8_t> arp(28, 0);
  EXPECT_EQ(run(buildEthernetFrameWith({}, 0x0806, arp)), XDP_PASS);
  const rampart_xdp_stats s = prog_->stats();
  EXPECT_EQ(s.packets, 2u);
  EXPECT_EQ(s.passed, 1u);
  EXPECT_EQ(s.not_ip, 1u);
}

TEST_F(XdpProgramTest, BlockedHostAndPrefixSourcesAreDroppedAndCounted) {
  ASSERT_TRUE(prog_->putBlock(net("198.51.100.1/32"), {0, 7, 0}).ok());
  ASSERT_TRUE(prog_->putBlock(net("203.0.113.0/24"), {0, 8, 0}).ok());
  ASSERT_TRUE(prog_->putBlock(net("2001:db8:bad::/48"), {0, 9, 0}).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "198.51.100.1"})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.src = "198.51.100.2"})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.src = "203.0.113.77"})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.src = "203.0.114.77"})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.src = "2001:db8:bad:1::5", .dst = "2001:db8::10"})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.src = "2001:db8:bae::5", .dst = "2001:db8::10"})), XDP_PASS);
  EXPECT_EQ(prog_->counter(7).packets, 1u);
  EXPECT_EQ(prog_->counter(7).bytes, 40u);  // an IPv4 SYN without options: 20 + 20
  EXPECT_EQ(prog_->counter(8).packets, 1u);
  EXPECT_EQ(prog_->counter(9).packets, 1u);
  EXPECT_EQ(prog_->stats().dropped_source, 3u);
  ASSERT_TRUE(prog_->deleteBlock(net("203.0.113.0/24")).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "203.0.113.77"})), XDP_PASS);
}

TEST_F(XdpProgramTest, ThePrefilterFollowsEveryCoveringEntry) {
  // A /12 marks 4,096 /24s; a host block inside it keeps its own /24 marked after the /12 goes.
  ASSERT_TRUE(prog_->putBlock(net("172.16.0.0/12"), {0, 1, 0}).ok());
  ASSERT_TRUE(prog_->putBlock(net("172.20.5.9/32"), {0, 2, 0}).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "172.31.255.1"})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.src = "172.32.0.1"})), XDP_PASS);
  ASSERT_TRUE(prog_->deleteBlock(net("172.16.0.0/12")).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "172.31.255.1"})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.src = "172.20.5.9"})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.src = "172.20.5.10"})), XDP_PASS);
  // Wider than /8: the bitmap is switched off while it exists.
  ASSERT_TRUE(prog_->putBlock(net("64.0.0.0/2"), {0, 3, 0}).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "100.1.2.3"})), XDP_DROP);
  ASSERT_TRUE(prog_->deleteBlock(net("64.0.0.0/2")).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "100.1.2.3"})), XDP_PASS);
  // Rules alike: a /16 destination rule, and its withdrawal.
  FilterRule r = to("192.168.0.0/16");
  r.protocol = 17;
  install(r);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.168.77.1", .protocol = 17})), XDP_DROP);
  ASSERT_TRUE(prog_->deleteRules(r.destination).ok());
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.168.77.1", .protocol = 17})), XDP_PASS);
}

TEST_F(XdpProgramTest, TheHostFilterFollowsEveryHostEntry) {
  // Every other address of 10.9.0.0/22 blocked, and rules for every other host of 10.8.0.0/22:
  // each listed host drops, each neighbour (same /24, so past the prefilter) passes; after half of
  // them go, those pass and the rest still drop.
  const auto host = [](const char* net16, int i) {
    return std::string(net16) + "." + std::to_string(i / 256) + "." + std::to_string(i % 256);
  };
  const auto slash32 = [](const std::string& h) { return *core::Prefix::parse(h + "/32"); };
  for (int i = 0; i < 1024; i += 2) {
    ASSERT_TRUE(prog_->putBlock(slash32(host("10.9", i)), {0, 1, 0}).ok());
    FilterRule r;
    r.destination = slash32(host("10.8", i));
    r.protocol = 17;
    install(r);
  }
  for (int i = 0; i < 1024; ++i) {
    const bool listed = i % 2 == 0;
    ASSERT_EQ(run(buildEthernetFrame({.src = host("10.9", i)})), listed ? XDP_DROP : XDP_PASS) << i;
    ASSERT_EQ(run(buildEthernetFrame({.dst = host("10.8", i), .protocol = 17})), listed ? XDP_DROP : XDP_PASS) << i;
  }
  for (int i = 0; i < 1024; i += 4) {
    ASSERT_TRUE(prog_->deleteBlock(slash32(host("10.9", i))).ok());
    ASSERT_TRUE(prog_->deleteRules(slash32(host("10.8", i))).ok());
  }
  for (int i = 0; i < 1024; i += 2) {
    const bool listed = i % 4 != 0;
    ASSERT_EQ(run(buildEthernetFrame({.src = host("10.9", i)})), listed ? XDP_DROP : XDP_PASS) << i;
    ASSERT_EQ(run(buildEthernetFrame({.dst = host("10.8", i), .protocol = 17})), listed ? XDP_DROP : XDP_PASS) << i;
  }
}

TEST_F(XdpProgramTest, AHostSetCarriesItsNetworksRulesWhateverTheOrderTheyCameIn) {
  // The host's own rule (TCP) and its /24's (UDP to port 9), its /16's (ICMP): a packet to the
  // host meets all three, counted to each rule's own counter, as rules come and go in any order.
  FilterRule udp = to("192.0.2.0/24");
  udp.protocol = 17;
  udp.dst_port = 9;
  install(udp, 24);
  FilterRule tcp = to("192.0.2.7/32");
  tcp.protocol = 6;
  install(tcp, 32);
  FilterRule icmp = to("192.0.0.0/16");
  icmp.protocol = 1;
  install(icmp, 16);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 6})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 17, .dst_port = 9})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 1})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 17, .dst_port = 53})), XDP_PASS);
  EXPECT_EQ(prog_->counter(32).packets, 1u);
  EXPECT_EQ(prog_->counter(24).packets, 1u);
  EXPECT_EQ(prog_->counter(16).packets, 1u);
  // The /24's rule withdrawn: the host no longer carries it; put back, it does again.
  ASSERT_TRUE(prog_->deleteRules(udp.destination).ok());
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 17, .dst_port = 9})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 1})), XDP_DROP);
  install(udp, 24);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 17, .dst_port = 9})), XDP_DROP);
  // A host set too full to take its networks' rules still meets them (the program goes on).
  rampart_rule_set full{};
  full.count = RAMPART_RULES_PER_DEST;
  for (uint32_t i = 0; i < full.count; ++i) {
    FilterRule r = to("192.0.2.7/32");
    r.protocol = 6;
    r.dst_port = static_cast<uint16_t>(1000 + i);
    full.rules[i] = toXdpRule(r, 40 + i, 0);
  }
  ASSERT_TRUE(prog_->putRules(net("192.0.2.7/32"), full).ok());
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 6, .dst_port = 1003})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 17, .dst_port = 9})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 1})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 6, .dst_port = 80})), XDP_PASS);
  EXPECT_EQ(prog_->counter(43).packets, 1u);
  // The host's rules withdrawn: its networks' still apply to it.
  ASSERT_TRUE(prog_->deleteRules(net("192.0.2.7/32")).ok());
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 6, .dst_port = 1003})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.dst = "192.0.2.7", .protocol = 17, .dst_port = 9})), XDP_DROP);
}

TEST_F(XdpProgramTest, WhitelistedSourcesPassEvenWhenBlocked) {
  ASSERT_TRUE(prog_->putBlock(net("198.51.100.0/24"), {0, 1, 0}).ok());
  ASSERT_TRUE(prog_->putWhitelist(net("198.51.100.53/32")).ok());
  EXPECT_EQ(run(buildEthernetFrame({.src = "198.51.100.53"})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.src = "198.51.100.54"})), XDP_DROP);
  EXPECT_EQ(prog_->stats().whitelisted, 1u);
}

struct RuleCase {
  const char* name;
  FilterRule rule;
  PacketSpec hit;
  PacketSpec miss;
};

TEST_F(XdpProgramTest, EveryRuleTypeDropsItsPacketsAndPassesNearMisses) {
  const PacketSpec udp{.protocol = 17, .src_port = 40000, .dst_port = 53};
  const PacketSpec udp6{.src = "2001:db8:1::1", .dst = "2001:db8::10", .protocol = 17, .dst_port = 53};
  std::vector<RuleCase> cases;
  auto rule = [](auto edit) {
    FilterRule r = to("192.0.2.10/32");
    edit(r);
    return r;
  };
  auto with = [](PacketSpec s, auto edit) {
    edit(s);
    return s;
  };
  cases.push_back({"protocol", rule([](FilterRule& r) { r.protocol = 17; }), udp,
                   with(udp, [](PacketSpec& s) { s.protocol = 6; })});
  cases.push_back({"dst port", rule([](FilterRule& r) { r.dst_port = 53; }), udp,
                   with(udp, [](PacketSpec& s) { s.dst_port = 54; })});
  cases.push_back({"src port", rule([](FilterRule& r) { r.src_port = 123; }),
                   with(udp, [](PacketSpec& s) { s.src_port = 123; }),
                   with(udp, [](PacketSpec& s) { s.src_port = 124; })});
  cases.push_back({"length range", rule([](FilterRule& r) {
                     r.length = detect::Range<uint16_t>{400, 480};
                   }),
                   with(udp, [](PacketSpec& s) { s.payload_len = 440; }),  // 20 + 8 + 440 = 468
                   with(udp, [](PacketSpec& s) { s.payload_len = 300; })});
  cases.push_back({"tcp flags", rule([](FilterRule& r) { r.tcp_flags = 0x02; }), PacketSpec{},
                   with(PacketSpec{}, [](PacketSpec& s) { s.tcp_flags = 0x12; })});
  cases.push_back({"ttl range", rule([](FilterRule& r) {
                     r.ttl = detect::Range<uint8_t>{50, 58};
                   }),
                   with(udp, [](PacketSpec& s) { s.ttl = 54; }), with(udp, [](PacketSpec& s) { s.ttl = 64; })});
  cases.push_back({"fragments", rule([](FilterRule& r) { r.fragments_only = true; }),
                   with(udp, [](PacketSpec& s) { s.more_fragments = true; }), udp});
  cases.push_back({"icmp type", rule([](FilterRule& r) {
                     r.protocol = 1;
                     r.dst_port = 8 << 8;
                   }),
                   PacketSpec{.protocol = 1}, PacketSpec{.protocol = 1, .icmp_type = 0}});
  cases.push_back({"destination", rule([](FilterRule& r) { r.protocol = 17; }), udp,
                   with(udp, [](PacketSpec& s) { s.dst = "192.0.2.11"; })});
  cases.push_back({"prefix destination",
                   [] {
                     FilterRule r = to("192.0.2.0/24");
                     r.protocol = 17;
                     return r;
                   }(),
                   with(udp, [](PacketSpec& s) { s.dst = "192.0.2.77"; }),
                   with(udp, [](PacketSpec& s) { s.dst = "192.0.3.77"; })});
  cases.push_back({"ipv6 dst port",
                   [] {
                     FilterRule r = to("2001:db8::10/128");
                     r.protocol = 17;
                     r.dst_port = 53;
                     return r;
                   }(),
                   udp6, with(udp6, [](PacketSpec& s) { s.dst_port = 5353; })});
  cases.push_back({"ipv6 prefix and length",
                   [] {
                     FilterRule r = to("2001:db8::/64");
                     r.length = detect::Range<uint16_t>{100, 100};
                     return r;
                   }(),
                   with(udp6, [](PacketSpec& s) { s.payload_len = 52; }),  // 40 + 8 + 52
                   with(udp6, [](PacketSpec& s) { s.payload_len = 53; })});
  cases.push_back({"ipv6 fragment header",
                   [] {
                     FilterRule r = to("2001:db8::10/128");
                     r.fragments_only = true;
                     return r;
                   }(),
                   with(udp6, [](PacketSpec& s) { s.more_fragments = true; }), udp6});
  cases.push_back({"vlan tagged", rule([](FilterRule& r) { r.dst_port = 53; }),
                   with(udp,
                        [](PacketSpec& s) {
                          s.vlan_ids = {10, 20};
                        }),
                   with(udp, [](PacketSpec& s) {
                     s.vlan_ids = {10, 20};
                     s.dst_port = 54;
                   })});
  cases.push_back({"non-first fragments have no ports", rule([](FilterRule& r) { r.dst_port = 53; }), udp,
                   with(udp, [](PacketSpec& s) { s.fragment_offset = 10; })});

  uint32_t counter = 100;
  for (const RuleCase& c : cases) {
    SCOPED_TRACE(c.name);
    install(c.rule, counter);
    EXPECT_EQ(run(buildEthernetFrame(c.hit)), XDP_DROP) << c.rule.toString();
    EXPECT_EQ(run(buildEthernetFrame(c.miss)), XDP_PASS) << c.rule.toString();
    EXPECT_EQ(prog_->counter(counter).packets, 1u);
    ASSERT_TRUE(prog_->deleteRules(c.rule.destination).ok());
    EXPECT_EQ(run(buildEthernetFrame(c.hit)), XDP_PASS) << "withdrawn: " << c.rule.toString();
    ++counter;
  }
}

TEST_F(XdpProgramTest, SeveralRulesForOneDestinationAndCombinedFields) {
  rampart_rule_set set{};
  FilterRule ntp = to("192.0.2.10/32");
  ntp.protocol = 17;
  ntp.src_port = 123;
  ntp.length = detect::Range<uint16_t>{468, 468};
  FilterRule syn = to("192.0.2.10/32");
  syn.protocol = 6;
  syn.dst_port = 443;
  syn.tcp_flags = 0x02;
  set.count = 2;
  set.rules[0] = toXdpRule(ntp, 1, 0);
  set.rules[1] = toXdpRule(syn, 2, 0);
  ASSERT_TRUE(prog_->putRules(ntp.destination, set).ok());
  EXPECT_EQ(run(buildEthernetFrame({.protocol = 17, .src_port = 123, .payload_len = 440})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.protocol = 17, .src_port = 123, .payload_len = 441})), XDP_PASS);
  EXPECT_EQ(run(buildEthernetFrame({.dst_port = 443})), XDP_DROP);
  EXPECT_EQ(run(buildEthernetFrame({.dst_port = 80})), XDP_PASS);
  EXPECT_EQ(prog_->counter(1).packets, 1u);
  EXPECT_EQ(prog_->counter(2).packets, 1u);
  EXPECT_EQ(prog_->stats().dropped_rule, 2u);
}

TEST_F(XdpProgramTest, ExpiredRulesAndBlocksNoLongerDrop) {
  FilterRule r = to("192.0.2.10/32");
  r.protocol = 6;
  install(r, 1, monotonicNs() + 3'600'000'000'000ULL);
  EXPECT_EQ(run(buildEthernetFrame({})), XDP_DROP);
  install(r, 1, monotonicNs() - 1'000'000'000);  // a second ago: the program reads a coarse clock
  EXPECT_EQ(run(buildEthernetFrame({})), XDP_PASS);
  ASSERT_TRUE(prog_->putBlock(net("198.51.100.1/32"), {monotonicNs() - 1'000'000'000, 2, 0}).ok());
  EXPECT_EQ(run(buildEthernetFrame({})), XDP_PASS);
}

TEST_F(XdpProgramTest, SampledFramesReachTheRingBuffer) {
  ASSERT_TRUE(prog_->setSampling(1).ok());
  auto reader = sensor::XdpSampleSource::open(prog_->samplesFd(), 1);
  ASSERT_TRUE(reader.ok()) << reader.error();
  ASSERT_TRUE(prog_->putBlock(net("198.51.100.1/32"), {0, 1, 0}).ok());
  const auto frame = buildEthernetFrame({.protocol = 17, .payload_len = 400});  // dropped, and sampled
  EXPECT_EQ(run(frame), XDP_DROP);
  std::vector<std::vector<uint8_t>> got;
  std::vector<uint32_t> lengths;
  ASSERT_EQ(reader.value()->read(100,
                                 [&](sensor::PacketSource::Batch batch) {
                                   for (const sensor::Packet& p : batch) {
                                     got.emplace_back(p.frame.begin(), p.frame.end());
                                     lengths.push_back(p.wire_length);
                                     EXPECT_GT(p.timestamp_ns, 1'600'000'000ULL * 1'000'000'000ULL);
                                   }
                                 }),
            1u);
  EXPECT_EQ(reader.value()->stats().packets, 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(lengths[0], frame.size());
  ASSERT_EQ(got[0].size(), RAMPART_SAMPLE_BYTES - 1u);
  EXPECT_TRUE(std::equal(got[0].begin(), got[0].end(), frame.begin()));
  EXPECT_EQ(prog_->stats().sampled, 1u);
  ASSERT_TRUE(prog_->setSampling(0).ok());
  EXPECT_EQ(run(frame), XDP_DROP);
  EXPECT_EQ(prog_->stats().sampled, 1u);
}

}  // namespace
}  // namespace rampart::mitigate::xdp
