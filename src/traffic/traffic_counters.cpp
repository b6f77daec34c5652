// SPDX-License-Identifier: Apache-2.0
#include "traffic/traffic_counters.h"

namespace rampart::traffic {

TrafficCounters::TrafficCounters(const TrafficConfig& config, const ProtectedNetworks& networks,
                                 std::vector<GroupTrigger> triggers)
    : config_(config),
      networks_(networks),
      triggers_(std::move(triggers)),
      hosts_(config.max_hosts),
      prefixes_(config.max_prefixes) {
  if (triggers_.empty()) triggers_.emplace_back();
}

TrafficCounters::~TrafficCounters() = default;

void TrafficCounters::add(const core::FlowRecord& r) noexcept {
  ++stats_.records;
  const PacketClass cls = classify(r, reflectors_);
  const uint64_t pkts = uint64_t{r.packets} * r.sampling_rate;
  const uint64_t bytes = r.bytes * r.sampling_rate;

  // Only an incoming host can be reused without a look-up: a record from a host we saw sending
  // may be addressed to another protected host, and then counts for that one.
  uint32_t h = last_host_;
  uint32_t prefix = kNoSlot;
  if (h == kNoSlot || hosts_[h].key.direction != Direction::kIncoming || hosts_[h].key.address != r.dst) {
    h = resolveHost(r, prefix);
  }
  if (h != kNoSlot) {
    last_host_ = h;
    TargetSlot& host = hosts_[h];
    account(host, r, cls, pkts, bytes);
    prefix = host.parent;
  }
  if (prefix != kNoSlot) account(prefixes_[prefix], r, cls, pkts, bytes);
}

void TrafficCounters::account(TargetSlot& s, const core::FlowRecord& r, PacketClass cls, uint64_t pkts,
                              uint64_t bytes) noexcept {
  s.counts.add(cls, pkts, bytes, r.isFragment());
  if (s.deep != nullptr) {
    s.deep->sources.add(r.src.hash());
    s.deep->sample.add(r, cls);
  } else if (s.counts.packets >= s.trigger_packets || s.counts.bytes >= s.trigger_bytes) [[unlikely]] {
    attachDeep(s);
  }
}

// Finds the host a record is counted for: its destination when that is protected (incoming), else
// its source when that is (outgoing), creating the host's slot, and its prefix's, on first sight.
// A destination already in this window's table needs no prefix look-up. When the host table is
// full the record still counts towards its prefix, returned in `untracked_prefix`.
uint32_t TrafficCounters::resolveHost(const core::FlowRecord& r, uint32_t& untracked_prefix) noexcept {
  const TargetKey in{r.dst, 128, Direction::kIncoming};
  const uint64_t in_hash = in.hash();
  if (const uint32_t i = hosts_.find(in, in_hash); i != kNoSlot) return i;
  if (const auto m = networks_.match(r.dst, config_.aggregate_v4, config_.aggregate_v6)) {
    return insertHost(in, in_hash, *m, untracked_prefix);
  }
  const TargetKey out{r.src, 128, Direction::kOutgoing};
  const uint64_t out_hash = out.hash();
  if (const uint32_t i = hosts_.find(out, out_hash); i != kNoSlot) return i;
  if (const auto m = networks_.match(r.src)) return insertHost(out, out_hash, *m, untracked_prefix);
  ++stats_.unprotected;
  return kNoSlot;
}

uint32_t TrafficCounters::insertHost(const TargetKey& key, uint64_t hash, const NetworkMatch& m,
                                     uint32_t& untracked_prefix) noexcept {
  const GroupTrigger& trigger = triggers_[m.group < triggers_.size() ? m.group : 0];
  uint32_t parent = kNoSlot;
  if (key.direction == Direction::kIncoming && m.network.mappedLength() < 128) {
    const TargetKey pk{m.network.address(), static_cast<uint8_t>(m.network.mappedLength()), Direction::kIncoming};
    const uint64_t ph = pk.hash();
    parent = prefixes_.find(pk, ph);
    if (parent == kNoSlot) {
      parent = prefixes_.insert(pk, ph);
      if (parent == kNoSlot) {
        ++stats_.untracked_prefixes;
      } else {
        initSlot(prefixes_[parent], m.group, trigger.prefix_packets, trigger.prefix_bytes);
      }
    }
  }
  const uint32_t i = hosts_.insert(key, hash);
  if (i == kNoSlot) {
    ++stats_.untracked_hosts;
    untracked_prefix = parent;
    return kNoSlot;
  }
  TargetSlot& s = hosts_[i];
  initSlot(s, m.group, trigger.host_packets, trigger.host_bytes);
  s.parent = parent;
  if (parent != kNoSlot) ++prefixes_[parent].hosts;
  return i;
}

void TrafficCounters::initSlot(TargetSlot& s, uint32_t group, uint64_t trigger_packets, uint64_t trigger_bytes) {
  s.group = group;
  s.trigger_packets = trigger_packets;
  s.trigger_bytes = trigger_bytes;
  if (!deep_.empty()) {
    if (const auto it = deep_.find(s.key); it != deep_.end() && !it->second->released) s.deep = it->second.get();
  }
}

void TrafficCounters::attachDeep(TargetSlot& s) noexcept {
  auto it = deep_.find(s.key);
  if (it != deep_.end() && it->second->released) {
    deep_.erase(it);
    it = deep_.end();
  }
  if (it == deep_.end()) {
    if (deep_.size() >= config_.max_deep) {
      ++stats_.deep_refused;
      s.trigger_packets = s.trigger_bytes = UINT64_MAX;  // do not retry for every packet of this window
      return;
    }
    it = deep_.emplace(s.key, std::make_unique<DeepStats>(config_.sample_capacity)).first;
  }
  s.deep = it->second.get();
}

void TrafficCounters::forEachTarget(const std::function<void(const TargetSlot&)>& visit) {
  for (const TargetSlot& h : hosts_.slots()) {
    if (h.parent != kNoSlot) {
      auto& p = prefixes_[h.parent];
      p.max_host_packets = std::max(p.max_host_packets, h.counts.packets);
    }
  }
  for (const TargetSlot& h : hosts_.slots()) visit(h);
  for (const TargetSlot& p : prefixes_.slots()) visit(p);
}

void TrafficCounters::resetWindow() {
  for (auto* table : {&hosts_, &prefixes_}) {
    for (const TargetSlot& s : table->slots()) {
      if (s.deep != nullptr && (s.counts.packets >= s.trigger_packets || s.counts.bytes >= s.trigger_bytes)) {
        s.deep->hot = true;
      }
    }
    table->clear();
  }
  for (auto it = deep_.begin(); it != deep_.end();) {
    DeepStats& d = *it->second;
    d.idle_windows = d.hot ? 0 : d.idle_windows + 1;
    d.hot = false;
    if (d.released || d.idle_windows > config_.deep_idle_windows) {
      it = deep_.erase(it);
    } else {
      ++it;
    }
  }
  last_host_ = kNoSlot;
}

void TrafficCounters::releaseDeep(const TargetKey& key) {
  if (const auto it = deep_.find(key); it != deep_.end()) it->second->released = true;
}

}  // namespace rampart::traffic
