// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "detect/thresholds.h"

namespace rampart::detect {

// A rolling window of one statistic (packets and bits per second) and its percentile.
class RateProfile {
 public:
  explicit RateProfile(uint32_t windows) : capacity_(windows == 0 ? 1 : windows) {}

  void add(uint64_t pps, uint64_t bps);
  [[nodiscard]] std::size_t learned() const noexcept { return pps_.size(); }
  // The q-quantile (0..1) of what was learned; 0 before anything was.
  [[nodiscard]] uint64_t percentilePps(double q) const { return quantile(pps_, q); }
  [[nodiscard]] uint64_t percentileBps(double q) const { return quantile(bps_, q); }

 private:
  [[nodiscard]] static uint64_t quantile(const std::vector<uint64_t>& values, double q);

  std::size_t capacity_;
  std::size_t next_ = 0;  // ring position once full
  std::vector<uint64_t> pps_;
  std::vector<uint64_t> bps_;
};

// The limits a baseline adds to static thresholds: the lower of the static limit (when set) and
// max(floor, factor x normal). Before min_windows were learned, the static thresholds alone.
struct LearnedLimits {
  uint64_t normal_pps = 0;  // the profile's percentile; 0 while learning
  uint64_t normal_bps = 0;
  bool ready = false;
};

[[nodiscard]] LearnedLimits learnedLimits(const BaselineConfig& config, const RateProfile& profile);
[[nodiscard]] Thresholds applyBaseline(const Thresholds& fixed, const BaselineConfig& config,
                                       const LearnedLimits& learned);

}  // namespace rampart::detect
