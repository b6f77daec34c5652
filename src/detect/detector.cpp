// SPDX-License-Identifier: Apache-2.0
#include "detect/detector.h"

#include <algorithm>

#include "detect/attack_profile.h"
#include "detect/window_verdict.h"

namespace rampart::detect {
namespace {

// Deep stats start at this fraction of a group's lowest limit: by the time the limit is crossed
// the sample already holds the attack.
constexpr uint64_t kTriggerDivisor = 4;

uint64_t triggerOf(uint64_t limit, uint64_t fallback) {
  return limit == 0 ? fallback : std::max<uint64_t>(limit / kTriggerDivisor, 1);
}

void addVectors(Attack& a, const WindowVerdict& v, double seconds) {
  for (std::size_t i = 0; i < kAttackVectorCount; ++i) {
    if (!v.vectors.test(i)) continue;
    const auto vec = static_cast<AttackVector>(i);
    auto it = std::find_if(a.vectors.begin(), a.vectors.end(), [&](const VectorStats& s) { return s.vector == vec; });
    if (it == a.vectors.end()) it = a.vectors.insert(a.vectors.end(), VectorStats{vec});
    it->packets += v.packets[i];
    it->bytes += v.bytes[i];
    it->peak_pps = std::max(it->peak_pps, static_cast<uint64_t>(static_cast<double>(v.packets[i]) / seconds));
  }
  std::stable_sort(a.vectors.begin(), a.vectors.end(),
                   [](const VectorStats& x, const VectorStats& y) { return x.packets > y.packets; });
  a.attack_packets = 0;
  for (const auto& s : a.vectors) {
    if (s.vector != AttackVector::kCarpetBombing) a.attack_packets += s.packets;
  }
}

}  // namespace

Detector::Detector(DetectorConfig config) : config_(std::move(config)) {
  if (config_.groups.empty()) config_.groups.emplace_back();
  effective_ = config_.groups;
  for (const HostGroup& g : config_.groups) profiles_.emplace_back(g.baseline.windows);
}

const HostGroup& Detector::groupOf(uint32_t index) const noexcept {
  return effective_[index < effective_.size() ? index : 0];
}

// Adds this window's busiest unattacked rates to each group's profile and sets the limits the
// next window is judged by.
void Detector::learn(double seconds) {
  const auto rate = [seconds](uint64_t count, uint64_t scale) {
    return static_cast<uint64_t>(static_cast<double>(count) * static_cast<double>(scale) / seconds);
  };
  for (std::size_t i = 0; i < profiles_.size(); ++i) {
    const BaselineConfig& b = config_.groups[i].baseline;
    GroupProfile& p = profiles_[i];
    if (b.enabled) {
      p.host.add(rate(p.busiest_host_packets, 1), rate(p.busiest_host_bytes, 8));
      p.prefix.add(rate(p.busiest_prefix_packets, 1), rate(p.busiest_prefix_bytes, 8));
      p.host_limits = learnedLimits(b, p.host);
      p.prefix_limits = learnedLimits(b, p.prefix);
      effective_[i].host = applyBaseline(config_.groups[i].host, b, p.host_limits);
      effective_[i].prefix = applyBaseline(config_.groups[i].prefix, b, p.prefix_limits);
    }
    p.busiest_host_packets = p.busiest_host_bytes = p.busiest_prefix_packets = p.busiest_prefix_bytes = 0;
  }
}

std::vector<traffic::GroupTrigger> Detector::triggers() const {
  std::vector<traffic::GroupTrigger> out;
  for (const HostGroup& g : config_.groups) {
    // Learned limits never go below the floor: the floor is the lowest they can ask for.
    const auto lowest = [&g](uint64_t fixed, uint64_t floor) {
      return g.baseline.enabled && (fixed == 0 || floor < fixed) ? floor : fixed;
    };
    traffic::GroupTrigger t;
    t.host_packets = triggerOf(lowest(g.host.lowestPps(), g.baseline.floor_pps), UINT64_MAX);
    t.host_bytes = triggerOf(lowest(g.host.bps, g.baseline.floor_bps) / 8, UINT64_MAX);
    t.prefix_packets = triggerOf(lowest(g.prefix.lowestPps(), g.baseline.floor_pps), UINT64_MAX);
    t.prefix_bytes = triggerOf(lowest(g.prefix.bps, g.baseline.floor_bps) / 8, UINT64_MAX);
    out.push_back(t);
  }
  return out;
}

std::vector<AttackEvent> Detector::onWindow(traffic::TrafficCounters& counters, uint64_t window_start_ns,
                                            uint64_t window_ns) {
  std::vector<AttackEvent> events;
  counters.forEachTarget([&](const traffic::TargetSlot& t) {
    observe(t, window_start_ns, window_ns, events, false);
    if (t.group >= profiles_.size() || active_.contains(t.key)) return;
    GroupProfile& p = profiles_[t.group];
    const bool prefix = t.key.isPrefix();
    uint64_t& packets = prefix ? p.busiest_prefix_packets : p.busiest_host_packets;
    uint64_t& bytes = prefix ? p.busiest_prefix_bytes : p.busiest_host_bytes;
    packets = std::max(packets, t.counts.packets);
    bytes = std::max(bytes, t.counts.bytes);
  });
  end(counters, events, false, window_start_ns + window_ns);
  learn(static_cast<double>(window_ns) / 1e9);
  return events;
}

std::vector<AttackEvent> Detector::earlyStarts(traffic::TrafficCounters& counters, uint64_t window_start_ns,
                                               uint64_t window_ns) {
  std::vector<AttackEvent> events;
  counters.forEachBusyTarget([&](const traffic::TargetSlot& t) {
    if (!active_.contains(t.key)) observe(t, window_start_ns, window_ns, events, true);
  });
  return events;
}

void Detector::observe(const traffic::TargetSlot& target, uint64_t window_start_ns, uint64_t window_ns,
                       std::vector<AttackEvent>& events, bool early) {
  const HostGroup& group = groupOf(target.group);
  const double seconds = static_cast<double>(window_ns) / 1e9;
  auto it = active_.find(target.key);
  // Most targets in a window are far below every limit: skip them without a full judgement.
  if (it == active_.end()) {
    const Thresholds& t = target.key.isPrefix() ? group.prefix : group.host;
    const uint64_t low_pps = t.lowestPps();
    const bool may_cross = (low_pps != 0 && static_cast<double>(target.counts.packets) >= low_pps * seconds) ||
                           (t.bps != 0 && static_cast<double>(target.counts.bytes) * 8 >= t.bps * seconds);
    if (!may_cross) return;
  }
  WindowVerdict v = judgeWindow(target, group, seconds, config_.hysteresis);
  if (!v.over && !(v.sustained && it != active_.end())) return;

  // UDP from one unlisted source port across many sources is reflection, not a plain flood.
  const auto udp = static_cast<std::size_t>(AttackVector::kUdpFlood);
  if (v.vectors.test(udp) && target.deep != nullptr && singleReflectorPort(*target.deep) != 0) {
    const auto other = static_cast<std::size_t>(AttackVector::kOtherReflection);
    v.vectors.reset(udp).set(other);
    v.packets[other] = v.packets[udp];
    v.bytes[other] = v.bytes[udp];
  }

  const bool started = it == active_.end();
  if (started) {
    Tracked t;
    t.attack.id = next_id_++;
    t.attack.target = target.key;
    t.attack.group = group.name;
    t.attack.start_ns = window_start_ns;
    if (target.group < profiles_.size()) {
      const GroupProfile& p = profiles_[target.group];
      t.attack.normal_pps = (target.key.isPrefix() ? p.prefix_limits : p.host_limits).normal_pps;
    }
    it = active_.emplace(target.key, std::move(t)).first;
  }
  Attack& a = it->second.attack;
  if (early) {
    // The window is still open: its counts so far already cross a per-second limit, so the attack
    // is certain. Report it now with what is known; the window's traffic is added when it closes.
    a.end_ns = window_start_ns;
    a.peak_pps = static_cast<uint64_t>(static_cast<double>(target.counts.packets) / seconds);
    a.peak_bps = static_cast<uint64_t>(static_cast<double>(target.counts.bytes) * 8 / seconds);
    for (std::size_t i = 0; i < kAttackVectorCount; ++i) {
      if (v.vectors.test(i)) a.vectors.push_back(VectorStats{static_cast<AttackVector>(i)});
    }
    if (target.deep != nullptr) profileAttack(a, *target.deep, group.fingerprint_min_share, config_.top_n);
    events.push_back({AttackEvent::Kind::kStarted, a});
    it->second.reported_peak_pps = a.peak_pps;
    return;
  }
  const std::size_t vectors_before = a.vectors.size();
  a.end_ns = window_start_ns + window_ns;
  ++a.windows;
  a.packets += target.counts.packets;
  a.bytes += target.counts.bytes;
  a.peak_pps = std::max(a.peak_pps, static_cast<uint64_t>(static_cast<double>(target.counts.packets) / seconds));
  a.peak_bps = std::max(a.peak_bps, static_cast<uint64_t>(static_cast<double>(target.counts.bytes) * 8 / seconds));
  a.peak_hosts = std::max(a.peak_hosts, target.hosts);
  if (v.over) addVectors(a, v, seconds);
  if (target.deep != nullptr) profileAttack(a, *target.deep, group.fingerprint_min_share, config_.top_n);

  if (started) {
    events.push_back({AttackEvent::Kind::kStarted, a});
    it->second.reported_peak_pps = a.peak_pps;
  } else if (a.vectors.size() != vectors_before ||
             static_cast<double>(a.peak_pps) >=
                 config_.update_peak_step * static_cast<double>(it->second.reported_peak_pps)) {
    events.push_back({AttackEvent::Kind::kUpdated, a});
    it->second.reported_peak_pps = a.peak_pps;
  }
}

DetectorCarryover Detector::handOver() {
  DetectorCarryover out;
  out.next_id = next_id_;
  for (auto& [key, t] : active_) out.active.push_back(std::move(t.attack));
  std::sort(out.active.begin(), out.active.end(), [](const Attack& x, const Attack& y) { return x.id < y.id; });
  active_.clear();
  return out;
}

void Detector::adopt(DetectorCarryover carried) {
  next_id_ = std::max(next_id_, carried.next_id);
  for (Attack& a : carried.active) {
    next_id_ = std::max(next_id_, a.id + 1);
    Tracked t;
    t.reported_peak_pps = a.peak_pps;
    t.attack = std::move(a);
    const traffic::TargetKey key = t.attack.target;
    active_.insert_or_assign(key, std::move(t));
  }
}

std::vector<AttackEvent> Detector::expire(traffic::TrafficCounters& counters, uint64_t now_ns) {
  std::vector<AttackEvent> events;
  end(counters, events, false, now_ns);
  return events;
}

std::vector<AttackEvent> Detector::finish(traffic::TrafficCounters& counters) {
  std::vector<AttackEvent> events;
  end(counters, events, true, 0);
  return events;
}

void Detector::end(traffic::TrafficCounters& counters, std::vector<AttackEvent>& events, bool all, uint64_t now_ns) {
  std::vector<traffic::TargetKey> ended;
  for (auto& [key, t] : active_) {
    if (all || now_ns >= t.attack.end_ns + config_.hold_down_ns) ended.push_back(key);
  }
  // Report in attack order so that output does not depend on hash-table order.
  std::sort(ended.begin(), ended.end(),
            [&](const auto& x, const auto& y) { return active_.at(x).attack.id < active_.at(y).attack.id; });
  for (const auto& key : ended) {
    auto node = active_.extract(key);
    node.mapped().attack.active = false;
    events.push_back({AttackEvent::Kind::kEnded, std::move(node.mapped().attack)});
    counters.releaseDeep(key);
  }
}

}  // namespace rampart::detect
