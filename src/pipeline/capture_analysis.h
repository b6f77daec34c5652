// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "decode/packet_decoder.h"
#include "detect/attack.h"
#include "pipeline/attack_sink.h"
#include "pipeline/windowed_analyzer.h"
#include "traffic/traffic_counters.h"

namespace rampart::pipeline {

struct AnalysisResult {
  std::vector<detect::Attack> attacks;  // in order of start
  decode::DecodeStats decode;
  traffic::TrafficStats traffic;
  uint64_t packets = 0;  // frames read, decoded or not
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
};

// `rampart analyze`'s driver of the windowed analyzer: packets in capture-time order move time
// themselves, and the attacks are collected as they end. The fuzz target for the whole path and
// the throughput benchmark drive it too.
class CaptureAnalysis final : private AttackSink {
 public:
  explicit CaptureAnalysis(const AnalyzerSettings& settings) : analyzer_(settings, *this) {}

  void addPacket(decode::LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns) noexcept {
    analyzer_.addPacketAt(link, frame, timestamp_ns);
  }
  // Closes the last window and ends every attack.
  [[nodiscard]] AnalysisResult finish();

 private:
  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override;

  WindowedAnalyzer analyzer_;
  std::vector<detect::Attack> ended_;
};

}  // namespace rampart::pipeline
