// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>

#include "core/flow_record.h"
#include "decode/packet_decoder.h"
#include "traffic/traffic_counters.h"

namespace rampart::pipeline {

// Decode -> count for one frame: the step every packet takes, in the windowed analyzer and in each
// capture worker's shard. `record` is the caller's, reused from frame to frame; a frame that does not
// decode is counted in `decode` only.
inline void countFrame(decode::LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns,
                       uint32_t sampling_rate, core::FlowRecord& record, decode::DecodeStats& decode,
                       traffic::TrafficCounters& counters) noexcept {
  const decode::DecodeResult r = decode::decodePacket(link, frame, timestamp_ns, record);
  decode.add(r);
  if (r != decode::DecodeResult::kOk) return;
  record.sampling_rate = sampling_rate;
  counters.add(record);
}

}  // namespace rampart::pipeline
