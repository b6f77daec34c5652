// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"

namespace rampart::flow::sflow {

// What the collector knows of one sFlow agent: the pair (agent address, sub_agent_id) numbers its
// datagrams with one sequence (sFlow v5 section "sFlow Datagram Format").
struct AgentState {
  core::IpAddress agent;
  uint32_t sub_agent = 0;
  uint32_t last_sequence = 0;
  uint32_t last_uptime_ms = 0;
  uint64_t datagrams = 0;
  uint64_t lost_datagrams = 0;  // sum of forward gaps in the sequence, less late arrivals
  uint64_t duplicates = 0;      // same sequence number as the last one
  uint64_t out_of_order = 0;    // an older sequence number while uptime went on
  uint64_t restarts = 0;        // an older sequence number with a smaller uptime: agent rebooted
  uint64_t last_seen_ns = 0;
};

// Agents seen by one decoder, bounded: once `capacity` agents are known, datagrams from new ones
// are still decoded but not tracked, and counted in overflow(). Entries keep their first-seen
// order. Inserting allocates; the per-datagram path for a known agent does not.
class AgentTable {
 public:
  explicit AgentTable(std::size_t capacity) : capacity_(capacity) {}

  // Records one datagram header. Returns nothing: the table's state is the result.
  void observe(const core::IpAddress& agent, uint32_t sub_agent, uint32_t sequence, uint32_t uptime_ms,
               uint64_t now_ns);

  [[nodiscard]] const AgentState* find(const core::IpAddress& agent, uint32_t sub_agent) const noexcept;
  [[nodiscard]] const std::vector<AgentState>& entries() const noexcept { return entries_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] uint64_t overflow() const noexcept { return overflow_; }

 private:
  struct Key {
    core::IpAddress agent;
    uint32_t sub_agent = 0;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return k.agent.hash() ^ (k.sub_agent * 0x9E3779B97F4A7C15ULL);
    }
  };

  std::size_t capacity_;
  std::vector<AgentState> entries_;
  std::unordered_map<Key, std::size_t, KeyHash> index_;
  uint64_t overflow_ = 0;
};

}  // namespace rampart::flow::sflow
