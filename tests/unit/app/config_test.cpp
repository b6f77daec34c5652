// SPDX-License-Identifier: Apache-2.0
#include "app/config.h"

#include <gtest/gtest.h>

namespace rampart::app {
namespace {

using detect::AttackVector;

std::string errorOf(std::string_view text) {
  try {
    (void)parseConfig(text, "rampart.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, EmptyConfigMeansDefaultsAndEveryAddressProtected) {
  const Config c = parseConfig("", "rampart.toml");
  EXPECT_TRUE(c.analyzer.networks.protectsEverything());
  ASSERT_EQ(c.analyzer.detector.groups.size(), 1u);
  EXPECT_EQ(c.analyzer.detector.groups[0].host.pps, detect::HostGroup::defaultHostThresholds().pps);
}

TEST(ConfigTest, GroupsInheritDefaultsAndOverrideThem) {
  const Config c = parseConfig(R"(
[detection]
hold_down_seconds = 2.5
hysteresis = 0.4

[defaults]
pps = 30000
[defaults.vectors]
syn-flood = 7000

[[group]]
name = "web"
networks = ["192.0.2.0/24", "2001:db8::/48"]
bps = 500000000
[group.vectors]
ntp-amplification = 1000
[group.prefix]
pps = 90000
carpet_min_hosts = 8

[[group]]
name = "mail"
networks = ["198.51.100.25/32"]
)",
                               "rampart.toml");
  EXPECT_EQ(c.analyzer.detector.hold_down_ns, 2'500'000'000u);
  EXPECT_DOUBLE_EQ(c.analyzer.detector.hysteresis, 0.4);
  const auto& groups = c.analyzer.detector.groups;
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "web");
  EXPECT_EQ(groups[0].host.pps, 30000u);
  EXPECT_EQ(groups[0].host.bps, 500000000u);
  EXPECT_EQ(groups[0].host.vectorPps(AttackVector::kSynFlood), 7000u);
  EXPECT_EQ(groups[0].host.vectorPps(AttackVector::kNtpAmplification), 1000u);
  EXPECT_EQ(groups[0].prefix.pps, 90000u);
  EXPECT_EQ(groups[0].carpet_min_hosts, 8u);
  EXPECT_EQ(groups[1].name, "mail");
  EXPECT_EQ(groups[1].host.vectorPps(AttackVector::kNtpAmplification),
            detect::HostGroup::defaultHostThresholds().vectorPps(AttackVector::kNtpAmplification));

  const auto web = c.analyzer.networks.match(*core::IpAddress::parse("192.0.2.77"));
  ASSERT_TRUE(web.has_value());
  EXPECT_EQ(web->group, 0u);
  EXPECT_EQ(web->network.toString(), "192.0.2.0/24");
  const auto v6 = c.analyzer.networks.match(*core::IpAddress::parse("2001:db8::5"));
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->group, 0u);
  const auto mail = c.analyzer.networks.match(*core::IpAddress::parse("198.51.100.25"));
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->group, 1u);
  EXPECT_FALSE(c.analyzer.networks.match(*core::IpAddress::parse("198.51.100.26")).has_value());
}

TEST(ConfigTest, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(errorOf("[detection]\nhold_down = 5\n"), "rampart.toml:2: unknown key 'detection.hold_down'");
  EXPECT_EQ(errorOf("\n\n[defaults]\npps = \"lots\"\n"), "rampart.toml:4: 'defaults.pps' must be a whole number");
  EXPECT_EQ(errorOf("[defaults]\npps = -1\n"), "rampart.toml:2: 'defaults.pps' must be between 0 and 1000000000000000");
  EXPECT_EQ(errorOf("[defaults.vectors]\nsyn-storm = 5\n"),
            "rampart.toml:2: unknown attack vector 'syn-storm' (see docs/configuration.md)");
  EXPECT_EQ(errorOf("[[group]]\nname = \"a\"\nnetworks = [\"192.0.2.1/24\"]\n"),
            "rampart.toml:3: '192.0.2.1/24' is not a network such as 192.0.2.0/24 or 2001:db8::/48");
  EXPECT_EQ(errorOf("[[group]]\nname = \"a\"\nnetworks = [\"192.0.2.0/24\"]\n[[group]]\nname = \"b\"\n"
                    "networks = [\"192.0.2.0/24\"]\n"),
            "rampart.toml:6: network 192.0.2.0/24 is listed twice");
  EXPECT_EQ(errorOf("[[group]]\nnetworks = [\"192.0.2.0/24\"]\n"), "rampart.toml:1: [[group]] needs a name");
  EXPECT_NE(errorOf("[detection\n").find("rampart.toml:1:"), std::string::npos);
  EXPECT_EQ(errorOf("colour = 1\n"), "rampart.toml:1: unknown key 'colour'");
}

TEST(ConfigTest, SensorsAndEventStream) {
  const Config c = parseConfig(R"(
[[sensor]]
type = "af_packet"
interface = "eth1"
sample_one_in = 8

[[sensor]]
type = "af_packet"
interface = "eth2"

[events]
file = "/tmp/events.jsonl"
)",
                               "rampart.toml");
  ASSERT_EQ(c.run.sensors.size(), 2u);
  EXPECT_EQ(c.run.sensors[0].interface, "eth1");
  EXPECT_EQ(c.run.sensors[0].sample_one_in, 8u);
  EXPECT_EQ(c.run.sensors[1].sample_one_in, 1u);
  EXPECT_EQ(c.run.events, "/tmp/events.jsonl");
  EXPECT_EQ(errorOf("[[sensor]]\ntype = \"netmap\"\n"),
            "rampart.toml:1: unknown sensor type 'netmap' (af_packet, xdp, sflow, netflow)");
  EXPECT_EQ(errorOf("[[sensor]]\ntype = \"af_packet\"\n"), "rampart.toml:1: an af_packet sensor needs an interface");
  EXPECT_EQ(errorOf("[[sensor]]\ntype = \"af_packet\"\ninterface = \"x\"\nsample_one_in = 0\n"),
            "rampart.toml:4: 'sensor.sample_one_in' must be between 1 and 1048576");
}

