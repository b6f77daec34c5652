// SPDX-License-Identifier: Apache-2.0
// Hostile and broken frames: each gives its own counted reason, none crashes.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "decode/packet_decoder.h"
#include "support/packet_builder.h"
#include "unit/decode/decode_test_util.h"

namespace rampart::decode {
namespace {

using core::FlowRecord;
using test::decodeExact;
using test::Extension;
using test::withIpv6Extensions;
using testing::PacketSpec;

constexpr std::size_t kIpAt = 14;

std::vector<uint8_t> ethernetSyn() { return testing::buildEthernetFrame({}); }

std::vector<uint8_t> cut(std::vector<uint8_t> frame, std::size_t size) {
  frame.resize(size);
  return frame;
}

std::vector<uint8_t> patched(std::vector<uint8_t> frame, std::size_t at, std::vector<uint8_t> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) frame[at + i] = bytes[i];
  return frame;
}

PacketSpec v6(uint8_t protocol) {
  PacketSpec s;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.protocol = protocol;
  return s;
}

PacketSpec proto(uint8_t protocol) {
  PacketSpec s;
  s.protocol = protocol;
  return s;
}

struct MalformedCase {
  std::string name;
  LinkType link;
  std::function<std::vector<uint8_t>()> frame;
  DecodeResult expected;
};

std::vector<MalformedCase> malformedCases() {
  const auto ip6 = [](const std::vector<uint8_t>& packet) {
    return testing::buildEthernetFrameWith({}, 0x86dd, packet);
  };
  return {
      {"EmptyEthernet", LinkType::kEthernet, [] { return std::vector<uint8_t>{}; }, DecodeResult::kTruncatedLink},
      {"ShortEthernetHeader", LinkType::kEthernet, [] { return cut(ethernetSyn(), 13); }, DecodeResult::kTruncatedLink},
      {"Arp", LinkType::kEthernet,
       [] {
         return patched(ethernetSyn(), 12, {0x08, 0x06});
       },
       DecodeResult::kNotIp},
      {"Llc", LinkType::kEthernet,
       [] {
         return patched(ethernetSyn(), 12, {0x00, 0x2e});
       },
       DecodeResult::kNotIp},
      {"VlanTagCut", LinkType::kEthernet,
       [] {
         PacketSpec s;
         s.vlan_ids = {5};
         return cut(testing::buildEthernetFrame(s), 16);
       },
       DecodeResult::kTruncatedLink},
      {"FiveVlanTags", LinkType::kEthernet,
       [] {
         PacketSpec s;
         s.vlan_ids = {1, 2, 3, 4, 5};
         return testing::buildEthernetFrame(s);
       },
       DecodeResult::kTooManyVlanTags},
      {"ShortSll", LinkType::kLinuxSll, [] { return cut(testing::buildSllFrame({}), 15); },
       DecodeResult::kTruncatedLink},
      {"SllArp", LinkType::kLinuxSll,
       [] {
         return patched(testing::buildSllFrame({}), 14, {0x08, 0x06});
       },
       DecodeResult::kNotIp},
      {"ShortSll2", LinkType::kLinuxSll2, [] { return cut(testing::buildSll2Frame({}), 19); },
       DecodeResult::kTruncatedLink},
      {"ShortNull", LinkType::kNull, [] { return cut(testing::buildNullFrame({}), 3); }, DecodeResult::kTruncatedLink},
      {"NullUnknownFamily", LinkType::kNull, [] { return patched(testing::buildNullFrame({}), 0, {99}); },
       DecodeResult::kNotIp},
      {"RawEmpty", LinkType::kRawIp, [] { return std::vector<uint8_t>{}; }, DecodeResult::kTruncatedIp},
      {"RawVersion5", LinkType::kRawIp, [] { return patched(testing::buildIpPacket({}), 0, {0x55}); },
       DecodeResult::kBadIpVersion},
      {"UnknownLinkType", static_cast<LinkType>(200), [] { return ethernetSyn(); }, DecodeResult::kNotIp},
      {"Ipv4Cut", LinkType::kEthernet, [] { return cut(ethernetSyn(), kIpAt + 19); }, DecodeResult::kTruncatedIp},
      {"Ipv4EthertypeWithVersion6", LinkType::kEthernet, [] { return patched(ethernetSyn(), kIpAt, {0x65}); },
       DecodeResult::kBadIpVersion},
      {"Ipv4IhlBelowFive", LinkType::kEthernet, [] { return patched(ethernetSyn(), kIpAt, {0x44}); },
       DecodeResult::kBadIpHeaderLength},
      {"Ipv4IhlPastCapture", LinkType::kEthernet, [] { return cut(patched(ethernetSyn(), kIpAt, {0x4f}), kIpAt + 40); },
       DecodeResult::kBadIpHeaderLength},
      {"Ipv4TotalBelowHeader", LinkType::kEthernet,
       [] {
         return patched(ethernetSyn(), kIpAt + 2, {0x00, 0x13});
       },
       DecodeResult::kBadIpTotalLength},
      {"Ipv6Cut", LinkType::kEthernet, [] { return cut(testing::buildEthernetFrame(v6(6)), kIpAt + 39); },
       DecodeResult::kTruncatedIp},
      {"Ipv6EthertypeWithVersion4", LinkType::kEthernet,
       [] { return patched(testing::buildEthernetFrame(v6(6)), kIpAt, {0x45}); }, DecodeResult::kBadIpVersion},
      {"Ipv6ExtensionCut", LinkType::kEthernet,
       [ip6] {
         return cut(ip6(withIpv6Extensions(testing::buildIpPacket(v6(6)), {{0, 16}})), kIpAt + 40 + 10);
       },
       DecodeResult::kTruncatedIpv6Extension},
      {"Ipv6ExtensionPastPayloadLength", LinkType::kEthernet,
       [ip6] {
         return patched(ip6(withIpv6Extensions(testing::buildIpPacket(v6(6)), {{0, 8}})), kIpAt + 41, {9});
       },
       DecodeResult::kTruncatedIpv6Extension},
      {"Ipv6FragmentHeaderCut", LinkType::kEthernet,
       [] {
         PacketSpec s = v6(17);
         s.more_fragments = true;
         return cut(testing::buildEthernetFrame(s), kIpAt + 40 + 7);
       },
       DecodeResult::kTruncatedIpv6Extension},
      {"Ipv6NineExtensions", LinkType::kEthernet,
       [ip6] {
         return ip6(withIpv6Extensions(testing::buildIpPacket(v6(6)),
                                       std::vector<Extension>(kMaxIpv6Extensions + 1, Extension{60, 8})));
       },
       DecodeResult::kTooManyIpv6Extensions},
      {"TcpCut", LinkType::kEthernet, [] { return cut(ethernetSyn(), kIpAt + 20 + 19); },
       DecodeResult::kTruncatedTransport},
      {"TcpShorterThanIpSays", LinkType::kEthernet,
       [] {
         return cut(patched(ethernetSyn(), kIpAt + 2, {0x00, 0x1e}), kIpAt + 30);
       },
       DecodeResult::kTruncatedTransport},
      {"UdpCut", LinkType::kEthernet, [] { return cut(testing::buildEthernetFrame(proto(17)), kIpAt + 20 + 7); },
       DecodeResult::kTruncatedTransport},
      {"IcmpCut", LinkType::kEthernet, [] { return cut(testing::buildEthernetFrame(proto(1)), kIpAt + 20 + 3); },
       DecodeResult::kTruncatedTransport},
      {"Icmpv6Cut", LinkType::kEthernet, [] { return cut(testing::buildEthernetFrame(v6(58)), kIpAt + 40 + 3); },
       DecodeResult::kTruncatedTransport},
      {"GreCut", LinkType::kEthernet, [] { return cut(testing::buildGreFrame({}, {}), kIpAt + 20 + 2); },
       DecodeResult::kTruncatedTransport},
      {"TcpDataOffsetFour", LinkType::kEthernet, [] { return patched(ethernetSyn(), kIpAt + 20 + 12, {0x40}); },
       DecodeResult::kBadTcpHeaderLength},
      {"GreInGre", LinkType::kEthernet,
       [] {
         const std::vector<uint8_t> inner_frame = testing::buildGreFrame({}, {});
         std::vector<uint8_t> gre = {0, 0, 0x08, 0x00};
         gre.insert(gre.end(), inner_frame.begin() + 14, inner_frame.end());
         return testing::buildEthernetFrameWith({}, 0x0800, testing::buildIpPacketWithBody({}, 47, gre));
       },
       DecodeResult::kTunnelTooDeep},
  };
}

class Malformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(Malformed, GivesItsOwnReason) {
  FlowRecord r;
  EXPECT_EQ(decodeExact(GetParam().link, GetParam().frame(), r), GetParam().expected)
      << "got " << toString(decodeExact(GetParam().link, GetParam().frame(), r)) << ", want "
      << toString(GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Table, Malformed, ::testing::ValuesIn(malformedCases()),
                         [](const ::testing::TestParamInfo<MalformedCase>& param) { return param.param.name; });

TEST(MalformedTable, CoversEveryRejectionReason) {
  std::set<DecodeResult> seen;
  for (const MalformedCase& c : malformedCases()) seen.insert(c.expected);
  for (std::size_t i = 1; i < kDecodeResultCount; ++i) {
    EXPECT_TRUE(seen.count(static_cast<DecodeResult>(i)) != 0) << toString(static_cast<DecodeResult>(i));
  }
}

// Every prefix of a set of valid frames, from an exactly-sized buffer: under ASan a read past the
// end fails the test. Whatever comes out is a reason in range, and a kOk record is sane.
TEST(Truncation, EveryPrefixOfEveryKindOfFrame) {
  PacketSpec udp6 = v6(17);
  udp6.payload_len = 20;
  udp6.more_fragments = true;
  PacketSpec tagged;
  tagged.vlan_ids = {1, 2};
  tagged.ipv4_options_len = 8;
  const std::vector<std::pair<LinkType, std::vector<uint8_t>>> frames = {
      {LinkType::kEthernet, ethernetSyn()},
      {LinkType::kEthernet, testing::buildEthernetFrame(tagged)},
      {LinkType::kEthernet, testing::buildEthernetFrame(udp6)},
      {LinkType::kEthernet, testing::buildEthernetFrameWith(
                                {}, 0x86dd, withIpv6Extensions(testing::buildIpPacket(v6(58)), {{0, 8}, {51, 12}}))},
      {LinkType::kEthernet, testing::buildGreFrame({}, udp6, {true, true, true, true})},
      {LinkType::kEthernet, testing::buildVxlanFrame({}, tagged)},
      {LinkType::kLinuxSll, testing::buildSllFrame(proto(1))},
      {LinkType::kLinuxSll2, testing::buildSll2Frame(udp6)},
      {LinkType::kRawIp, testing::buildIpPacket({})},
      {LinkType::kIpv4, testing::buildIpPacket(proto(17))},
      {LinkType::kIpv6, testing::buildIpPacket(v6(6))},
      {LinkType::kNull, testing::buildNullFrame(v6(17), true)},
  };
  for (const auto& [link, frame] : frames) {
    for (std::size_t size = 0; size <= frame.size(); ++size) {
      FlowRecord r;
      const DecodeResult result = decodeExact(link, cut(frame, size), r);
      ASSERT_LT(static_cast<std::size_t>(result), kDecodeResultCount);
      if (result == DecodeResult::kOk) {
        EXPECT_GT(r.bytes, 0u);
        EXPECT_EQ(r.packets, 1u);
      }
    }
    FlowRecord r;
    EXPECT_EQ(decodeExact(link, frame, r), DecodeResult::kOk);
  }
}

TEST(DecodeResultNames, AreDistinctAndKnown) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kDecodeResultCount; ++i) {
    const std::string_view name = toString(static_cast<DecodeResult>(i));
    EXPECT_NE(name, "unknown");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), kDecodeResultCount);
  EXPECT_EQ(toString(DecodeResult::kOk), "ok");
  EXPECT_EQ(toString(DecodeResult::kCount), "unknown");
}

TEST(DecodeStatsTest, CountsAndMerges) {
  DecodeStats a;
  a.add(DecodeResult::kOk);
  a.add(DecodeResult::kOk);
  a.add(DecodeResult::kNotIp);
  DecodeStats b;
  b.add(DecodeResult::kTunnelTooDeep);
  b.add(DecodeResult::kOk);
  EXPECT_EQ(a.decoded(), 2u);
  EXPECT_EQ(a.rejected(), 1u);
  a += b;
  EXPECT_EQ(a.decoded(), 3u);
  EXPECT_EQ(a.rejected(), 2u);
  EXPECT_EQ(a.results[DecodeResult::kTunnelTooDeep], 1u);
}

}  // namespace
}  // namespace rampart::decode
