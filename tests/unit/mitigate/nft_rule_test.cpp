// SPDX-License-Identifier: Apache-2.0
// nft match expressions of rules, IPv4 and IPv6 (their use by nftables itself is tested with the
// real nft in the mitigation integration test).
#include <gtest/gtest.h>

#include "mitigate/nft/nft_rule.h"

namespace rampart::mitigate::nft {
namespace {

FilterRule to(const char* dst) {
  FilterRule r;
  r.destination = *core::Prefix::parse(dst);
  return r;
}

TEST(NftRule, AmplificationFingerprint) {
  FilterRule r = to("192.0.2.10/32");
  r.protocol = 17;
  r.src_port = 123;
  r.length = detect::Range<uint16_t>{400, 480};
  r.ttl = detect::Range<uint8_t>{50, 58};
  EXPECT_EQ(nftMatch(r), "ip daddr 192.0.2.10/32 meta l4proto 17 th sport 123 ip length 400-480 ip ttl 50-58");
}

TEST(NftRule, SynFloodAndPortsWithoutProtocol) {
  FilterRule r = to("192.0.2.0/24");
  r.protocol = 6;
  r.dst_port = 80;
  r.tcp_flags = 0x02;
  EXPECT_EQ(nftMatch(r), "ip daddr 192.0.2.0/24 meta l4proto 6 th dport 80 tcp flags == 0x02");
  FilterRule any = to("192.0.2.10/32");
  any.dst_port = 53;
  EXPECT_EQ(nftMatch(any), "ip daddr 192.0.2.10/32 meta l4proto { tcp, udp } th dport 53");
}

TEST(NftRule, IcmpTypeAndCode) {
  FilterRule r = to("192.0.2.10/32");
  r.protocol = 1;
  r.dst_port = 8 << 8;
  EXPECT_EQ(nftMatch(r), "ip daddr 192.0.2.10/32 meta l4proto 1 icmp type 8 icmp code 0");
  FilterRule r6 = to("2001:db8::10/128");
  r6.protocol = 58;
  r6.dst_port = 128 << 8;
  EXPECT_EQ(nftMatch(r6), "ip6 daddr 2001:db8::10/128 meta l4proto 58 icmpv6 type 128 icmpv6 code 0");
}

TEST(NftRule, Ipv6LengthIsThePayloadsAndFragments) {
  FilterRule r = to("2001:db8::/64");
  r.length = detect::Range<uint16_t>{100, 1280};
  r.ttl = detect::Range<uint8_t>{1, 64};
  r.fragments_only = true;
  EXPECT_EQ(nftMatch(r), "ip6 daddr 2001:db8::/64 ip6 length 60-1240 ip6 hoplimit 1-64 exthdr frag exists");
  FilterRule f = to("192.0.2.10/32");
  f.fragments_only = true;
  EXPECT_EQ(nftMatch(f), "ip daddr 192.0.2.10/32 ip frag-off & 0x3fff != 0");
}

TEST(NftRule, SetElements) {
  EXPECT_EQ(nftElement(*core::Prefix::parse("198.51.100.7/32")), "198.51.100.7");
  EXPECT_EQ(nftElement(*core::Prefix::parse("203.0.113.0/24")), "203.0.113.0/24");
  EXPECT_EQ(nftElement(*core::Prefix::parse("2001:db8:bad::/48")), "2001:db8:bad::/48");
}

}  // namespace
}  // namespace rampart::mitigate::nft