TEST(ConfigTest, MissingFileIsAClearError) {
  try {
    (void)loadConfig("/nonexistent/rampart.toml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/rampart.toml: cannot open the configuration file");
  }
}

TEST(ConfigTest, SampleConfigInTheRepositoryParses) {
  const Config c = loadConfig(std::string(RAMPART_SOURCE_DIR) + "/config/rampart.toml");
  EXPECT_FALSE(c.analyzer.networks.protectsEverything());
  EXPECT_GE(c.analyzer.detector.groups.size(), 2u);
}

}  // namespace
}  // namespace rampart::app

namespace rampart::app {
namespace {

TEST(ConfigTest, BaselinesAreInheritedAndSwitchedOnByTheirTable) {
  const Config c = parseConfig(R"(
[defaults.baseline]
factor = 5
floor_pps = 2000

[[group]]
name = "web"
networks = ["192.0.2.0/24"]

[[group]]
name = "mail"
networks = ["198.51.100.0/24"]
[group.baseline]
enabled = false
)",
                               "rampart.toml");
  const auto& groups = c.analyzer.detector.groups;
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_TRUE(groups[0].baseline.enabled);
  EXPECT_DOUBLE_EQ(groups[0].baseline.factor, 5.0);
  EXPECT_EQ(groups[0].baseline.floor_pps, 2000u);
  EXPECT_EQ(groups[0].baseline.windows, 600u);
  EXPECT_FALSE(groups[1].baseline.enabled);
  EXPECT_DOUBLE_EQ(groups[1].baseline.factor, 5.0);
  EXPECT_FALSE(parseConfig("", "rampart.toml").analyzer.detector.groups[0].baseline.enabled);
}

TEST(ConfigTest, BaselineMistakesAreErrors) {
  EXPECT_EQ(errorOf("[defaults.baseline]\nfactor = 0.5\n"),
            "rampart.toml:2: 'defaults.baseline.factor' must be between 1.1 and 1000");
  EXPECT_EQ(errorOf("[defaults.baseline]\nenabled = 1\n"),
            "rampart.toml:2: 'defaults.baseline.enabled' must be true or false");
  EXPECT_EQ(errorOf("[defaults.baseline]\nwindow = 60\n"), "rampart.toml:2: unknown key 'defaults.baseline.window'");
  EXPECT_EQ(errorOf("[defaults.baseline]\nwindows = 30\nmin_windows = 60\n"),
            "rampart.toml:1: 'defaults.baseline.min_windows' (60) cannot exceed 'defaults.baseline.windows' (30): the "
            "profile would never be ready");
}

}  // namespace
}  // namespace rampart::app

