// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/flow_record.h"
#include "decode/packet_decoder.h"
#include "detect/detector.h"
#include "pipeline/analyzer_settings.h"
#include "pipeline/attack_sink.h"
#include "pipeline/count_frame.h"
#include "traffic/flow_spreader.h"
#include "traffic/traffic_counters.h"

namespace rampart::pipeline {

// The one path from traffic to attacks: decode -> count -> detect, in windows of
// settings.window_ns, with early starts while a window is open and NetFlow/IPFIX records spread
// over the windows of their duration. Pure: no clock, no I/O. Time moves only by advanceTo(), which
// `analyze` calls with each packet's own timestamp (addPacketAt) and `run` with wall time from its
// event loop; fuzz targets and benchmarks drive it the way `analyze` does. Events go to the sink.
//
// Not thread-safe: capture workers count into shards of their own, folded in by mergeShard().
class WindowedAnalyzer {
 public:
  enum class Step : uint8_t { kNone, kEarlyCheck, kWindowClosed };

  // `settings` must outlive the analyzer (the counters refer to its networks).
  WindowedAnalyzer(const AnalyzerSettings& settings, AttackSink& sink);

  // Counts one frame at whatever time the analyzer is at.
  void addPacket(decode::LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns,
                 uint32_t sampling_rate = 1) noexcept {
    countFrame(link, frame, timestamp_ns, sampling_rate, record_, decode_, counters_);
  }
  // Capture time: the packet's timestamp moves time first (a window closes, early starts are
  // checked, or a jump of the capture's clock closes what was open), then the packet is counted.
  void addPacketAt(decode::LinkType link, std::span<const uint8_t> frame, uint64_t timestamp_ns) noexcept {
    ++packets_;
    if (timestamp_ns >= next_due_ns_ || timestamp_ns + window_ns_ < window_start_) [[unlikely]] {
      (void)advanceTo(timestamp_ns);
    }
    last_ns_ = std::max(last_ns_, timestamp_ns);
    addPacket(link, frame, timestamp_ns);
  }
  // A record counted as it arrives (a decoded frame, an sFlow sample).
  void addRecord(const core::FlowRecord& r) noexcept { counters_.add(r); }
  // A NetFlow/IPFIX record: its share of the current window now, the rest in the windows after.
  void addFlow(const core::FlowRecord& r) { counters_.add(spreader_.admit(r)); }
  // Folds in what a capture worker counted meanwhile.
  void mergeShard(const traffic::TrafficCounters& shard, const decode::DecodeStats& decode) {
    counters_.merge(shard);
    decode_ += decode;
  }

  // When advanceTo() next has work: the open window's end, or the next early-start check.
  [[nodiscard]] uint64_t nextDue() const noexcept { return next_due_ns_; }
  // Moves time to `now_ns`. The first call opens the window holding it. Past the window's end the
  // window is judged and closed and the one holding `now_ns` opens (a jump back in time ends every
  // attack: nothing active can continue); before it, early starts are checked once nextDue() has
  // come. Returns what it did.
  Step advanceTo(uint64_t now_ns);
  // Judges the open window and ends every attack (end of a capture, shutdown). The events carry
  // `now_ns`, or the window's end when it is 0 (a capture's own time).
  void finish(uint64_t now_ns = 0);

  // Reload: the active attacks leave this analyzer with their ids, to go on in the one built from
  // the new configuration (adopt()); they end there when their traffic does.
  [[nodiscard]] detect::DetectorCarryover handOver() { return detector_.handOver(); }
  void adopt(detect::DetectorCarryover carried) { detector_.adopt(std::move(carried)); }

  [[nodiscard]] const detect::Detector& detector() const noexcept { return detector_; }
  [[nodiscard]] const traffic::TrafficCounters& counters() const noexcept { return counters_; }
  // The targets with deep stats, for capture workers to sample from their first packet.
  [[nodiscard]] traffic::TargetKeySet deepKeys() const { return counters_.deepKeys(); }
  [[nodiscard]] const decode::DecodeStats& decodeStats() const noexcept { return decode_; }
  [[nodiscard]] const traffic::FlowSpreader& spreader() const noexcept { return spreader_; }
  [[nodiscard]] uint64_t windowStart() const noexcept { return window_start_; }
  [[nodiscard]] uint64_t packets() const noexcept { return packets_; }  // frames given to addPacketAt
  [[nodiscard]] uint64_t firstNs() const noexcept { return first_ns_; }
  [[nodiscard]] uint64_t lastNs() const noexcept { return last_ns_; }

 private:
  void closeWindow(uint64_t now_ns);
  void emit(std::vector<detect::AttackEvent>&& events, uint64_t now_ns);

  AttackSink& sink_;
  uint64_t window_ns_;
  uint64_t early_ns_;
  detect::Detector detector_;
  traffic::TrafficCounters counters_;
  traffic::FlowSpreader spreader_;
  decode::DecodeStats decode_;
  core::FlowRecord record_;
  bool open_ = false;
  uint64_t window_start_ = 0;
  uint64_t next_due_ns_ = 0;  // 0 before the first advanceTo(): the first packet opens the window
  uint64_t next_early_ns_ = 0;
  uint64_t packets_ = 0;
  uint64_t first_ns_ = 0;
  uint64_t last_ns_ = 0;
};

}  // namespace rampart::pipeline
