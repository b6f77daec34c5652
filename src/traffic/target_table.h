// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <vector>

#include "traffic/target.h"
#include "traffic/traffic_counts.h"

namespace rampart::traffic {

inline constexpr uint32_t kNoSlot = UINT32_MAX;

// Counters of one target for the current window.
struct TargetSlot {
  TargetKey key;
  uint32_t group = 0;
  uint32_t parent = kNoSlot;      // a host's prefix aggregate (index in the prefix table)
  uint32_t hosts = 0;             // a prefix's distinct hosts this window
  uint64_t max_host_packets = 0;  // a prefix's busiest host this window (filled at window close)
  uint64_t trigger_packets = 0;   // deep stats attach at this many packets in a window ...
  uint64_t trigger_bytes = 0;     // ... or this many bytes
  DeepStats* deep = nullptr;
  TrafficCounts counts;
};

// Open-addressing hash table (linear probing) from TargetKey to a dense array of slots, emptied at
// every window. Capacity is fixed at construction, so memory is bounded: about
// sizeof(TargetSlot) (~600 bytes) per tracked target plus 8 bytes of index.
class TargetTable {
 public:
  explicit TargetTable(std::size_t max_targets);

  // Index of the key's slot, or kNoSlot. `bucket` receives where an insert() of it would go.
  [[nodiscard]] uint32_t find(const TargetKey& key, uint64_t hash) const noexcept {
    for (std::size_t b = hash & mask_;; b = (b + 1) & mask_) {
      const uint32_t idx = buckets_[b];
      if (idx == kNoSlot) return kNoSlot;
      if (slots_[idx].key == key) return idx;
    }
  }

  // Creates the slot of a key known to be absent; kNoSlot when the table is full.
  [[nodiscard]] uint32_t insert(const TargetKey& key, uint64_t hash) {
    if (slots_.size() >= max_targets_) return kNoSlot;
    std::size_t b = hash & mask_;
    while (buckets_[b] != kNoSlot) b = (b + 1) & mask_;
    buckets_[b] = static_cast<uint32_t>(slots_.size());
    used_buckets_.push_back(static_cast<uint32_t>(b));
    slots_.emplace_back().key = key;
    return buckets_[b];
  }

  [[nodiscard]] TargetSlot& operator[](uint32_t i) noexcept { return slots_[i]; }
  [[nodiscard]] const TargetSlot& operator[](uint32_t i) const noexcept { return slots_[i]; }
  [[nodiscard]] std::vector<TargetSlot>& slots() noexcept { return slots_; }
  [[nodiscard]] const std::vector<TargetSlot>& slots() const noexcept { return slots_; }
  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return max_targets_; }
  void clear() noexcept;

 private:
  std::size_t max_targets_;
  std::size_t mask_;
  std::vector<uint32_t> buckets_;       // slot index or kNoSlot; twice max_targets, power of two
  std::vector<uint32_t> used_buckets_;  // so clear() costs what the window used, not the capacity
  std::vector<TargetSlot> slots_;
};

}  // namespace rampart::traffic
