// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "metrics/counters.h"

namespace rampart::flow::netflow {

// Why a datagram (or part of it) was not decoded. A datagram reports its first error; the rest of
// a datagram after a malformed set is not trusted and is skipped.
enum class FlowError : uint8_t {
  kOk,
  kTruncated,      // shorter than its header, a set, a record or a template says
  kBadVersion,     // version field is not 5, 9 or 10
  kBadHeader,      // header values out of range (v5 count 0 or above 30, IPFIX length < 16)
  kBadSetLength,   // set/flowset length below 4 or past the end of the message
  kBadTemplate,    // template with a zero-length record, too many fields or bad scope count
  kTemplateLimit,  // template refused: per-exporter or total template cap reached
  kCount
};
inline constexpr std::size_t kFlowErrorCount = static_cast<std::size_t>(FlowError::kCount);

[[nodiscard]] std::string_view toString(FlowError e) noexcept;

// Datagrams are counted by version (NetflowStats::datagrams).
enum class WireVersion : uint8_t { kV5, kV9, kIpfix, kCount };
[[nodiscard]] std::string_view toString(WireVersion v) noexcept;

// Counters of one decoder, declared as data (metrics/counters.h).
#define RAMPART_NETFLOW_COUNTERS(COUNT, BY, PART)                                                            \
  BY(datagrams, "datagrams by wire version", WireVersion, "version")                                         \
  COUNT(records, "flow records produced")                                                                    \
  COUNT(records_without_address, "data records with neither address nor frame (not produced)")               \
  COUNT(frames_not_decoded, "records whose only content, a frame section (IE 315), did not decode")          \
  BY(errors, "datagrams or sets not decoded, by reason (a datagram reports its first)", FlowError, "reason") \
  COUNT(data_without_template, "data sets dropped because no template came in time")                         \
  COUNT(data_sets_held, "data sets held waiting for their template")                                         \
  COUNT(data_sets_replayed, "held data sets decoded once their template arrived")                            \
  COUNT(templates_learned, "new or changed templates")                                                       \
  COUNT(templates_refreshed, "identical templates sent again")                                               \
  COUNT(templates_withdrawn, "templates withdrawn by the exporter")                                          \
  COUNT(templates_expired, "templates forgotten after the template timeout")                                 \
  COUNT(templates_dropped, "templates refused by a cap")                                                     \
  COUNT(options_records, "options data records read")                                                        \
  COUNT(sampling_rates_learned, "sampling rates learned from options records")                               \
  COUNT(enterprise_fields_skipped, "enterprise-specific fields skipped")                                     \
  COUNT(sets_skipped, "sets with a reserved set id, skipped")                                                \
  COUNT(header_count_mismatch, "v9 datagrams whose header count differs from the records present")
struct NetflowStats {
  RAMPART_COUNTERS(NetflowStats, RAMPART_NETFLOW_COUNTERS)
};

}  // namespace rampart::flow::netflow
