// SPDX-License-Identifier: Apache-2.0
// Conformance against third-party sFlow captures in ../shared/data/flow-telemetry/sflow: tcpdump's
// decodes (../shared/data/ground-truth/tcpdump_sflow*.txt) for headers, sequence numbers, sample
// counts and interface counters; tcpdump -vvv of the akvorado and nDPI captures for the sampled
// packets. Skipped where the folder is absent, except under CI=true.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "flow/sflow/sflow_decoder.h"
#include "report/sensor_stats_json.h"
#include "support/shared_data.h"
#include "support/udp_payloads.h"

namespace rampart::flow::sflow {
namespace {

namespace fs = std::filesystem;
using core::FlowRecord;
using core::IpAddress;

fs::path sflowDir() { return rampart::testing::sharedDataDir(RAMPART_SOURCE_DIR) / "flow-telemetry" / "sflow"; }

struct Capture {
  SflowDecoder decoder;
  std::vector<SflowError> results;
  std::vector<FlowRecord> records;
  std::vector<InterfaceCounters> counters;
};

// Decodes every UDP datagram of `name` with one decoder; false when the file is absent.
bool decodeCapture(const std::string& name, Capture& out) {
  const fs::path path = sflowDir() / name;
  if (!fs::exists(path)) return false;
  for (const auto& dg : rampart::testing::udpDatagrams(path.string())) {
    out.results.push_back(out.decoder.decode(dg.payload, dg.timestamp_ns, out.records, &out.counters));
  }
  return true;
}

#define LOAD_OR_SKIP(name, capture)                                                \
  do {                                                                             \
    if (!decodeCapture(name, capture)) {                                           \
      if (rampart::testing::inCi()) FAIL() << "missing " << (sflowDir() / (name)); \
      GTEST_SKIP() << "shared data absent: " << (sflowDir() / (name));             \
    }                                                                              \
  } while (false)

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

void expectFlow(const FlowRecord& r, const char* src, uint16_t src_port, const char* dst, uint16_t dst_port,
                uint8_t protocol, uint64_t bytes, uint32_t rate) {
  EXPECT_EQ(r.src, ip(src)) << r.src.toString();
  EXPECT_EQ(r.dst, ip(dst)) << r.dst.toString();
  EXPECT_EQ(r.src_port, src_port);
  EXPECT_EQ(r.dst_port, dst_port);
  EXPECT_EQ(r.protocol, protocol);
  EXPECT_EQ(r.bytes, bytes);
  EXPECT_EQ(r.sampling_rate, rate);
  EXPECT_EQ(r.packets, 1u);
}

std::size_t errorCount(const SflowStats& s, SflowError e) { return s.results[e]; }

// tcpdump_sflow_multiple_counter_30_pdus.expected-output-v.txt: 30 datagrams, 25 sFlow v5 (142
// expanded and 2 compact counter samples) and 5 that tcpdump calls "sFlow version 327681 packet
// not supported" (NetFlow v5 headers sent to port 6343), rejected here as kBadVersion.
TEST(SflowConformance, TcpdumpMultipleCounter30Pdus) {
  Capture c;
  LOAD_OR_SKIP("tcpdump_sflow_multiple_counter_30_pdus.pcap", c);
  ASSERT_EQ(c.results.size(), 30u);
  const SflowStats& s = c.decoder.stats();
  EXPECT_EQ(errorCount(s, SflowError::kOk), 25u);
  EXPECT_EQ(errorCount(s, SflowError::kBadVersion), 5u);
  EXPECT_EQ(s.errors(), 5u);
  EXPECT_EQ(s.counter_samples, 144u);
  EXPECT_EQ(s.flow_samples, 0u);
  EXPECT_EQ(c.counters.size(), 142u);  // two host-counter samples carry no generic record
  // PDU 1: agent 15.184.8.4, agent-id 2, seqnum 204720; first sample ifindex 55.
  const InterfaceCounters& first = c.counters[0];
  EXPECT_EQ(first.agent, ip("15.184.8.4"));
  EXPECT_EQ(first.sub_agent, 2u);
  EXPECT_EQ(first.sample_sequence, 87096u);
  EXPECT_EQ(first.if_index, 55u);
  EXPECT_EQ(first.if_type, 117u);
  EXPECT_EQ(first.if_speed, 1'000'000'000u);
  EXPECT_EQ(first.if_direction, 1u);
  EXPECT_EQ(first.if_status, 3u);
  EXPECT_EQ(first.in_octets, 820721u);
  EXPECT_EQ(first.in_ucast, 9601u);
  EXPECT_EQ(first.in_broadcast, 1302u);
  EXPECT_EQ(first.out_octets, 178785248u);
  EXPECT_EQ(first.out_ucast, 9736u);
  EXPECT_EQ(first.out_multicast, 132958u);
  EXPECT_EQ(first.out_broadcast, 2213534u);
  EXPECT_EQ(first.promiscuous_mode, 2u);
  EXPECT_TRUE(first.has_ethernet);
  // Third sample of PDU 1: ifindex 57, the one with 64-bit octet counts above 2^31.
  EXPECT_EQ(c.counters[2].if_index, 57u);
  EXPECT_EQ(c.counters[2].in_octets, 3051593057u);
  EXPECT_EQ(c.counters[2].in_ucast, 52919488u);
  EXPECT_EQ(c.counters[2].in_multicast, 1491u);
  EXPECT_EQ(c.counters[2].out_octets, 1525716840u);
  EXPECT_EQ(c.counters[2].out_ucast, 30013667u);
  // Agents: 15.184.8.4/2 sends 204720 and 204721; 15.184.1.195/1 sends 10 in sequence up to 10499691.
  const AgentTable& agents = c.decoder.agents();
  EXPECT_EQ(agents.size(), 7u);
  const AgentState* a = agents.find(ip("15.184.8.4"), 2);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->datagrams, 2u);
  EXPECT_EQ(a->last_sequence, 204721u);
  EXPECT_EQ(a->lost_datagrams, 0u);
  const AgentState* b = agents.find(ip("15.184.1.195"), 1);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->datagrams, 10u);
  EXPECT_EQ(b->last_sequence, 10499691u);
  EXPECT_EQ(b->lost_datagrams, 0u);
  const AgentState* h = agents.find(ip("15.184.1.194"), 1);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->last_sequence, 10354088u);
}

