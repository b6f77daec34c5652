// SPDX-License-Identifier: Apache-2.0
// ExaBGP API commands for blackholes and Flowspec rules (their use by ExaBGP and a real upstream
// is tested end to end in tests/integration/bgp_test.sh).
#include <gtest/gtest.h>

#include "mitigate/bgp/exabgp_command.h"

namespace rampart::mitigate::bgp {
namespace {

Action action(ActionKind kind, const char* dst) {
  Action a;
  a.id = 1;
  a.kind = kind;
  a.rule.destination = *core::Prefix::parse(dst);
  return a;
}

TEST(ExabgpCommand, BlackholeWithCommunitiesAndNextHopPerFamily) {
  const RouteAttributes attrs{"192.0.2.1", "100::1", {"65535:666", "65001:9"}};
  EXPECT_EQ(announceCommand(action(ActionKind::kBlackhole, "198.51.100.7/32"), attrs),
            "announce route 198.51.100.7/32 next-hop 192.0.2.1 community [65535:666 65001:9]");
  EXPECT_EQ(withdrawCommand(action(ActionKind::kBlackhole, "198.51.100.7/32"), attrs),
            "withdraw route 198.51.100.7/32 next-hop 192.0.2.1");
  EXPECT_EQ(announceCommand(action(ActionKind::kBlackhole, "2001:db8::7/128"), attrs),
            "announce route 2001:db8::7/128 next-hop 100::1 community [65535:666 65001:9]");
}

TEST(ExabgpCommand, FlowspecFromAFingerprint) {
  Action a = action(ActionKind::kFlowspec, "192.0.2.10/32");
  a.rule.protocol = 17;
  a.rule.src_port = 123;
  a.rule.length = detect::Range<uint16_t>{400, 480};
  a.rule.ttl = detect::Range<uint8_t>{50, 58};  // no Flowspec component: left out
  EXPECT_EQ(announceCommand(a, {}),
            "announce flow route { match { destination 192.0.2.10/32; protocol =udp; source-port =123; "
            "packet-length >=400&<=480; } then { discard; } }");
  EXPECT_EQ(withdrawCommand(a, {}),
            "withdraw flow route { match { destination 192.0.2.10/32; protocol =udp; source-port =123; "
            "packet-length >=400&<=480; } }");
}

TEST(ExabgpCommand, FlowspecSynIcmpFragmentsAndIpv6) {
  Action syn = action(ActionKind::kFlowspec, "192.0.2.0/24");
  syn.rule.protocol = 6;
  syn.rule.dst_port = 443;
  syn.rule.tcp_flags = 0x02;
  syn.rule.fragments_only = true;
  EXPECT_EQ(announceCommand(syn, {}),
            "announce flow route { match { destination 192.0.2.0/24; protocol =tcp; destination-port =443; "
            "tcp-flags [ =syn ]; fragment [ is-fragment ]; } then { discard; } }");
  Action mixed = syn;
  mixed.rule.tcp_flags = 0x12;  // SYN|ACK: not one flag, left out
  EXPECT_EQ(announceCommand(mixed, {}).find("tcp-flags"), std::string::npos);
  Action ping = action(ActionKind::kFlowspec, "192.0.2.10/32");
  ping.rule.protocol = 1;
  ping.rule.dst_port = 8 << 8;
  EXPECT_EQ(announceCommand(ping, {}),
            "announce flow route { match { destination 192.0.2.10/32; protocol =icmp; icmp-type =8; icmp-code =0; } "
            "then { discard; } }");
  Action v6 = action(ActionKind::kFlowspec, "2001:db8::10/128");
  v6.rule.protocol = 17;
  v6.rule.dst_port = 53;
  v6.rule.length = detect::Range<uint16_t>{100, 100};
  EXPECT_EQ(announceCommand(v6, {}),
            "announce flow route { match { destination 2001:db8::10/128/0; next-header =udp; destination-port =53; "
            "packet-length =60; } then { discard; } }");
}

TEST(ExabgpCommand, HostActionsAreNotBgps) {
  EXPECT_EQ(announceCommand(action(ActionKind::kDropFingerprint, "192.0.2.10/32"), {}), "");
  EXPECT_EQ(withdrawCommand(action(ActionKind::kDropSource, "0.0.0.0/0"), {}), "");
}

}  // namespace
}  // namespace rampart::mitigate::bgp
