// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/flow_record.h"
#include "metrics/counters.h"

namespace rampart::traffic {

struct FlowSpreadConfig {
  uint64_t window_ns = 1'000'000'000;
  uint32_t max_windows = 60;          // a record is spread over at most this many windows
  std::size_t max_pending = 1 << 20;  // records waiting for later windows; beyond, one counts at once
};

#define RAMPART_FLOW_SPREAD_COUNTERS(COUNT, BY, PART)              \
  COUNT(flows_spread, "flow records divided over several windows") \
  COUNT(flows_unspread, "flow records counted at once because max_pending were already waiting")
struct FlowSpreadStats {
  RAMPART_COUNTERS(FlowSpreadStats, RAMPART_FLOW_SPREAD_COUNTERS)
};

// NetFlow and IPFIX exporters send a record when a flow expires: all the packets of up to an
// active timeout arrive at one instant. Counted at arrival, a flood seen through 2 s records shows
// twice its rate in one window and nothing in the next, which inflates peaks and splits one attack
// into two. The spreader divides a record of duration D over the ceil(D / window) windows that
// start with the current one: each window gets the flow's rate, the totals are kept, and a flood
// that stops ends once its last records have been spent. Pure: the caller says when a window opens.
class FlowSpreader {
 public:
  explicit FlowSpreader(const FlowSpreadConfig& config) : config_(config) {}

  // The share of `r` to count in the current window (the whole record when its duration fits in
  // one window); the rest is kept for the windows that follow.
  [[nodiscard]] core::FlowRecord admit(const core::FlowRecord& r);

  // A new window opened: visits each kept record's share for it, then forgets spent records.
  template <typename Visit>
  void onWindow(Visit&& visit) {
    std::size_t kept = 0;
    for (Pending& p : pending_) {
      visit(std::as_const(p.share));
      if (--p.windows_left > 0) pending_[kept++] = p;
    }
    pending_.resize(kept);
  }

  [[nodiscard]] std::size_t pending() const noexcept { return pending_.size(); }
  [[nodiscard]] const FlowSpreadStats& stats() const noexcept { return stats_; }

 private:
  struct Pending {
    core::FlowRecord share;  // packets and bytes of one window
    uint32_t windows_left = 0;
  };

  FlowSpreadConfig config_;
  std::vector<Pending> pending_;
  FlowSpreadStats stats_;
};

}  // namespace rampart::traffic
