// SPDX-License-Identifier: Apache-2.0
#include "pipeline/capture_analysis.h"

#include <algorithm>

namespace rampart::pipeline {

void CaptureAnalysis::onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t /*now_ns*/) {
  for (const auto& e : events) {
    if (e.kind == detect::AttackEvent::Kind::kEnded) ended_.push_back(e.attack);
  }
}

AnalysisResult CaptureAnalysis::finish() {
  analyzer_.finish();
  AnalysisResult r;
  r.attacks = std::move(ended_);
  std::stable_sort(r.attacks.begin(), r.attacks.end(), [](const auto& a, const auto& b) {
    return a.start_ns < b.start_ns || (a.start_ns == b.start_ns && a.id < b.id);
  });
  r.decode = analyzer_.decodeStats();
  r.traffic = analyzer_.counters().stats();
  r.packets = analyzer_.packets();
  r.first_ns = analyzer_.firstNs();
  r.last_ns = analyzer_.lastNs();
  return r;
}

}  // namespace rampart::pipeline