// tcpdump_sflow-print-v6.expected-output-vvv.txt: IPv6 agent 30::1:1:1, seqnum 109..133, 48
// counter samples and 13 flow samples (rate 1, raw Ethernet headers of 64, 250 and 500 bytes).
TEST(SflowConformance, TcpdumpPrintV6) {
  Capture c;
  LOAD_OR_SKIP("tcpdump_sflow-print-v6.pcap", c);
  ASSERT_EQ(c.results.size(), 25u);
  const SflowStats& s = c.decoder.stats();
  EXPECT_EQ(errorCount(s, SflowError::kOk), 25u);
  EXPECT_EQ(s.samples, 61u);
  EXPECT_EQ(s.counter_samples, 48u);
  EXPECT_EQ(s.flow_samples, 13u);
  EXPECT_EQ(s.unknown_record_types, 13u);  // one extended switch record per flow sample
  const AgentState* a = c.decoder.agents().find(ip("30::1:1:1"), 0);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->datagrams, 25u);
  EXPECT_EQ(a->last_sequence, 133u);
  EXPECT_EQ(a->lost_datagrams, 0u);
  ASSERT_EQ(c.counters.size(), 48u);
  EXPECT_EQ(c.counters[0].if_index, 23001u);
  EXPECT_EQ(c.counters[0].if_speed, 400'000'000'000u);
  EXPECT_EQ(c.counters[0].out_octets, 9717u);
  EXPECT_EQ(c.counters[0].out_multicast, 79u);
  EXPECT_TRUE(c.counters[0].has_ethernet);
  ASSERT_EQ(c.records.size(), 13u);
  for (const FlowRecord& r : c.records) {
    EXPECT_EQ(r.src, ip("10.10.10.2"));
    EXPECT_EQ(r.dst, ip("50.1.1.2"));
    EXPECT_EQ(r.sampling_rate, 1u);
  }
  // Frame lengths 64, 250, 500 with 4 stripped bytes: IP length = frame - 14 - 4.
  EXPECT_EQ(c.records[0].bytes, 46u);
  EXPECT_EQ(c.records[1].bytes, 232u);
  EXPECT_EQ(c.records[2].bytes, 482u);
}

// Five flow samples, rate 1024, agent 172.16.0.3 seqnum 812646826; IPv6 and IPv4 TCP.
TEST(SflowConformance, Akvorado1140) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-1140.pcap", c);
  ASSERT_EQ(c.results, std::vector<SflowError>{SflowError::kOk});
  const AgentState* a = c.decoder.agents().find(ip("172.16.0.3"), 0);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->last_sequence, 812646826u);
  ASSERT_EQ(c.records.size(), 5u);
  expectFlow(c.records[0], "2a0c:8880:2:0:185:21:130:38", 46026, "2a0c:8880:2:0:185:21:130:39", 22, 6, 1500, 1024);
  expectFlow(c.records[1], "104.26.8.24", 443, "45.90.161.46", 56876, 6, 421, 1024);
  expectFlow(c.records[3], "45.90.161.148", 55658, "191.87.91.27", 5555, 6, 40, 1024);
  EXPECT_EQ(c.records[3].tcp_flags, core::tcp_flag::kSyn);
  EXPECT_EQ(c.decoder.stats().unknown_record_types, 9u);  // switch, router and gateway data
}

