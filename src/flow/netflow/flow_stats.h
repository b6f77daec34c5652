// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

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

// Index into NetflowStats::datagrams_by_version.
enum class WireVersion : uint8_t { kV5, kV9, kIpfix, kCount };

// Counters of one decoder. Declared here as data; the metrics layer exports them.
struct NetflowStats {
  std::array<uint64_t, static_cast<std::size_t>(WireVersion::kCount)> datagrams_by_version{};
  uint64_t records = 0;                  // flow records produced
  uint64_t records_without_address = 0;  // data records with neither address nor frame (not produced)
  uint64_t frames_not_decoded = 0;       // records whose only content, a frame section (IE 315), did not decode
  std::array<uint64_t, kFlowErrorCount> by_error{};
  uint64_t data_without_template = 0;  // data sets dropped because no template came in time
  uint64_t data_sets_held = 0;         // data sets held waiting for their template
  uint64_t data_sets_replayed = 0;     // held data sets decoded once their template arrived
  uint64_t templates_learned = 0;      // new or changed templates
  uint64_t templates_refreshed = 0;    // identical template re-sent
  uint64_t templates_withdrawn = 0;
  uint64_t templates_expired = 0;
  uint64_t templates_dropped = 0;  // refused by a cap
  uint64_t options_records = 0;
  uint64_t sampling_rates_learned = 0;
  uint64_t enterprise_fields_skipped = 0;
  uint64_t sets_skipped = 0;           // reserved set ids
  uint64_t header_count_mismatch = 0;  // v9 header count differs from the records present
};

}  // namespace rampart::flow::netflow
