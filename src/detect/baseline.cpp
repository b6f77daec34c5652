// SPDX-License-Identifier: Apache-2.0
#include "detect/baseline.h"

#include <algorithm>
#include <cmath>

namespace rampart::detect {
namespace {

uint64_t lower(uint64_t fixed, uint64_t learned) { return fixed == 0 ? learned : std::min(fixed, learned); }

uint64_t scaled(double factor, uint64_t normal, uint64_t floor) {
  const double v = factor * static_cast<double>(normal);
  return std::max(floor, v >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(v));
}

}  // namespace

void RateProfile::add(uint64_t pps, uint64_t bps) {
  if (pps_.size() < capacity_) {
    pps_.push_back(pps);
    bps_.push_back(bps);
    return;
  }
  pps_[next_] = pps;
  bps_[next_] = bps;
  next_ = (next_ + 1) % capacity_;
}

uint64_t RateProfile::quantile(const std::vector<uint64_t>& values, double q) {
  if (values.empty()) return 0;
  std::vector<uint64_t> v = values;  // at most `windows` values, once per window
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto k = static_cast<std::size_t>(std::ceil(rank));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

LearnedLimits learnedLimits(const BaselineConfig& config, const RateProfile& profile) {
  LearnedLimits l;
  if (!config.enabled || profile.learned() < config.min_windows) return l;
  l.ready = true;
  l.normal_pps = profile.percentilePps(config.percentile);
  l.normal_bps = profile.percentileBps(config.percentile);
  return l;
}

Thresholds applyBaseline(const Thresholds& fixed, const BaselineConfig& config, const LearnedLimits& learned) {
  if (!learned.ready) return fixed;
  Thresholds t = fixed;
  t.pps = lower(fixed.pps, scaled(config.factor, learned.normal_pps, config.floor_pps));
  t.bps = lower(fixed.bps, scaled(config.factor, learned.normal_bps, config.floor_bps));
  return t;
}

}  // namespace rampart::detect
