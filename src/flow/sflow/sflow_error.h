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
// and otherwise drop the rest of the datagram. Every occurrence is counted in SflowStats::by_error.
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
struct SflowStats {
  uint64_t datagrams = 0;                             // every datagram handed to decode()
  uint64_t samples = 0;                               // samples whose length fitted the datagram
  uint64_t flow_samples = 0;                          // flow samples (compact and expanded) read to the end
  uint64_t flow_records = 0;                          // FlowRecords produced
  uint64_t counter_samples = 0;                       // counter samples (compact and expanded) read to the end
  uint64_t interface_counters = 0;                    // InterfaceCounters produced
  std::array<uint64_t, kSflowErrorCount> by_error{};  // [kOk]: datagrams decoded without a fault
  uint64_t unknown_sample_types = 0;                  // other enterprises, or formats beyond 1..4: skipped
  uint64_t unknown_record_types = 0;                  // records this decoder does not read (extended data etc.)
  uint64_t unsupported_header_protocols = 0;          // raw header protocols other than Ethernet/IPv4/IPv6
  uint64_t header_decode_failures = 0;                // raw headers decodePacket rejected (see header_results)
  uint64_t flow_samples_without_record = 0;           // flow samples that yielded no FlowRecord
  decode::DecodeStats header_results;                 // decodePacket's outcome for every raw header tried

  void add(SflowError e) noexcept { ++by_error[static_cast<std::size_t>(e)]; }
  [[nodiscard]] uint64_t errors() const noexcept;  // all by_error except kOk
  SflowStats& operator+=(const SflowStats& o) noexcept;
};

}  // namespace rampart::flow::sflow
