// SPDX-License-Identifier: Apache-2.0
#include "traffic/target_table.h"

#include <bit>

namespace rampart::traffic {

TargetTable::TargetTable(std::size_t max_targets)
    : max_targets_(max_targets == 0 ? 1 : max_targets),
      mask_(std::bit_ceil(max_targets_ * 2) - 1),
      buckets_(mask_ + 1, kNoSlot) {
  // Reserved whole (address space only: pages are touched as slots fill) so that a busy window never
  // reallocates and copies its slots.
  slots_.reserve(max_targets_);
  used_buckets_.reserve(max_targets_);
}

void TargetTable::clear() noexcept {
  for (const uint32_t b : used_buckets_) buckets_[b] = kNoSlot;
  used_buckets_.clear();
  slots_.clear();
}

}  // namespace rampart::traffic
