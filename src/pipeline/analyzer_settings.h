// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "detect/detector.h"
#include "traffic/protected_networks.h"
#include "traffic/traffic_counters.h"

namespace rampart::pipeline {

// What the windowed analyzer is built from: one configuration's networks, table sizes, groups and
// thresholds. Typed and validated once, by the configuration reader.
struct AnalyzerSettings {
  traffic::ProtectedNetworks networks;  // empty: every destination is a potential victim
  traffic::TrafficConfig traffic;
  detect::DetectorConfig detector;
  uint64_t window_ns = 1'000'000'000;
  // While a window is open, its counts so far are checked this often for attacks already certain
  // (a flood of ten times the limit is reported a tenth of a second in). In `run` the capture
  // workers' shards are folded in at the same pace.
  uint64_t early_check_ns = 50'000'000;
};

}  // namespace rampart::pipeline