// The same datagram with samples = 1: the other four samples' bytes are trailing and ignored.
TEST(SflowConformance, AkvoradoSingleSampleVariants) {
  for (const char* name : {"akvorado_data-discard-interface.pcap", "akvorado_data-local-interface.pcap",
                           "akvorado_data-multiple-interfaces.pcap"}) {
    Capture c;
    LOAD_OR_SKIP(name, c);
    ASSERT_EQ(c.results, std::vector<SflowError>{SflowError::kOk}) << name;
    ASSERT_EQ(c.records.size(), 1u) << name;
    expectFlow(c.records[0], "2a0c:8880:2:0:185:21:130:38", 46026, "2a0c:8880:2:0:185:21:130:39", 22, 6, 1500, 1024);
  }
}

TEST(SflowConformance, AkvoradoIcmpv4) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-icmpv4.pcap", c);
  ASSERT_EQ(c.records.size(), 1u);
  expectFlow(c.records[0], "203.0.113.4", 0, "203.0.113.5", 8 << 8, 1, 84, 1);  // echo request
  EXPECT_NE(c.decoder.agents().find(ip("127.0.0.1"), 1402), nullptr);
}

TEST(SflowConformance, AkvoradoIcmpv6) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-icmpv6.pcap", c);
  ASSERT_EQ(c.records.size(), 1u);
  expectFlow(c.records[0], "fe80::d05b:45ff:feee:5ecf", 0, "2001:db8::", 135 << 8, 58, 72, 1);  // NS
  EXPECT_EQ(c.records[0].ttl, 255);
}

TEST(SflowConformance, AkvoradoVxlanDescribesTheInnerPacket) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-encap-vxlan.pcap", c);
  ASSERT_EQ(c.records.size(), 1u);
  expectFlow(c.records[0], "2001:db8:4::1", 0, "2001:db8:4::3", 128 << 8, 58, 104, 1);  // echo request
  EXPECT_EQ(c.records[0].tunnel, FlowRecord::kTunnelVxlan);
}

TEST(SflowConformance, AkvoradoQinqExpandedSample) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-qinq.pcap", c);
  ASSERT_EQ(c.records.size(), 1u);
  expectFlow(c.records[0], "49.49.49.2", 32017, "49.49.49.109", 443, 6, 80, 4096);
  const AgentState* a = c.decoder.agents().find(ip("172.17.128.58"), 100);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->last_sequence, 184089u);
}

TEST(SflowConformance, AkvoradoRawIpv4Header) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-sflow-raw-ipv4.pcap", c);
  ASSERT_EQ(c.records.size(), 2u);
  expectFlow(c.records[0], "69.58.92.107", 0, "92.222.186.1", 0, 1, 32, 1);  // echo reply
  expectFlow(c.records[1], "69.58.92.107", 0, "92.222.184.1", 0, 1, 32, 1);
  EXPECT_NE(c.decoder.agents().find(ip("172.19.64.116"), 100000), nullptr);
}

TEST(SflowConformance, ExpandedSampleCaptures) {
  for (const char* name : {"akvorado_data-sflow-expanded-sample.pcap", "tcpdump_sflow_expanded.pcap"}) {
    Capture c;
    LOAD_OR_SKIP(name, c);
    ASSERT_EQ(c.records.size(), 1u) << name;
    expectFlow(c.records[0], "52.52.52.52", 22, "53.53.53.53", 52237, 6, 104, 1000);
    const AgentState* a = c.decoder.agents().find(ip("49.49.49.49"), 0);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_EQ(a->last_sequence, 115694180u);
  }
}

// Raw header, Ethernet frame data, switch data and sampled IPv4 in one expanded sample.
TEST(SflowConformance, AkvoradoIpv4Data) {
  Capture c;
  LOAD_OR_SKIP("akvorado_data-sflow-ipv4-data.pcap", c);
  ASSERT_EQ(c.records.size(), 1u);
  expectFlow(c.records[0], "50.50.50.50", 46622, "51.51.51.51", 58631, 17, 1344, 256);
  EXPECT_EQ(c.decoder.stats().unknown_record_types, 2u);
}

