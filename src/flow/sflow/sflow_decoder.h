// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/flow_record.h"
#include "flow/sflow/agent_table.h"
#include "flow/sflow/interface_counters.h"
#include "flow/sflow/sflow_error.h"

namespace rampart::flow::sflow {

struct SflowDecoderConfig {
  std::size_t max_agents = 4096;  // (agent, sub_agent) pairs tracked; more are counted, not kept
};

// Decodes sFlow version 5 datagrams (sflow.org/sflow_version_5.txt) into FlowRecords and interface
// counters. Pure: no I/O, no logging, no exceptions; one decoder per worker thread.
//
// Per flow sample (compact format 1 or expanded format 3) at most one FlowRecord: from its first
// raw packet header record (header protocol Ethernet, IPv4 or IPv6) that decodePacket accepts, else
// from a sampled IPv4 / IPv6 record. The record has packets = 1, sampling_rate = the sample's rate
// (0 read as 1), timestamp_ns = the receive time, bytes = the sampled packet's IP length. Extended
// flow data and other record types are skipped by their length.
//
// Per counter sample (format 2 or expanded 4) with a generic interface record, one
// InterfaceCounters (with the Ethernet counters when present).
class SflowDecoder {
 public:
  explicit SflowDecoder(SflowDecoderConfig config = {}) : agents_(config.max_agents) {}

  // Appends what `datagram` holds to `records_out` and, when given, `counters_out`. Returns kOk
  // when every part decoded, else the first fault; parts decoded before and after a skipped sample
  // are still appended. Every fault is counted in stats().
  //
  // noexcept: the only allocations are the output vectors' growth and an agent's first insertion;
  // running out of memory there ends the process, as it would anywhere in the pipeline.
  [[nodiscard]] SflowError decode(std::span<const uint8_t> datagram, uint64_t receive_ns,
                                  std::vector<core::FlowRecord>& records_out,
                                  std::vector<InterfaceCounters>* counters_out) noexcept;

  [[nodiscard]] const SflowStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const AgentTable& agents() const noexcept { return agents_; }

 private:
  struct Datagram {
    core::IpAddress agent;
    uint32_t sub_agent = 0;
    uint64_t receive_ns = 0;
    std::vector<core::FlowRecord>* records = nullptr;
    std::vector<InterfaceCounters>* counters = nullptr;
  };

  SflowError decodeSample(const Datagram& d, uint32_t data_format, std::span<const uint8_t> body) noexcept;
  SflowError decodeFlowSample(const Datagram& d, bool expanded, std::span<const uint8_t> body) noexcept;
  SflowError decodeCounterSample(const Datagram& d, bool expanded, std::span<const uint8_t> body) noexcept;

  SflowStats stats_;
  AgentTable agents_;
};

}  // namespace rampart::flow::sflow
