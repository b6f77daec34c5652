// SPDX-License-Identifier: Apache-2.0
#include "flow/netflow/flow_stats.h"

namespace rampart::flow::netflow {

std::string_view toString(FlowError e) noexcept {
  switch (e) {
    case FlowError::kOk: return "ok";
    case FlowError::kTruncated: return "truncated";
    case FlowError::kBadVersion: return "bad_version";
    case FlowError::kBadHeader: return "bad_header";
    case FlowError::kBadSetLength: return "bad_set_length";
    case FlowError::kBadTemplate: return "bad_template";
    case FlowError::kTemplateLimit: return "template_limit";
    case FlowError::kCount: break;
  }
  return "unknown";
}

std::string_view toString(WireVersion v) noexcept {
  switch (v) {
    case WireVersion::kV5: return "v5";
    case WireVersion::kV9: return "v9";
    case WireVersion::kIpfix: return "ipfix";
    case WireVersion::kCount: break;
  }
  return "unknown";
}

}  // namespace rampart::flow::netflow
