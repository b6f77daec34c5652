// SPDX-License-Identifier: Apache-2.0
// Conformance against pmacct's test automation: Cisco IPFIX and NetFlow v9 captures beside the
// flows nfacctd decoded from them (one JSON object per line). nfacctd aggregates on its primitives
// and, where configured, renormalises packets and bytes by the sampling rate, so each expected flow
// is compared with the sum of our records of the same 5-tuple, raw or multiplied by the rate.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>
#include <tuple>

#include "netflow_test_util.h"

namespace rampart::flow::netflow::test {
namespace {

using FiveTuple = std::tuple<std::string, std::string, uint16_t, uint16_t, uint8_t>;

struct Totals {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t packets_scaled = 0;  // times each record's sampling rate
  uint64_t bytes_scaled = 0;
};

uint8_t protoNumber(const std::string& name) {
  if (name == "tcp") return 6;
  if (name == "udp") return 17;
  if (name == "icmp") return 1;
  if (name == "ipv6-icmp") return 58;
  if (name == "vrrp") return 112;
  return 0;
}

// Returns the number of expected flows (JSON lines) checked.
std::size_t checkCase(const std::string& name, bool renormalised, std::size_t pcaps) {
  const auto dir = flowDataDir("pmacct-ipfix-nfv9-with-expected-json");
  NetflowDecoder dec;
  std::vector<core::FlowRecord> records;
  for (std::size_t i = 0; i < pcaps; ++i) {
    const auto more = decodeCapture(dec, dir / (name + "__traffic-0" + std::to_string(i) + ".pcap"));
    records.insert(records.end(), more.begin(), more.end());
  }
  EXPECT_EQ(errorCount(dec.stats()), 0U) << name;
  std::map<FiveTuple, Totals> got;
  for (const auto& r : records) {
    Totals& t = got[{r.src.toString(), r.dst.toString(), r.src_port, r.dst_port, r.protocol}];
    t.packets += r.packets;
    t.bytes += r.bytes;
    t.packets_scaled += uint64_t{r.packets} * r.sampling_rate;
    t.bytes_scaled += r.bytes * r.sampling_rate;
  }
  std::map<FiveTuple, Totals> want;
  std::ifstream in(dir / (name + "__output-flow-00.json"));
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    const auto j = nlohmann::json::parse(line);
    const FiveTuple key{core::IpAddress::parse(j.at("ip_src").get<std::string>()).value().toString(),
                        core::IpAddress::parse(j.at("ip_dst").get<std::string>()).value().toString(),
                        j.at("port_src").get<uint16_t>(), j.at("port_dst").get<uint16_t>(),
                        protoNumber(j.at("ip_proto").get<std::string>())};
    Totals& t = want[key];
    t.packets += j.at("packets").get<uint64_t>();
    t.bytes += j.at("bytes").get<uint64_t>();
  }
  for (const auto& [key, w] : want) {
    const auto it = got.find(key);
    if (it == got.end()) {
      ADD_FAILURE() << name << ": expected flow not decoded: " << std::get<0>(key) << ":" << std::get<2>(key) << " > "
                    << std::get<1>(key) << ":" << std::get<3>(key) << " proto " << int{std::get<4>(key)};
      continue;
    }
    const Totals& g = it->second;
    if (renormalised) {
      EXPECT_EQ(g.packets_scaled, w.packets) << name << " " << std::get<0>(key);
      EXPECT_EQ(g.bytes_scaled, w.bytes) << name << " " << std::get<0>(key);
    } else {
      EXPECT_EQ(g.packets, w.packets) << name << " " << std::get<0>(key);
      EXPECT_EQ(g.bytes, w.bytes) << name << " " << std::get<0>(key);
    }
  }
  return lines;
}

class PmacctConformance : public ::testing::Test {
 protected:
  void SetUp() override { RAMPART_REQUIRE_DIR(flowDataDir("pmacct-ipfix-nfv9-with-expected-json")); }
};

TEST_F(PmacctConformance, IpfixCisco) { EXPECT_EQ(checkCase("100-IPFIXv10-CISCO", false, 1), 12U); }

TEST_F(PmacctConformance, Nfv9CiscoCustomPrimitives) {
  EXPECT_EQ(checkCase("101-NFv9-CISCO-cust_primitives", false, 1), 51U);
}

TEST_F(PmacctConformance, Nfv9CiscoTwoSourceIds) {
  EXPECT_EQ(checkCase("102-NFv9-CISCO-f2rd-pretag-sampling-reload", false, 1), 35U);
}

// The README: nfacctd renormalises by the rate of options template 257 (selectorId,
// samplingSize / samplingPopulation): 1 in 256.
TEST_F(PmacctConformance, IpfixIpv6SamplingOptionRenormalised) {
  EXPECT_EQ(checkCase("104-IPFIXv10-IPv6-CISCO-sampling_option", true, 1), 3U);
  NetflowDecoder dec;
  const auto records = decodeCapture(dec, flowDataDir("pmacct-ipfix-nfv9-with-expected-json") /
                                              "104-IPFIXv10-IPv6-CISCO-sampling_option__traffic-00.pcap");
  ASSERT_EQ(records.size(), 3U);
  for (const auto& r : records) EXPECT_EQ(r.sampling_rate, 256U);
  EXPECT_EQ(dec.stats().options_records, 1U);
}

TEST_F(PmacctConformance, IpfixAndNfv9FromTwoExporters) {
  EXPECT_EQ(checkCase("111-IPFIXv10-NFv9-IPv6-IPv4-mix_sources", false, 2), 24U);
}

}  // namespace
}  // namespace rampart::flow::netflow::test
