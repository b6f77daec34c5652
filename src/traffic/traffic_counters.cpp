// SPDX-License-Identifier: Apache-2.0
#include "traffic/traffic_counters.h"

#include <algorithm>

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
  if (s.deep == nullptr && hot_ != nullptr && hot_->contains(s.key)) attachDeep(s);
}

void TrafficCounters::attachDeep(TargetSlot& s) noexcept {
  auto it = deep_.find(s.key);
  if (it != deep_.end() && it->second->released) {
    deep_.erase(it);
    it = deep_.end();
  }
  if (it == deep_.end()) {
    if (deep_.size() >= config_.max_deep) {
      if (s.trigger_packets != UINT64_MAX || s.trigger_bytes != UINT64_MAX) markBusy(s);  // once
      ++stats_.deep_refused;
      s.trigger_packets = s.trigger_bytes = UINT64_MAX;  // do not retry for every packet of this window
      return;
    }
    it = deep_.emplace(s.key, std::make_unique<DeepStats>(config_.sample_capacity)).first;
  }
  s.deep = it->second.get();
  markBusy(s);
}

void TrafficCounters::fillPrefixMaxima() noexcept {
  for (const TargetSlot& h : hosts_.slots()) {
    if (h.parent != kNoSlot) {
      auto& p = prefixes_[h.parent];
      p.max_host_packets = std::max(p.max_host_packets, h.counts.packets);
    }
  }
}

void TrafficCounters::forEachTarget(const std::function<void(const TargetSlot&)>& visit) {
  fillPrefixMaxima();
  for (const TargetSlot& h : hosts_.slots()) visit(h);
  for (const TargetSlot& p : prefixes_.slots()) visit(p);
}

void TrafficCounters::forEachBusyTarget(const std::function<void(const TargetSlot&)>& visit) {
  if (std::any_of(busy_.begin(), busy_.end(), [](uint32_t b) { return (b & kPrefixBit) != 0; })) fillPrefixMaxima();
  for (const uint32_t b : busy_) visit((b & kPrefixBit) != 0 ? prefixes_[b & ~kPrefixBit] : hosts_[b]);
}

void TrafficCounters::markBusy(const TargetSlot& s) {
  const bool prefix = s.key.isPrefix();
  const TargetTable& table = prefix ? prefixes_ : hosts_;
  busy_.push_back(static_cast<uint32_t>(&s - table.slots().data()) | (prefix ? kPrefixBit : 0));
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
  busy_.clear();
  for (auto it = deep_.begin(); it != deep_.end();) {
    DeepStats& d = *it->second;
    d.idle_windows = d.hot ? 0 : d.idle_windows + 1;
    d.hot = false;
    if (config_.shard || d.released || d.idle_windows > config_.deep_idle_windows) {
      it = deep_.erase(it);
    } else {
      ++it;
    }
  }
  last_host_ = kNoSlot;
  if (config_.shard) stats_ = {};  // folded into the view's by merge()
}

// Finds or creates `from`'s target in `table`, adds its counts and folds in its deep stats.
uint32_t TrafficCounters::mergeSlot(TargetTable& table, const TargetSlot& from, uint64_t& untracked) {
  const uint64_t hash = from.key.hash();
  uint32_t i = table.find(from.key, hash);
  if (i == kNoSlot) {
    i = table.insert(from.key, hash);
    if (i == kNoSlot) {
      ++untracked;
      return kNoSlot;
    }
    const GroupTrigger& t = triggers_[from.group < triggers_.size() ? from.group : 0];
    const bool prefix = from.key.isPrefix();
    initSlot(table[i], from.group, prefix ? t.prefix_packets : t.host_packets, prefix ? t.prefix_bytes : t.host_bytes);
  }
  TargetSlot& s = table[i];
  s.counts += from.counts;
  if (s.deep == nullptr &&
      (from.deep != nullptr || s.counts.packets >= s.trigger_packets || s.counts.bytes >= s.trigger_bytes)) {
    attachDeep(s);
  }
  if (s.deep != nullptr && from.deep != nullptr) {
    s.deep->sources.merge(from.deep->sources);
    s.deep->sample.merge(from.deep->sample);
  }
  return i;
}

void TrafficCounters::merge(const TrafficCounters& shard) {
  // Prefixes first, so that hosts can link to them.
  std::vector<uint32_t> prefix_of(shard.prefixes_.size(), kNoSlot);
  for (std::size_t p = 0; p < shard.prefixes_.size(); ++p) {
    prefix_of[p] = mergeSlot(prefixes_, shard.prefixes_[static_cast<uint32_t>(p)], stats_.untracked_prefixes);
  }
  for (const TargetSlot& h : shard.hosts_.slots()) {
    const uint32_t known = hosts_.find(h.key, h.key.hash());
    const uint32_t i = mergeSlot(hosts_, h, stats_.untracked_hosts);
    if (i == kNoSlot || known != kNoSlot || h.parent == kNoSlot) continue;
    hosts_[i].parent = prefix_of[h.parent];
    if (hosts_[i].parent != kNoSlot) ++prefixes_[hosts_[i].parent].hosts;
  }
  stats_ += shard.stats_;
  last_host_ = kNoSlot;
}

TargetKeySet TrafficCounters::deepKeys() const {
  TargetKeySet keys;
  for (const auto& [key, d] : deep_) {
    if (!d->released) keys.insert(key);
  }
  return keys;
}

void TrafficCounters::releaseDeep(const TargetKey& key) {
  if (const auto it = deep_.find(key); it != deep_.end()) it->second->released = true;
}

}  // namespace rampart::traffic