// nDPI's capture: 8 counter samples and one flow sample at 1:2048 from 172.21.35.17 agent-id 1.
TEST(SflowConformance, NdpiSflow) {
  Capture c;
  LOAD_OR_SKIP("ndpi_sflow.pcap", c);
  ASSERT_EQ(c.results.size(), 9u);
  ASSERT_EQ(c.records.size(), 1u);
  expectFlow(c.records[0], "172.21.32.254", 0, "172.21.32.241", 8 << 8, 1, 60, 2048);
  ASSERT_EQ(c.counters.size(), 8u);
  const InterfaceCounters& k = c.counters[0];
  EXPECT_EQ(k.if_index, 1036u);
  EXPECT_EQ(k.if_speed, 100'000'000u);
  EXPECT_EQ(k.in_octets, 25963724u);
  EXPECT_EQ(k.in_ucast, 39811u);
  EXPECT_EQ(k.in_multicast, 167958u);
  EXPECT_EQ(k.in_broadcast, 128627u);
  EXPECT_EQ(k.out_octets, 5455297u);
  EXPECT_EQ(k.out_ucast, 41143u);
  EXPECT_EQ(k.out_multicast, 8583u);
  EXPECT_EQ(k.out_broadcast, 2263u);
  EXPECT_FALSE(k.has_ethernet);
  EXPECT_EQ(c.counters[1].if_index, 1043u);
  EXPECT_EQ(c.counters[1].out_octets, 102590282u);
  const AgentState* a = c.decoder.agents().find(ip("172.21.35.17"), 1);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->datagrams, 9u);
  EXPECT_EQ(a->last_sequence, 423u);
  EXPECT_EQ(a->lost_datagrams, 0u);
}

// Every datagram of every capture decodes or is rejected with exactly one counted reason.
TEST(SflowConformance, EveryDatagramDecodesOrIsCounted) {
  std::error_code ec;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(sflowDir(), ec)) {
    if (entry.path().extension() != ".pcap") continue;
    ++files;
    Capture c;
    ASSERT_TRUE(decodeCapture(entry.path().filename().string(), c));
    const SflowStats& s = c.decoder.stats();
    EXPECT_GT(s.datagrams, 0u) << entry.path();
    EXPECT_EQ(s.datagrams, c.results.size());
    std::size_t rejected = 0;
    for (const SflowError e : c.results) rejected += e != SflowError::kOk ? 1 : 0;
    EXPECT_EQ(errorCount(s, SflowError::kOk), s.datagrams - rejected) << entry.path();
    EXPECT_EQ(s.errors(), rejected) << entry.path();
    EXPECT_EQ(s.header_decode_failures, 0u) << entry.path();
    EXPECT_EQ(s.flow_records, c.records.size());
  }
  if (files == 0) {
    if (rampart::testing::inCi()) FAIL() << "missing " << sflowDir();
    GTEST_SKIP() << "shared data absent: " << sflowDir();
  }
  EXPECT_EQ(files, 15u);
}

}  // namespace
}  // namespace rampart::flow::sflow

namespace rampart::flow::sflow {
namespace {

// What the daemon's statistics document shows of tcpdump's counter capture: agents with their
// sequence accounting and each interface's ifTable counters.
TEST(SflowConformance, InterfaceCountersInTheStatisticsDocument) {
  Capture c;
  LOAD_OR_SKIP("tcpdump_sflow_multiple_counter_30_pdus.pcap", c);
  const nlohmann::json j = report::sflowStatsJson(c.decoder.stats(), c.decoder.agents(), c.counters);
  EXPECT_EQ(j["datagrams"], 30);
  EXPECT_EQ(j["results"]["bad_version"], 5);
  EXPECT_EQ(j["counter_samples"], 144);
  ASSERT_EQ(j["agents"].size(), 7u);
  ASSERT_EQ(j["interfaces"].size(), 142u);
  const nlohmann::json& third = j["interfaces"][2];
  EXPECT_EQ(third["agent"], "15.184.8.4");
  EXPECT_EQ(third["sub_agent"], 2);
  EXPECT_EQ(third["if_index"], 57);
  EXPECT_EQ(third["in_octets"], 3051593057u);
  EXPECT_EQ(third["out_ucast"], 30013667u);
  EXPECT_EQ(j["interfaces"][0]["if_speed"], 1'000'000'000u);
  EXPECT_EQ(j["interfaces"][0]["oper_up"], true);
  EXPECT_TRUE(j["interfaces"][0].contains("ethernet"));
}

}  // namespace
}  // namespace rampart::flow::sflow
