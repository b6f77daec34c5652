// SPDX-License-Identifier: Apache-2.0
// Each attack vector, written as a capture by the test itself (built packets over a background of
// ordinary traffic), read back through `analyze`'s own path: the right target, vector and
// fingerprint must come out, at default thresholds.
#include <gtest/gtest.h>

#include <optional>

#include "app/analyze_files.h"
#include "scenario/attack_scenario.h"
#include "scenario/vector_floods.h"
#include "support/temp_dir.h"

namespace rampart::app {
namespace {

using detect::AttackVector;
using testing::AttackScenario;
using testing::Flood;
using testing::PacketSpec;

pipeline::AnalysisResult analyze(const AttackScenario& scenario, const pipeline::AnalyzerSettings& settings = {}) {
  testing::TempDir dir;
  const std::string path = dir.file("capture.pcap");
  scenario.write(path);
  auto result = analyzeCaptureFiles({path}, settings);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error());
  return result.ok() ? std::move(result).value() : pipeline::AnalysisResult{};
}

bool hasVector(const detect::Attack& a, AttackVector v) { return a.vectorSet().test(static_cast<std::size_t>(v)); }

struct Expected {
  std::string target;
  AttackVector vector;
  uint8_t protocol;
  std::optional<uint16_t> src_port;
  std::optional<uint16_t> dst_port;
  std::optional<uint8_t> tcp_flags;
  std::optional<uint16_t> length;  // exact IP length
};

struct VectorCase {
  std::string name;
  Flood flood;
  Expected expected;
};

void PrintTo(const VectorCase& c, std::ostream* os) { *os << c.name; }

using testing::vectors::flood;
using testing::vectors::tcp;
using testing::vectors::udp;

std::vector<VectorCase> vectorCases() {
  using S = Flood::Sources;
  std::vector<VectorCase> cases = {
      {"syn_flood",
       flood(tcp(0x02, 80), 25'000, S::kSpoofed, true, false),
       {"192.0.2.10", AttackVector::kSynFlood, 6, std::nullopt, 80, 0x02, 40}},
      {"syn_ack_reflection",
       flood(tcp(0x12, 0, 443), 25'000, S::kPool, false, true),
       {"192.0.2.10", AttackVector::kSynAckReflection, 6, 443, std::nullopt, 0x12, 40}},
      {"ack_flood",
       flood(tcp(0x10, 443), 70'000, S::kSpoofed, true, false),
       {"192.0.2.10", AttackVector::kAckFlood, 6, std::nullopt, 443, 0x10, 40}},
      {"rst_flood",
       flood(tcp(0x04, 80), 12'000, S::kSpoofed, true, false),
       {"192.0.2.10", AttackVector::kRstFlood, 6, std::nullopt, 80, 0x04, 40}},
      {"tcp_flag_abuse_xmas",
       flood(tcp(0x29, 22), 12'000, S::kSpoofed, true, false),
       {"192.0.2.10", AttackVector::kTcpFlagAbuse, 6, std::nullopt, 22, 0x29, 40}},
      {"udp_flood",
       flood(udp(0, 27000, 100), 70'000, S::kSpoofed, true, false),
       {"192.0.2.10", AttackVector::kUdpFlood, 17, std::nullopt, 27000, std::nullopt, 128}},
      {"icmp_flood",
       flood(PacketSpec{.dst = "192.0.2.10", .protocol = 1, .ttl = 64, .payload_len = 56, .icmp_type = 8}, 12'000,
             S::kSpoofed, false, false),
       {"192.0.2.10", AttackVector::kIcmpFlood, 1, std::nullopt, 0x0800, std::nullopt, 84}},
      {"fragment_flood",
       flood(PacketSpec{.dst = "192.0.2.10",
                        .protocol = 17,
                        .ttl = 64,
                        .payload_len = 1000,
                        .more_fragments = true,
                        .fragment_offset = 185},
             12'000, S::kSpoofed, false, false),
       {"192.0.2.10", AttackVector::kFragmentFlood, 17, std::nullopt, std::nullopt, std::nullopt, std::nullopt}},
      {"other_reflection",
       flood(udp(27015, 0, 600), 70'000, S::kPool, false, true),
       {"192.0.2.10", AttackVector::kOtherReflection, 17, 27015, std::nullopt, std::nullopt, 628}},
      {"ipv6_syn_flood",
       flood(PacketSpec{.src = "2001:db8:bad::1",
                        .dst = "2001:db8::10",
                        .protocol = 6,
                        .dst_port = 443,
                        .tcp_flags = 0x02,
                        .ttl = 60},
             25'000, S::kFixed, true, false),
       {"2001:db8::10", AttackVector::kSynFlood, 6, std::nullopt, 443, 0x02, 60}},
      {"unclassified_esp",
       flood(PacketSpec{.dst = "192.0.2.10", .protocol = 50, .ttl = 64, .payload_len = 60}, 70'000, S::kSpoofed, false,
             false),
       {"192.0.2.10", AttackVector::kUnclassified, 50, std::nullopt, std::nullopt, std::nullopt, 80}},
  };
  // Every reflection service Rampart names, from 300 reflectors at 12 kpps.
  for (int c = static_cast<int>(traffic::kFirstReflectionClass); c <= static_cast<int>(traffic::kLastReflectionClass);
       ++c) {
    const auto cls = static_cast<traffic::PacketClass>(c);
    const uint16_t port = traffic::reflectorPort(cls);
    cases.push_back({std::string(detect::toString(detect::vectorOf(cls))),
                     flood(udp(port, 0, 400), 12'000, S::kPool, false, true),
                     {"192.0.2.10", detect::vectorOf(cls), 17, port, std::nullopt, std::nullopt, 428}});
  }
  for (auto& c : cases) {
    std::replace(c.name.begin(), c.name.end(), '-', '_');
  }
  return cases;
}

class VectorTest : public ::testing::TestWithParam<VectorCase> {};

TEST_P(VectorTest, FindsTargetVectorAndFingerprint) {
  const VectorCase& c = GetParam();
  AttackScenario scenario;
  scenario.background(4).add(c.flood);
  const pipeline::AnalysisResult result = analyze(scenario);
  ASSERT_EQ(result.attacks.size(), 1u) << "expected exactly one attack";
  const detect::Attack& a = result.attacks[0];
  const Expected& e = c.expected;
  EXPECT_EQ(a.target.toString(), e.target);
  EXPECT_FALSE(a.target.isPrefix());
  EXPECT_TRUE(hasVector(a, e.vector)) << "missing " << detect::toString(e.vector);
  EXPECT_EQ(a.vectors.front().vector, e.vector) << "not the main vector";
  EXPECT_NEAR(a.durationSeconds(), 2.0, 0.01);
  EXPECT_NEAR(static_cast<double>(a.peak_pps), static_cast<double>(c.flood.pps), 0.05 * c.flood.pps);

  const detect::Fingerprint& f = a.fingerprint;
  EXPECT_GE(f.coverage, 0.9);
  EXPECT_EQ(f.protocol, e.protocol);
  EXPECT_EQ(f.dst_port, e.dst_port);
  EXPECT_EQ(f.src_port, e.src_port);
  EXPECT_EQ(f.tcp_flags, e.tcp_flags);
  if (e.length) {
    ASSERT_TRUE(f.ip_length.has_value());
    EXPECT_EQ(f.ip_length->low, *e.length);
    EXPECT_EQ(f.ip_length->high, *e.length);
  }
  if (e.vector == AttackVector::kFragmentFlood) EXPECT_TRUE(f.fragments_only);
  const bool spoofed = c.flood.sources == Flood::Sources::kSpoofed;
  EXPECT_EQ(a.spoofing_likely, spoofed && !detect::isAmplification(e.vector));
}

INSTANTIATE_TEST_SUITE_P(AllVectors, VectorTest, ::testing::ValuesIn(vectorCases()),
                         [](const auto& info) { return info.param.name; });

TEST(VectorTest, PoolSourcesAreTopSourcesWithShares) {
  AttackScenario scenario;
  Flood f = flood(tcp(0x02, 80), 20'000, Flood::Sources::kPool, true, false);
  f.pool_size = 4;
  f.pool_base = "198.51.100.0";
  scenario.background(4).add(f);
  const pipeline::AnalysisResult result = analyze(scenario);
  ASSERT_EQ(result.attacks.size(), 1u);
  const detect::Attack& a = result.attacks[0];
  ASSERT_EQ(a.top_sources.size(), 4u);
  double total = 0;
  for (const auto& s : a.top_sources) {
    EXPECT_TRUE(s.address.toString().starts_with("198.51.100.")) << s.address.toString();
    EXPECT_NEAR(s.share, 0.25, 0.07);
    total += s.share;
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(a.distinct_sources, 4u);
  EXPECT_FALSE(a.spoofing_likely);
}

TEST(VectorTest, CarpetBombingOfAPrefixIsSeenWhenNoHostCrossesItsThreshold) {
  AttackScenario scenario;
  Flood f = flood(udp(0, 0, 300), 150'000, Flood::Sources::kSpoofed, true, true);
  f.base.dst = "203.0.113.0";
  f.spread_dst_hosts = 200;
  scenario.background(4).add(f);
  const pipeline::AnalysisResult result = analyze(scenario);
  ASSERT_EQ(result.attacks.size(), 1u);
  const detect::Attack& a = result.attacks[0];
  EXPECT_EQ(a.target.toString(), "203.0.113.0/24");
  EXPECT_TRUE(a.target.isPrefix());
  EXPECT_TRUE(hasVector(a, AttackVector::kCarpetBombing));
  EXPECT_TRUE(hasVector(a, AttackVector::kUdpFlood));
  EXPECT_EQ(a.peak_hosts, 200u);
  EXPECT_EQ(a.fingerprint.protocol, 17);
  ASSERT_TRUE(a.fingerprint.ip_length.has_value());
  EXPECT_EQ(a.fingerprint.ip_length->low, 328);
}

TEST(VectorTest, FloodBelowThresholdIsNoAttack) {
  AttackScenario scenario;
  scenario.background(4).add(flood(tcp(0x02, 80), 8'000, Flood::Sources::kSpoofed, true, false));
  EXPECT_TRUE(analyze(scenario).attacks.empty());
}

TEST(VectorTest, CommandLineStyleOverrideLowersTheThreshold) {
  AttackScenario scenario;
  scenario.background(4).add(flood(tcp(0x02, 80), 8'000, Flood::Sources::kSpoofed, true, false));
  pipeline::AnalyzerSettings settings;
  settings.detector.groups[0].host.setVectorPps(AttackVector::kSynFlood, 5'000);
  const pipeline::AnalysisResult result = analyze(scenario, settings);
  ASSERT_EQ(result.attacks.size(), 1u);
  EXPECT_TRUE(hasVector(result.attacks[0], AttackVector::kSynFlood));
}

TEST(VectorTest, TwoAttacksOnTwoHostsAreReportedSeparately) {
  AttackScenario scenario;
  Flood syn = flood(tcp(0x02, 80), 20'000, Flood::Sources::kSpoofed, true, false);
  Flood ntp = flood(udp(123, 0, 440), 12'000, Flood::Sources::kPool, false, true);
  ntp.base.dst = "192.0.2.20";
  ntp.start_s = 1.5;
  scenario.background(4).add(syn).add(ntp);
  const pipeline::AnalysisResult result = analyze(scenario);
  ASSERT_EQ(result.attacks.size(), 2u);
  EXPECT_EQ(result.attacks[0].target.toString(), "192.0.2.10");
  EXPECT_TRUE(hasVector(result.attacks[0], AttackVector::kSynFlood));
  EXPECT_EQ(result.attacks[1].target.toString(), "192.0.2.20");
  EXPECT_TRUE(hasVector(result.attacks[1], AttackVector::kNtpAmplification));
}

}  // namespace
}  // namespace rampart::app
