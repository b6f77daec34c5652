// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/flow_record.h"
#include "metrics/counters.h"
#include "traffic/packet_class.h"
#include "traffic/protected_networks.h"
#include "traffic/target_table.h"

namespace rampart::traffic {

struct TrafficConfig {
  std::size_t max_hosts = 65536;     // hosts tracked per window; more are counted as untracked
  std::size_t max_prefixes = 16384;  // prefix aggregates per window
  std::size_t max_deep = 1024;       // targets with deep stats (34 KiB each) at once
  std::size_t sample_capacity = PacketSample::kDefaultCapacity;
  unsigned aggregate_v4 = 24;  // prefix aggregation when every address is protected
  unsigned aggregate_v6 = 48;
  unsigned deep_idle_windows = 10;  // windows below trigger before deep stats are freed
  // A capture worker's shard, folded into a view every sub-window (merge()): its deep stats cover
  // one window and are dropped at each reset; the view keeps the lasting ones.
  bool shard = false;
};

using TargetKeySet = std::unordered_set<TargetKey, TargetKeyHash>;

// When a group's targets get deep stats: a fraction of the group's lowest threshold, so that by
// the time a threshold is crossed the sample and source count are already filling.
struct GroupTrigger {
  uint64_t host_packets = 1000;
  uint64_t host_bytes = 1'000'000;
  uint64_t prefix_packets = 1000;
  uint64_t prefix_bytes = 1'000'000;
};

// What was counted beyond the per-target counters, for the metrics layer.
#define RAMPART_TRAFFIC_COUNTERS(COUNT, BY, PART)                                                    \
  COUNT(records, "flow records counted")                                                             \
  COUNT(unprotected, "records with neither end in a protected network")                              \
  COUNT(untracked_hosts, "records of hosts beyond a full host table (still in their prefix totals)") \
  COUNT(untracked_prefixes, "records of prefixes beyond a full prefix table")                        \
  COUNT(deep_refused, "targets that reached their trigger while max_deep were in use")
struct TrafficStats {
  RAMPART_COUNTERS(TrafficStats, RAMPART_TRAFFIC_COUNTERS)
};

// Per-target counters for one-second windows (or any window the caller chooses): the hot path of
// the sensor. One instance per worker thread; nothing is shared, nothing locks. The caller feeds
// records with add(), and at each window boundary visits the targets with forEachTarget() and then
// calls resetWindow().
class TrafficCounters {
 public:
  TrafficCounters(const TrafficConfig& config, const ProtectedNetworks& networks, std::vector<GroupTrigger> triggers);
  ~TrafficCounters();
  TrafficCounters(const TrafficCounters&) = delete;
  TrafficCounters& operator=(const TrafficCounters&) = delete;

  void add(const core::FlowRecord& r) noexcept;

  // Visits every host, then every prefix, that saw traffic in the current window. A prefix's
  // max_host_packets is filled before the visit.
  void forEachTarget(const std::function<void(const TargetSlot&)>& visit);
  // The same for the targets that reached their deep-stats trigger in this window, in the order
  // they reached it. A trigger is a quarter of the group's lowest per-second limit, so in windows
  // of a quarter second or more these are the only targets whose counts so far can cross a limit:
  // what early starts look at, without visiting every host of a busy network.
  void forEachBusyTarget(const std::function<void(const TargetSlot&)>& visit);
  // Empties the window; deep stats of targets that stayed busy are kept.
  void resetWindow();
  // Frees a target's deep stats at the next reset (an attack on it ended): a later attack on the
  // same target starts with a fresh sample.
  void releaseDeep(const TargetKey& key);

  // Sharded counting (one shard per capture worker, each swapped out and folded into one view on
  // the main thread): adds a shard's window to this one. Counts add up, a prefix's host count is
  // the view's own, and the shard's deep stats fold into the view's (sources united, samples
  // merged by what each saw), which then live as usual. Hosts and prefixes keep the shard's group.
  void merge(const TrafficCounters& shard);
  // Targets with deep stats that are not released: a shard given these attaches deep stats to them
  // from their first record of a window, so a busy target is sampled whole across workers.
  [[nodiscard]] TargetKeySet deepKeys() const;
  // For shards: the view's deepKeys() (read-only, shared; set while the shard is not counting).
  void setHotKeys(std::shared_ptr<const TargetKeySet> keys) noexcept { hot_ = std::move(keys); }

  [[nodiscard]] const TrafficStats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::size_t deepInUse() const noexcept { return deep_.size(); }

 private:
  uint32_t resolveHost(const core::FlowRecord& r, uint32_t& untracked_prefix) noexcept;
  uint32_t insertHost(const TargetKey& key, uint64_t hash, const NetworkMatch& m, uint32_t& untracked_prefix) noexcept;
  void initSlot(TargetSlot& s, uint32_t group, uint64_t trigger_packets, uint64_t trigger_bytes);
  void account(TargetSlot& s, const core::FlowRecord& r, PacketClass cls, uint64_t pkts, uint64_t bytes) noexcept;
  void attachDeep(TargetSlot& s) noexcept;
  void fillPrefixMaxima() noexcept;
  void markBusy(const TargetSlot& s);
  uint32_t mergeSlot(TargetTable& table, const TargetSlot& from, uint64_t& untracked);

  TrafficConfig config_;
  const ProtectedNetworks& networks_;
  std::vector<GroupTrigger> triggers_;
  ReflectorPorts reflectors_;
  TargetTable hosts_;
  TargetTable prefixes_;
  std::unordered_map<TargetKey, std::unique_ptr<DeepStats>, TargetKeyHash> deep_;
  TrafficStats stats_;
  std::shared_ptr<const TargetKeySet> hot_;
  // Reached a trigger this window: the slot's index, with kPrefixBit set for a prefix.
  static constexpr uint32_t kPrefixBit = 1u << 31;
  std::vector<uint32_t> busy_;
  uint32_t last_host_ = kNoSlot;  // consecutive packets of a flood hit the same host: skip the hash
};

}  // namespace rampart::traffic
