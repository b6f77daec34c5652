// SPDX-License-Identifier: Apache-2.0
#include "flow/sflow/agent_table.h"

namespace rampart::flow::sflow {
namespace {

// Sequence numbers are compared modulo 2^32 (they wrap): a difference below 2^31 is forward.
constexpr uint32_t kHalfRange = 0x80000000U;

void advance(AgentState& s, uint32_t sequence, uint32_t uptime_ms) {
  const uint32_t delta = sequence - s.last_sequence;
  if (delta == 0) {
    ++s.duplicates;
  } else if (delta < kHalfRange) {
    s.lost_datagrams += delta - 1;
    s.last_sequence = sequence;
    s.last_uptime_ms = uptime_ms;
  } else if (uptime_ms < s.last_uptime_ms) {
    // Sequence and uptime both went back: the agent restarted and numbers from 1 again.
    ++s.restarts;
    s.last_sequence = sequence;
    s.last_uptime_ms = uptime_ms;
  } else {
    // A late datagram, counted as lost when its successor arrived.
    ++s.out_of_order;
    if (s.lost_datagrams > 0) --s.lost_datagrams;
  }
}

}  // namespace

void AgentTable::observe(const core::IpAddress& agent, uint32_t sub_agent, uint32_t sequence, uint32_t uptime_ms,
                         uint64_t now_ns) {
  const Key key{agent, sub_agent};
  const auto it = index_.find(key);
  if (it == index_.end()) {
    if (entries_.size() >= capacity_) {
      ++overflow_;
      return;
    }
    index_.emplace(key, entries_.size());
    AgentState& s = entries_.emplace_back();
    s.agent = agent;
    s.sub_agent = sub_agent;
    s.last_sequence = sequence;
    s.last_uptime_ms = uptime_ms;
    s.datagrams = 1;
    s.last_seen_ns = now_ns;
    return;
  }
  AgentState& s = entries_[it->second];
  ++s.datagrams;
  s.last_seen_ns = now_ns;
  advance(s, sequence, uptime_ms);
}

const AgentState* AgentTable::find(const core::IpAddress& agent, uint32_t sub_agent) const noexcept {
  const auto it = index_.find(Key{agent, sub_agent});
  return it == index_.end() ? nullptr : &entries_[it->second];
}

}  // namespace rampart::flow::sflow
