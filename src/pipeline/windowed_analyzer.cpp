// SPDX-License-Identifier: Apache-2.0
#include "pipeline/windowed_analyzer.h"

namespace rampart::pipeline {

WindowedAnalyzer::WindowedAnalyzer(const AnalyzerSettings& settings, AttackSink& sink)
    : sink_(sink),
      window_ns_(settings.window_ns == 0 ? 1'000'000'000 : settings.window_ns),
      early_ns_(settings.early_check_ns == 0 ? window_ns_ : settings.early_check_ns),
      detector_(settings.detector),
      counters_(settings.traffic, settings.networks, detector_.triggers()),
      spreader_({.window_ns = window_ns_}) {}

WindowedAnalyzer::Step WindowedAnalyzer::advanceTo(uint64_t now_ns) {
  if (!open_) {
    open_ = true;
    first_ns_ = now_ns;
    window_start_ = now_ns - now_ns % window_ns_;
    next_early_ns_ = now_ns + early_ns_;
    next_due_ns_ = std::min(window_start_ + window_ns_, next_early_ns_);
    return Step::kNone;
  }
  Step step = Step::kNone;
  if (now_ns >= window_start_ + window_ns_ || now_ns + window_ns_ < window_start_) {
    closeWindow(now_ns);
    step = Step::kWindowClosed;
  } else if (now_ns >= next_early_ns_) {
    emit(detector_.earlyStarts(counters_, window_start_, window_ns_), now_ns);
    step = Step::kEarlyCheck;
  } else {
    return step;
  }
  next_early_ns_ = now_ns + early_ns_;
  next_due_ns_ = std::min(window_start_ + window_ns_, next_early_ns_);
  return step;
}

// Judges the open window, then opens the one holding `now_ns`. Captures merged from several days
// jump forwards or backwards by years: forwards, the hold-down ends what was active; backwards,
// everything ends.
void WindowedAnalyzer::closeWindow(uint64_t now_ns) {
  emit(detector_.onWindow(counters_, window_start_, window_ns_), now_ns);
  counters_.resetWindow();
  spreader_.onWindow([this](const core::FlowRecord& r) { counters_.add(r); });
  const uint64_t start = now_ns - now_ns % window_ns_;
  if (start < window_start_) {
    emit(detector_.finish(counters_), now_ns);
  } else {
    emit(detector_.expire(counters_, start), now_ns);
  }
  window_start_ = start;
}

void WindowedAnalyzer::finish(uint64_t now_ns) {
  const uint64_t now = now_ns != 0 || !open_ ? now_ns : window_start_ + window_ns_;
  if (open_) {
    emit(detector_.onWindow(counters_, window_start_, window_ns_), now);
    counters_.resetWindow();
  }
  emit(detector_.finish(counters_), now);
  open_ = false;
  next_due_ns_ = 0;
}

void WindowedAnalyzer::emit(std::vector<detect::AttackEvent>&& events, uint64_t now_ns) {
  if (!events.empty()) sink_.onAttackEvents(events, now_ns);
}

}  // namespace rampart::pipeline
