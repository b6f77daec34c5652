// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decode/packet_decoder.h"

namespace rampart::flow::sflow {

// Why a datagram, or a part of it, was not decoded. Datagram-level reasons drop the whole datagram;
// sample- and record-level reasons skip that part when its length field allows resynchronising,
// and otherwise drop the rest of the datagram. Every occurrence is counted in SflowStats::results.
enum class SflowError : uint8_t {
  kOk = 0,
  kTruncatedHeader,             // shorter than the datagram header (version .. num_samples)
  kBadVersion,                  // version is not 5
  kBadAgentAddressType,         // agent address type neither 1 (IPv4) nor 2 (IPv6)
  kTooManySamples,              // num_samples cannot fit in the datagram (8 bytes each at least)
  kTruncatedSample,             // fewer samples than declared: a sample header runs past the end
  kSampleLengthBeyondDatagram,  // a sample's length runs past the end: the rest is dropped
  kMisalignedLength,            // a sample length not a multiple of 4 (XDR): the rest is dropped
  kMalformedSample,             // a sample shorter than its fixed fields or with bad records: skipped
  kTooManyRecords,              // num_records cannot fit in the sample: the sample is skipped
  kMalformedRecord,             // a record's content disagrees with its length: the record is skipped
  kCount
};

inline constexpr std::size_t kSflowErrorCount = static_cast<std::size_t>(SflowError::kCount);

[[nodiscard]] std::string_view toString(SflowError e) noexcept;

// Counts of one decoder (one per worker thread; merge by adding). Declared as data, exported by
// the metrics layer.
#define RAMPART_SFLOW_COUNTERS(COUNT, BY, PART)                                                              \
  COUNT(datagrams, "datagrams handed to the decoder")                                                        \
  COUNT(samples, "samples whose length fitted the datagram")                                                 \
  COUNT(flow_samples, "flow samples (compact and expanded) read to the end")                                 \
  COUNT(flow_records, "flow records produced")                                                               \
  COUNT(counter_samples, "counter samples (compact and expanded) read to the end")                           \
  COUNT(interface_counters, "interface counter records produced")                                            \
  BY(results, "datagrams decoded without a fault (ok), and each fault met, by reason", SflowError, "reason") \
  COUNT(unknown_sample_types, "samples of other enterprises or formats beyond 1..4, skipped")                \
  COUNT(unknown_record_types, "records this decoder does not read (extended data etc.), skipped")            \
  COUNT(unsupported_header_protocols, "raw headers of protocols other than Ethernet, IPv4 and IPv6")         \
  COUNT(header_decode_failures, "raw headers the packet decoder rejected (see header_decode)")               \
  COUNT(flow_samples_without_record, "flow samples that yielded no flow record")                             \
  PART(header_decode, "the packet decoder's outcome for every raw header tried", decode::DecodeStats)
struct SflowStats {
  RAMPART_COUNTERS(SflowStats, RAMPART_SFLOW_COUNTERS)
  void add(SflowError e) noexcept { results.add(e); }
  [[nodiscard]] uint64_t errors() const noexcept { return results.total() - results[SflowError::kOk]; }
};

}  // namespace rampart::flow::sflow
