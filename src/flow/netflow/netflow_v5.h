// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/flow_record.h"
#include "flow/netflow/flow_stats.h"

namespace rampart::flow::netflow {

inline constexpr std::size_t kV5HeaderLength = 24;
inline constexpr std::size_t kV5RecordLength = 48;
inline constexpr uint16_t kV5MaxRecords = 30;

// Decodes one NetFlow v5 export packet (fixed format: 24-byte header, `count` 48-byte records).
// The header's sampling_interval (low 14 bits; the top 2 are the mode) gives the rate; when it is
// 0, `default_rate` applies. Appends to `out` only when the whole packet is valid.
[[nodiscard]] FlowError decodeV5(std::span<const uint8_t> datagram, uint64_t receive_ns, uint32_t default_rate,
                                 std::vector<core::FlowRecord>& out);

}  // namespace rampart::flow::netflow
