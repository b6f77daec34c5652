// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for SflowDecoder. Every input is one datagram fed to the same long-lived
// decoder, so the agent table (inserts, sequence arithmetic, its bound) is exercised across inputs.
// Besides not crashing, results must be in range and records and stats self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "flow/sflow/sflow_decoder.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rampart::flow::sflow;
  // Small bound, so that the fuzzer reaches the table's overflow path too.
  static SflowDecoder decoder(SflowDecoderConfig{.max_agents = 64});
  static std::vector<rampart::core::FlowRecord> records;
  static std::vector<InterfaceCounters> counters;
  records.clear();
  counters.clear();
  const SflowStats before = decoder.stats();
  const SflowError result = decoder.decode(std::span<const uint8_t>(data, size), 42, records, &counters);
  const SflowStats& after = decoder.stats();

  check(static_cast<std::size_t>(result) < kSflowErrorCount);
  check(!toString(result).empty());
  check(after.datagrams == before.datagrams + 1);
  check(after.flow_records - before.flow_records == records.size());
  check(after.interface_counters - before.interface_counters == counters.size());
  // A datagram is either clean or has at least one counted reason.
  const uint64_t faults = after.errors() - before.errors();
  check(result == SflowError::kOk ? faults == 0 : faults >= 1);
  check(records.size() <= size / 8);  // a sample takes at least 8 bytes
  check(decoder.agents().size() <= decoder.agents().capacity());
  for (const auto& r : records) {
    check(r.packets == 1 && r.sampling_rate >= 1 && r.timestamp_ns == 42);
  }
  for (const auto& c : counters) check(c.timestamp_ns == 42);
  return 0;
}
