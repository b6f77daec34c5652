// SPDX-License-Identifier: Apache-2.0
#include "app/capture_analyzer.h"

#include <algorithm>

namespace rampart::app {

CaptureAnalyzer::CaptureAnalyzer(const AnalyzerSettings& settings)
    : window_ns_(settings.window_ns == 0 ? 1'000'000'000 : settings.window_ns),
      detector_(settings.detector),
      counters_(settings.traffic, settings.networks, detector_.triggers()) {}

// Moves to the window holding `timestamp_ns`. Captures merged from several days jump forwards or
// backwards by years: each jump closes the window and lets the hold-down end what was active.
void CaptureAnalyzer::roll(uint64_t timestamp_ns) {
  const bool open = window_end_ != 0;
  if (open) {
    collect(detector_.onWindow(counters_, window_start_, window_ns_));
    counters_.resetWindow();
  }
  const uint64_t start = timestamp_ns - timestamp_ns % window_ns_;
  if (open && start < window_start_) {
    collect(detector_.finish(counters_));  // time went backwards: nothing active can continue
  } else if (open) {
    collect(detector_.expire(counters_, start));
  }
  window_start_ = start;
  window_end_ = start + window_ns_;
  if (!open) result_.first_ns = timestamp_ns;
}

void CaptureAnalyzer::collect(std::vector<detect::AttackEvent>&& events) {
  for (auto& e : events) {
    if (e.kind == detect::AttackEvent::Kind::kEnded) result_.attacks.push_back(std::move(e.attack));
  }
}

AnalysisResult CaptureAnalyzer::finish() {
  if (window_end_ != 0) {
    collect(detector_.onWindow(counters_, window_start_, window_ns_));
    counters_.resetWindow();
    collect(detector_.finish(counters_));
  }
  std::stable_sort(result_.attacks.begin(), result_.attacks.end(), [](const auto& a, const auto& b) {
    return a.start_ns < b.start_ns || (a.start_ns == b.start_ns && a.id < b.id);
  });
  result_.traffic = counters_.stats();
  window_end_ = 0;
  return std::move(result_);
}

}  // namespace rampart::app
