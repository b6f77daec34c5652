// SPDX-License-Identifier: Apache-2.0
#include "traffic/flow_spreader.h"

#include <algorithm>

namespace rampart::traffic {

core::FlowRecord FlowSpreader::admit(const core::FlowRecord& r) {
  const uint64_t window = std::max<uint64_t>(config_.window_ns, 1);
  // A flow of 1.5 windows touches two; a flow of fewer packets than windows cannot be divided finer.
  uint64_t windows = (r.duration_ns + window - 1) / window;
  windows = std::min<uint64_t>({windows, config_.max_windows, r.packets});
  if (windows <= 1) return r;
  if (pending_.size() >= config_.max_pending) {
    ++stats_.flows_unspread;
    return r;
  }
  ++stats_.flows_spread;
  const auto n = static_cast<uint32_t>(windows);
  core::FlowRecord share = r;
  share.packets = r.packets / n;
  share.bytes = r.bytes / n;
  pending_.push_back({share, n - 1});
  // The current window takes the remainders, so the shares add up to the record exactly.
  core::FlowRecord now = share;
  now.packets += r.packets % n;
  now.bytes += r.bytes % n;
  return now;
}

}  // namespace rampart::traffic
