// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "decode/packet_decoder.h"
#include "detect/detector.h"
#include "traffic/protected_networks.h"
#include "traffic/traffic_counters.h"

namespace rampart::app {

struct AnalyzerSettings {
  traffic::ProtectedNetworks networks;  // empty: every destination is a potential victim
  traffic::TrafficConfig traffic;
  detect::DetectorConfig detector;
  uint64_t window_ns = 1'000'000'000;
};

struct AnalysisResult {
  std::vector<detect::Attack> attacks;  // in order of start
  decode::DecodeStats decode;
  traffic::TrafficStats traffic;
  uint64_t packets = 0;  // frames read, decoded or not
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
};

// Decode -> count -> detect over packets in capture-time order, in one-second windows on the
// packets' own timestamps. Pure (no I/O): `rampart analyze`, the fuzz target for the whole path
// and the throughput benchmark all drive it.
class CaptureAnalyzer {
 public:
  explicit CaptureAnalyzer(const AnalyzerSettings& settings);

  void addPacket(decode::LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns) noexcept {
    ++result_.packets;
    const decode::DecodeResult r = decode::decodePacket(link, frame, timestamp_ns, record_);
    result_.decode.add(r);
    if (r == decode::DecodeResult::kOk) addRecord(record_);
  }
  void addRecord(const core::FlowRecord& r) noexcept {
    if (r.timestamp_ns >= window_end_ || r.timestamp_ns + window_ns_ < window_start_) [[unlikely]] {
      roll(r.timestamp_ns);
    }
    result_.last_ns = std::max(result_.last_ns, r.timestamp_ns);
    counters_.add(r);
  }
  // Closes the last window and ends every attack.
  [[nodiscard]] AnalysisResult finish();

 private:
  void roll(uint64_t timestamp_ns);
  void collect(std::vector<detect::AttackEvent>&& events);

  uint64_t window_ns_;
  detect::Detector detector_;
  traffic::TrafficCounters counters_;
  core::FlowRecord record_;
  uint64_t window_start_ = 0;
  uint64_t window_end_ = 0;  // 0: no window open yet
  AnalysisResult result_;
};

}  // namespace rampart::app
