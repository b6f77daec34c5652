// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "detect/attack.h"
#include "detect/baseline.h"
#include "detect/thresholds.h"
#include "traffic/traffic_counters.h"

namespace rampart::detect {

struct DetectorConfig {
  std::vector<HostGroup> groups{HostGroup{}};  // index = group number in ProtectedNetworks
  uint64_t hold_down_ns = 5'000'000'000;       // an attack ends this long after its last busy window
  double hysteresis = 0.5;                     // share of a threshold that keeps an attack going
  std::size_t top_n = 10;                      // top sources and ports kept per attack
  double update_peak_step = 1.25;              // a new peak this much above the last reported is news
};

// The active attacks of a detector that is being replaced (a reload), with the next id to give:
// the detector built from the new configuration adopts them, so an attack goes on as itself.
struct DetectorCarryover {
  std::vector<Attack> active;
  uint64_t next_id = 1;
};

// Turns windows of counters into attack lifecycles: started, updated (new vector, new peak),
// ended after a hold-down. Pure: the caller decides what a window is (capture time in `analyze`,
// wall time in the daemon) and what to do with the events.
class Detector {
 public:
  explicit Detector(DetectorConfig config);

  // Judges every target of the window that ends at window_start_ns + window_ns. Call before
  // TrafficCounters::resetWindow(). Ends attacks whose hold-down ran out by the window's end.
  [[nodiscard]] std::vector<AttackEvent> onWindow(traffic::TrafficCounters& counters, uint64_t window_start_ns,
                                                  uint64_t window_ns);
  // Starts, before the window closes, attacks whose counts so far already cross a per-second limit
  // of the window that began at window_start_ns: a flood of ten times the limit is reported a tenth
  // of a second in, not at the window's end. Call as often as wanted while the window is open; the
  // window's traffic is still counted once, by onWindow().
  [[nodiscard]] std::vector<AttackEvent> earlyStarts(traffic::TrafficCounters& counters, uint64_t window_start_ns,
                                                     uint64_t window_ns);
  // Ends every active attack whose hold-down has run out at `now_ns` (for idle periods).
  [[nodiscard]] std::vector<AttackEvent> expire(traffic::TrafficCounters& counters, uint64_t now_ns);
  // Ends every active attack now (end of a capture, shutdown).
  [[nodiscard]] std::vector<AttackEvent> finish(traffic::TrafficCounters& counters);

  // Gives away the active attacks (this detector has none after) and its next id.
  [[nodiscard]] DetectorCarryover handOver();
  // Takes over attacks handed over by another detector: they continue, hold-down and peaks
  // included, under their ids; ids given from now on follow the carried ones.
  void adopt(DetectorCarryover carried);

  // Levels at which TrafficCounters should start deep stats, derived from the groups' thresholds.
  [[nodiscard]] std::vector<traffic::GroupTrigger> triggers() const;
  [[nodiscard]] const DetectorConfig& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t activeAttacks() const noexcept { return active_.size(); }

 private:
  struct Tracked {
    Attack attack;
    uint64_t reported_peak_pps = 0;
  };
  void observe(const traffic::TargetSlot& target, uint64_t window_start_ns, uint64_t window_ns,
               std::vector<AttackEvent>& events, bool early);
  void end(traffic::TrafficCounters& counters, std::vector<AttackEvent>& events, bool all, uint64_t now_ns);
  void learn(double seconds);
  [[nodiscard]] const HostGroup& groupOf(uint32_t index) const noexcept;

  // A group's learned profile of normal rates, hosts and prefixes apart.
  struct GroupProfile {
    explicit GroupProfile(uint32_t windows) : host(windows), prefix(windows) {}
    RateProfile host;
    RateProfile prefix;
    LearnedLimits host_limits;
    LearnedLimits prefix_limits;
    uint64_t busiest_host_packets = 0;  // this window, among unattacked targets
    uint64_t busiest_host_bytes = 0;
    uint64_t busiest_prefix_packets = 0;
    uint64_t busiest_prefix_bytes = 0;
  };

  DetectorConfig config_;
  std::vector<HostGroup> effective_;  // config_.groups with learned limits applied
  std::vector<GroupProfile> profiles_;
  std::unordered_map<traffic::TargetKey, Tracked, traffic::TargetKeyHash> active_;
  uint64_t next_id_ = 1;
};

}  // namespace rampart::detect
