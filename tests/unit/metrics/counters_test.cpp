// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <gtest/gtest.h>

#include "decode/packet_decoder.h"
#include "flow/netflow/flow_stats.h"
#include "flow/sflow/sflow_error.h"
#include "metrics/counters.h"
#include "metrics/json_writer.h"
#include "metrics/prometheus_writer.h"

namespace rampart::metrics {
namespace {

using decode::DecodeResult;
using flow::netflow::FlowError;
using flow::netflow::NetflowStats;
using flow::netflow::WireVersion;
using flow::sflow::SflowError;
using flow::sflow::SflowStats;

enum class Colour : uint8_t { kRed, kBlue, kCount };
std::string_view toString(Colour c) { return c == Colour::kRed ? "red" : "blue"; }

#define TEST_COUNTERS(COUNT, BY, PART)              \
  COUNT(apples, "apples counted")                   \
  BY(colours, "things by colour", Colour, "colour") \
  PART(decode, "frames decoded", decode::DecodeStats)
struct Sample {
  RAMPART_COUNTERS(Sample, TEST_COUNTERS)
};

Sample sample(uint64_t apples, uint64_t red, uint64_t ok) {
  Sample s;
  s.apples = apples;
  s.colours.add(Colour::kRed, red);
  s.decode.results.add(DecodeResult::kOk, ok);
  return s;
}

TEST(Counters, AddAndSubtractEveryMember) {
  Sample a = sample(1, 2, 3);
  a += sample(10, 20, 30);
  EXPECT_EQ(a.apples, 11u);
  EXPECT_EQ(a.colours[Colour::kRed], 22u);
  EXPECT_EQ(a.decode.decoded(), 33u);
  const Sample d = a - sample(1, 2, 3);
  EXPECT_EQ(d.apples, 10u);
  EXPECT_EQ(d.colours[Colour::kRed], 20u);
  EXPECT_EQ(d.decode.decoded(), 30u);
}

TEST(Counters, JsonShowsEveryCountAndTheLabelsThatOccurred) {
  Sample s = sample(5, 0, 7);
  s.colours.add(Colour::kBlue, 2);
  s.decode.add(DecodeResult::kNotIp);
  const nlohmann::json j = toJson(s);
  EXPECT_EQ(j["apples"], 5);
  EXPECT_EQ(j["colours"], (nlohmann::json{{"blue", 2}}));
  EXPECT_EQ(j["decode"]["results"]["ok"], 7);
  EXPECT_EQ(j["decode"]["results"][std::string(decode::toString(DecodeResult::kNotIp))], 1);
  EXPECT_EQ(j["decode"]["results"].size(), 2u);
}

TEST(Counters, PrometheusHasHelpTypeAndEveryLabelValue) {
  std::string out;
  appendPrometheus(out, "rampart_test", "sensor=\"eth0\"", sample(3, 4, 5));
  EXPECT_NE(out.find("# HELP rampart_test_apples_total apples counted\n"), std::string::npos) << out;
  EXPECT_NE(out.find("# TYPE rampart_test_apples_total counter\n"), std::string::npos) << out;
  EXPECT_NE(out.find("rampart_test_apples_total{sensor=\"eth0\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("rampart_test_colours_total{sensor=\"eth0\",colour=\"red\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("rampart_test_colours_total{sensor=\"eth0\",colour=\"blue\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("rampart_test_decode_results_total{sensor=\"eth0\",result=\"ok\"} 5\n"), std::string::npos) << out;
}

TEST(Counters, PrometheusWithoutLabels) {
  std::string out;
  appendPrometheus(out, "rampart_test", "", sample(3, 4, 5));
  EXPECT_NE(out.find("rampart_test_apples_total 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("rampart_test_colours_total{colour=\"red\"} 4\n"), std::string::npos) << out;
}

TEST(Counters, LabelValuesAreEscaped) { EXPECT_EQ(escapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"); }

// Every counter of a real set reaches the writers: the number of counts in the JSON is the
// number of members the list declares (a counter added to the list needs no other edit).
TEST(Counters, NetflowStatsShownWhole) {
  NetflowStats s;
  s.records = 4;
  s.sets_skipped = 1;
  s.errors.add(FlowError::kTruncated);
  s.datagrams.add(WireVersion::kIpfix, 2);
  const nlohmann::json j = toJson(s);
  EXPECT_EQ(j["records"], 4);
  EXPECT_EQ(j["sets_skipped"], 1);
  EXPECT_EQ(j["errors"], (nlohmann::json{{"truncated", 1}}));
  EXPECT_EQ(j["datagrams"], (nlohmann::json{{"ipfix", 2}}));
  std::size_t declared = 0;
#define COUNT_ONE(...) ++declared;
  RAMPART_NETFLOW_COUNTERS(COUNT_ONE, COUNT_ONE, COUNT_ONE)
#undef COUNT_ONE
  EXPECT_EQ(j.size(), declared);
}

TEST(Counters, SflowErrorsAreTheFaultsNotTheCleanDatagrams) {
  SflowStats s;
  s.add(SflowError::kOk);
  s.add(SflowError::kOk);
  s.add(SflowError::kBadVersion);
  EXPECT_EQ(s.errors(), 1u);
  SflowStats t = s;
  t += s;
  EXPECT_EQ(t.errors(), 2u);
  EXPECT_EQ(t.results[SflowError::kOk], 4u);
}

}  // namespace
}  // namespace rampart::metrics
