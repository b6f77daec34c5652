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

}  // namespace rampart::flow::sflow
