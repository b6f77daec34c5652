// SPDX-License-Identifier: Apache-2.0
#include "flow/sflow/sflow_error.h"

namespace rampart::flow::sflow {

std::string_view toString(SflowError e) noexcept {
  switch (e) {
    case SflowError::kOk: return "ok";
    case SflowError::kTruncatedHeader: return "truncated_header";
    case SflowError::kBadVersion: return "bad_version";
    case SflowError::kBadAgentAddressType: return "bad_agent_address_type";
    case SflowError::kTooManySamples: return "too_many_samples";
    case SflowError::kTruncatedSample: return "truncated_sample";
    case SflowError::kSampleLengthBeyondDatagram: return "sample_length_beyond_datagram";
    case SflowError::kMisalignedLength: return "misaligned_length";
    case SflowError::kMalformedSample: return "malformed_sample";
    case SflowError::kTooManyRecords: return "too_many_records";
    case SflowError::kMalformedRecord: return "malformed_record";
    case SflowError::kCount: break;
  }
  return "unknown";
}

uint64_t SflowStats::errors() const noexcept {
  uint64_t n = 0;
  for (std::size_t i = 1; i < kSflowErrorCount; ++i) n += by_error[i];
  return n;
}

SflowStats& SflowStats::operator+=(const SflowStats& o) noexcept {
  datagrams += o.datagrams;
  samples += o.samples;
  flow_samples += o.flow_samples;
  flow_records += o.flow_records;
  counter_samples += o.counter_samples;
  interface_counters += o.interface_counters;
  for (std::size_t i = 0; i < kSflowErrorCount; ++i) by_error[i] += o.by_error[i];
  unknown_sample_types += o.unknown_sample_types;
  unknown_record_types += o.unknown_record_types;
  unsupported_header_protocols += o.unsupported_header_protocols;
  header_decode_failures += o.header_decode_failures;
  flow_samples_without_record += o.flow_samples_without_record;
  header_results += o.header_results;
  return *this;
}

}  // namespace rampart::flow::sflow