namespace rampart::app {
namespace {

TEST(ConfigTest, MitigationWithItsDataPlanesBgpAndNotifications) {
  const Config c = parseConfig(R"(
[control]
socket = "/run/rampart/control.sock"

[mitigation]
data_plane = "xdp"
xdp_interfaces = ["eth0", "eth1"]
hold_seconds = 30
max_sources = 50
flowspec = true
blackhole = true
blackhole_min_bps = 5000000000
whitelist = ["192.0.2.53/32", "2001:db8::/48"]
state_file = "/var/lib/rampart/mitigation.json"

[mitigation.bgp]
local_as = 65001
peer_address = "192.0.2.254"
peer_as = 64500
communities = ["65535:666", "64500:9999"]

[[mitigation.notify]]
script = "/usr/local/bin/tell-csirt"

[[mitigation.notify]]
webhook = "https://chat.example/hook"
timeout_seconds = 3
)",
                               "rampart.toml");
  const runtime::MitigationSettings& m = c.mitigation;
  EXPECT_TRUE(m.policy.enabled);
  EXPECT_FALSE(m.policy.dry_run);
  EXPECT_EQ(m.data_plane, "xdp");
  EXPECT_EQ(m.xdp_interfaces, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(m.policy.hold_ns, 30'000'000'000ULL);
  EXPECT_EQ(m.policy.max_sources, 50u);
  EXPECT_TRUE(m.policy.flowspec && m.policy.blackhole);
  EXPECT_EQ(m.policy.blackhole_min_bps, 5'000'000'000ULL);
  ASSERT_EQ(m.policy.whitelist.size(), 2u);
  EXPECT_EQ(m.policy.whitelist[1].toString(), "2001:db8::/48");
  EXPECT_EQ(m.bgp.router_id, "127.0.0.1");
  EXPECT_EQ(m.bgp.peer_as, 64500u);
  EXPECT_EQ(m.bgp.routes.communities.size(), 2u);
  ASSERT_EQ(m.notify.size(), 2u);
  EXPECT_EQ(m.notify[1].webhook, "https://chat.example/hook");
  EXPECT_DOUBLE_EQ(m.notify[1].timeout_seconds, 3.0);
  EXPECT_EQ(c.run.control_socket, "/run/rampart/control.sock");
  EXPECT_FALSE(parseConfig("", "rampart.toml").mitigation.policy.enabled);
}

TEST(ConfigTest, MitigationMistakesAreErrors) {
  EXPECT_EQ(errorOf("[mitigation]\nflowspec = true\n"),
            "rampart.toml:1: flowspec and blackhole announce routes: they need a [mitigation.bgp] table");
  EXPECT_EQ(errorOf("[mitigation]\ndata_plane = \"iptables\"\n"),
            "rampart.toml:1: unknown data_plane 'iptables' (xdp, nftables or none)");
  EXPECT_EQ(errorOf("[mitigation]\ndata_plane = \"xdp\"\n"),
            "rampart.toml:1: data_plane = \"xdp\" needs xdp_interfaces = [\"eth0\", ...]");
  EXPECT_EQ(errorOf("[mitigation]\nwhitelist = [\"192.0.2.0/33\"]\n"),
            "rampart.toml:2: 'mitigation.whitelist': '192.0.2.0/33' is not a network such as 192.0.2.0/24 or "
            "2001:db8::/48");
  EXPECT_EQ(errorOf("[mitigation.bgp]\nlocal_as = 65001\npeer_address = \"192.0.2.254\"\n"),
            "rampart.toml:1: [mitigation.bgp] needs local_as, peer_address and peer_as");
  EXPECT_EQ(errorOf("[[mitigation.notify]]\ntimeout_seconds = 2\n"),
            "rampart.toml:1: a [[mitigation.notify]] needs either script or webhook");
  EXPECT_EQ(errorOf("[[mitigation.notify]]\nwebhook = \"ftp://x\"\n"),
            "rampart.toml:1: webhook 'ftp://x' must be an http:// or https:// URL");
  EXPECT_EQ(errorOf("[mitigation]\nhold = 3\n"), "rampart.toml:2: unknown key 'mitigation.hold'");
}

}  // namespace
}  // namespace rampart::app
