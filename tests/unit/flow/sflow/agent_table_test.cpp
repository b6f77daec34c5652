// SPDX-License-Identifier: Apache-2.0
// Per-agent sequence tracking: gaps, duplicates, late datagrams, restarts and the table's bound.
#include <gtest/gtest.h>

#include <vector>

#include "flow/sflow/agent_table.h"
#include "flow/sflow/sflow_decoder.h"
#include "unit/flow/sflow/sflow_builder.h"

namespace rampart::flow::sflow {
namespace {

using core::IpAddress;

const IpAddress kAgent = IpAddress::fromV4(0xC0000201);

TEST(AgentTable, CountsGapsDuplicatesLateDatagramsAndRestarts) {
  AgentTable table(8);
  table.observe(kAgent, 0, 10, 1000, 1);
  table.observe(kAgent, 0, 11, 1001, 2);
  table.observe(kAgent, 0, 15, 1005, 3);  // 12, 13, 14 missing
  table.observe(kAgent, 0, 15, 1005, 4);  // duplicate
  table.observe(kAgent, 0, 13, 1006, 5);  // late: no longer lost
  table.observe(kAgent, 0, 1, 10, 6);     // restart: uptime went back
  table.observe(kAgent, 0, 2, 11, 7);
  const AgentState* s = table.find(kAgent, 0);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->datagrams, 7u);
  EXPECT_EQ(s->lost_datagrams, 2u);
  EXPECT_EQ(s->duplicates, 1u);
  EXPECT_EQ(s->out_of_order, 1u);
  EXPECT_EQ(s->restarts, 1u);
  EXPECT_EQ(s->last_sequence, 2u);
  EXPECT_EQ(s->last_seen_ns, 7u);
  EXPECT_EQ(table.find(kAgent, 1), nullptr);  // another sub-agent is another sequence
}

TEST(AgentTable, SequenceWrapsWithoutALoss) {
  AgentTable table(1);
  table.observe(kAgent, 0, 0xFFFFFFFFU, 5, 1);
  table.observe(kAgent, 0, 0, 6, 2);
  EXPECT_EQ(table.find(kAgent, 0)->lost_datagrams, 0u);
  EXPECT_EQ(table.find(kAgent, 0)->restarts, 0u);
}

TEST(AgentTable, IsBoundedAndTheDecoderStillDecodes) {
  SflowDecoder decoder(SflowDecoderConfig{.max_agents = 2});
  std::vector<core::FlowRecord> records;
  const auto v4 = testing::sflow::sampledIpv4Record(60, 17, 0x0A000001, 0x0A000002, 1, 2, 0);
  for (uint32_t agent = 1; agent <= 3; ++agent) {
    const auto dg = testing::sflow::datagram(agent, 0, 1, 1, {testing::sflow::flowSample(1, 1, {v4})});
    EXPECT_EQ(decoder.decode(dg, 0, records, nullptr), SflowError::kOk);
  }
  EXPECT_EQ(records.size(), 3u);
  EXPECT_EQ(decoder.agents().size(), 2u);
  EXPECT_EQ(decoder.agents().overflow(), 1u);
  EXPECT_EQ(decoder.agents().entries()[1].agent, IpAddress::fromV4(2));
}

}  // namespace
}  // namespace rampart::flow::sflow
