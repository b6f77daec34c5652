// SPDX-License-Identifier: Apache-2.0
// Akvorado's and nDPI's NetFlow/IPFIX captures: concrete facts read with tcpdump -vvv and from the
// templates (template files fed before their data files, as the MANIFEST says).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "netflow_test_util.h"

namespace rampart::flow::netflow::test {
namespace {

class AkvoradoConformance : public ::testing::Test {
 protected:
  void SetUp() override { RAMPART_REQUIRE_DIR(flowDataDir("netflow-ipfix")); }

  std::vector<core::FlowRecord> feed(std::initializer_list<const char*> files) {
    std::vector<core::FlowRecord> all;
    for (const char* f : files) {
      std::vector<FlowError> errors;
      const auto more = decodeCapture(dec_, flowDataDir("netflow-ipfix") / f, &errors);
      for (const FlowError e : errors) EXPECT_EQ(e, FlowError::kOk) << f;
      all.insert(all.end(), more.begin(), more.end());
    }
    return all;
  }

  NetflowDecoder dec_;
};

core::IpAddress ip(const char* text) { return core::IpAddress::parse(text).value(); }

TEST_F(AkvoradoConformance, NetflowV5) {
  const auto r = feed({"akvorado_nfv5.pcap"});
  ASSERT_EQ(r.size(), 29U);
  EXPECT_EQ(dec_.stats().datagrams[WireVersion::kV5], 1U);
  // Last record: 157.240.211.205:443 > 202.93.210.203:53369 TCP, 6 packets, 7462 bytes, 22 s long.
  EXPECT_EQ(r.back().src, ip("157.240.211.205"));
  EXPECT_EQ(r.back().dst, ip("202.93.210.203"));
  EXPECT_EQ(r.back().src_port, 443);
  EXPECT_EQ(r.back().dst_port, 53369);
  EXPECT_EQ(r.back().protocol, 6);
  EXPECT_EQ(r.back().packets, 6U);
  EXPECT_EQ(r.back().bytes, 7462U);
  EXPECT_EQ(r.back().duration_ns, 22'000'000'000ULL);
  EXPECT_EQ(r.back().ip_length, 7462 / 6);
}

TEST_F(AkvoradoConformance, Nfv9TemplateThenData) {
  const auto r = feed({"akvorado_template.pcap", "akvorado_data.pcap"});
  ASSERT_EQ(r.size(), 4U);
  EXPECT_EQ(r[0].src, ip("198.38.121.178"));
  EXPECT_EQ(r[0].dst, ip("91.170.143.87"));
  EXPECT_EQ(r[0].src_port, 443);
  EXPECT_EQ(r[0].dst_port, 19624);
  EXPECT_EQ(r[0].bytes, 1500U);
  EXPECT_EQ(r[0].sampling_rate, 1U);  // no options record seen yet
}

TEST_F(AkvoradoConformance, OptionsTemplateSingleSampler) {
  // The options data arrives before its options template: held, then replayed.
  const auto r = feed(
      {"akvorado_template.pcap", "akvorado_options-data.pcap", "akvorado_options-template.pcap", "akvorado_data.pcap"});
  ASSERT_EQ(r.size(), 4U);
  for (const auto& f : r) EXPECT_EQ(f.sampling_rate, 30000U);
  EXPECT_EQ(dec_.stats().data_sets_replayed, 1U);
  EXPECT_EQ(dec_.stats().options_records, 4U);
}

TEST_F(AkvoradoConformance, SamplingRateInTemplate) {
  const auto r = feed({"akvorado_samplingrate-template.pcap", "akvorado_samplingrate-data.pcap"});
  ASSERT_EQ(r.size(), 6U);
  for (const auto& f : r) EXPECT_EQ(f.sampling_rate, 2048U);
}

TEST_F(AkvoradoConformance, MultipleSamplers) {
  // Options data: sampler 1 "SPM_1OUT2000" 1:2000, sampler 2 "SPM_1OUT4000" 1:4000.
  const auto r =
      feed({"akvorado_multiplesamplingrates-options-template.pcap", "akvorado_multiplesamplingrates-options-data.pcap",
            "akvorado_multiplesamplingrates-template.pcap", "akvorado_multiplesamplingrates-data.pcap"});
  std::map<uint32_t, int> by_rate;
  for (const auto& f : r) ++by_rate[f.sampling_rate];
  EXPECT_EQ(by_rate[2000], 11);
  EXPECT_EQ(by_rate[4000], 1);
  EXPECT_EQ(dec_.stats().sampling_rates_learned, 2U);
}

TEST_F(AkvoradoConformance, IcmpTypeCode) {
  const auto r = feed({"akvorado_icmp-template.pcap", "akvorado_icmp-data.pcap"});
  ASSERT_EQ(r.size(), 4U);
  EXPECT_EQ(r[0].protocol, core::ip_proto::kIcmpV6);
  EXPECT_EQ(r[0].dst_port, 128 << 8);  // echo request
  EXPECT_EQ(r[1].dst_port, 129 << 8);  // echo reply
  EXPECT_EQ(r[2].protocol, core::ip_proto::kIcmp);
  EXPECT_EQ(r[2].src, ip("203.0.113.4"));
  EXPECT_EQ(r[2].dst_port, 8 << 8);  // echo request
  EXPECT_EQ(r[3].dst_port, 0);       // echo reply
  for (const auto& f : r) EXPECT_EQ(f.src_port, 0);
}

TEST_F(AkvoradoConformance, NatEventsKeepPreNatAddresses) {
  const auto r = feed({"akvorado_nat.pcap"});
  ASSERT_EQ(r.size(), 9U);
  EXPECT_EQ(r[0].src, ip("172.16.100.198"));
  EXPECT_EQ(r[0].src_port, 35303);
  EXPECT_EQ(r[0].dst, ip("10.89.87.1"));
  EXPECT_EQ(r[0].dst_port, 53);
  EXPECT_EQ(r[0].protocol, 17);
}

TEST_F(AkvoradoConformance, MplsIpv6) {
  const auto r = feed({"akvorado_mpls.pcap"});
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[1].src, ip("fd00::1:0:1:7:1"));
  EXPECT_EQ(r[1].dst, ip("fd00::1:0:1:6:1"));
  EXPECT_EQ(r[1].src_port, 49153);
  EXPECT_EQ(r[1].dst_port, 862);
  EXPECT_EQ(r[1].packets, 10U);
  EXPECT_EQ(r[1].bytes, 890U);
  EXPECT_EQ(r[1].sampling_rate, 10U);
  EXPECT_EQ(r[1].ttl, 255);
  EXPECT_EQ(r[1].duration_ns, 84'000'000'000ULL);
}

TEST_F(AkvoradoConformance, PacketIntervalAndSpace) {
  // Options: samplingPacketInterval 1, samplingPacketSpace 999; the template has both families.
  const auto r = feed({"akvorado_physicalinterfaces.pcap"});
  ASSERT_EQ(r.size(), 8U);
  EXPECT_EQ(r[0].src, ip("147.53.240.75"));
  EXPECT_EQ(r[0].dst_port, 993);
  for (const auto& f : r) EXPECT_EQ(f.sampling_rate, 1000U);
}

TEST_F(AkvoradoConformance, DataAndTemplatesInOneCapture) {
  const auto r = feed({"akvorado_data+templates.pcap"});
  EXPECT_EQ(r.size(), 21U);
  for (const auto& f : r) EXPECT_EQ(f.sampling_rate, 100U);
}

TEST_F(AkvoradoConformance, IpfixProbeWithEnterpriseFields) {
  const auto r = feed({"akvorado_ipfixprobe-templates.pcap", "akvorado_ipfixprobe-data.pcap"});
  ASSERT_EQ(r.size(), 4U);
  EXPECT_EQ(r[2].src, ip("10.10.1.4"));
  EXPECT_EQ(r[2].dst, ip("74.53.140.153"));
  EXPECT_EQ(r[2].dst_port, 25);
  EXPECT_EQ(r[2].packets, 28U);
  EXPECT_EQ(r[2].bytes, 21673U);
  EXPECT_GT(dec_.stats().enterprise_fields_skipped, 0U);
}

// Records that carry only a data-link frame section (IE 315, with dataLinkFrameSize 312): the frame
// is decoded as a captured packet. akvorado's expectations: the datalink capture is one UDP packet
// 51.51.51.51:55501 -> 52.52.52.52:11777 of 96 bytes; the SRv6 and Juniper ones are IPv4 inside
// IPv6 (next header 4) between fc30:2200:1b::f and fc30:2200:23:e009::, 104 bytes.
TEST_F(AkvoradoConformance, DataLinkSectionsDecodeAsPackets) {
  const auto r =
      feed({"akvorado_datalink-template.pcap", "akvorado_datalink-data.pcap", "akvorado_ipfix-srv6-template.pcap",
            "akvorado_ipfix-srv6-data.pcap", "akvorado_juniper-cpid-template.pcap", "akvorado_juniper-cpid-data.pcap"});
  ASSERT_EQ(r.size(), 3U);
  EXPECT_EQ(r[0].src, ip("51.51.51.51"));
  EXPECT_EQ(r[0].dst, ip("52.52.52.52"));
  EXPECT_EQ(r[0].src_port, 55501);
  EXPECT_EQ(r[0].dst_port, 11777);
  EXPECT_EQ(r[0].protocol, core::ip_proto::kUdp);
  EXPECT_EQ(r[0].packets, 1U);
  EXPECT_EQ(r[0].bytes, 96U);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(r[i].src, ip("fc30:2200:1b::f"));
    EXPECT_EQ(r[i].dst, ip("fc30:2200:23:e009::"));
    EXPECT_EQ(r[i].protocol, 4);
    EXPECT_EQ(r[i].bytes, 104U);
  }
  EXPECT_EQ(dec_.stats().records_without_address, 0U);
  EXPECT_EQ(dec_.stats().frames_not_decoded, 0U);
  EXPECT_GT(dec_.stats().enterprise_fields_skipped, 0U);  // Juniper's enterprise 2636 fields
}

TEST_F(AkvoradoConformance, NdpiDataOnlyCountedWithoutTemplate) {
  const auto r = feed({"ndpi_netflowv9_data_only.pcap"});
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(dec_.stats().datagrams[WireVersion::kV9], 10U);
  EXPECT_EQ(dec_.stats().data_sets_held, 23U);
  EXPECT_LE(dec_.pendingCount(), 8U);  // pending_per_domain
  dec_.expire(~uint64_t{0});
  EXPECT_EQ(dec_.stats().data_without_template, 23U);
  EXPECT_EQ(dec_.pendingCount(), 0U);
}

TEST_F(AkvoradoConformance, NdpiFritzIpfixTemplates) {
  const auto r = feed({"ndpi_netflow-fritz.pcap"});
  EXPECT_TRUE(r.empty());  // the capture holds the templates only
  EXPECT_EQ(dec_.stats().templates_learned, 3U);
  EXPECT_EQ(dec_.templateCount(), 3U);
}

}  // namespace
}  // namespace rampart::flow::netflow::test
