// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "core/flow_record.h"
#include "flow/sflow/interface_counters.h"
#include "flow/sflow/sflow_error.h"
#include "flow/sflow/xdr_reader.h"

// Readers for the record lists inside one sFlow v5 sample, internal to SflowDecoder. `r` is
// positioned at the first record and bounded by the sample. Each record is
//   data_format (enterprise << 12 | format), length, opaque data of `length` bytes,
// so a record whose content is unreadable is counted (kMalformedRecord) and skipped by its length.
// A record whose length runs past the sample leaves nothing to resynchronise on inside the sample:
// the reader stops and returns kMalformedSample, and the caller skips the sample by its own length.
namespace rampart::flow::sflow {

// The FlowRecord of one flow sample: a raw packet header (0:1) that decodes wins; otherwise a
// sampled IPv4 (0:3) or IPv6 (0:4) record. `produced` tells whether `out` was filled. Returns kOk,
// or the first fault (records decoded before and after a kMalformedRecord still count).
[[nodiscard]] SflowError readFlowRecords(XdrReader& r, uint32_t num_records, uint64_t receive_ns, SflowStats& stats,
                                         core::FlowRecord& out, bool& produced) noexcept;

// The generic interface (0:1) and Ethernet (0:2) counters of one counter sample; `has_generic`
// tells whether a generic record was read. Same return contract as readFlowRecords.
[[nodiscard]] SflowError readCounterRecords(XdrReader& r, uint32_t num_records, SflowStats& stats,
                                            InterfaceCounters& out, bool& has_generic) noexcept;

}  // namespace rampart::flow::sflow
