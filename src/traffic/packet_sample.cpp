// SPDX-License-Identifier: Apache-2.0
#include "traffic/packet_sample.h"

#include <algorithm>
#include <cmath>

namespace rampart::traffic {

PacketSample::PacketSample(std::size_t capacity, uint64_t seed)
    : capacity_(capacity == 0 ? 1 : capacity), rng_(seed), seed_(seed) {
  items_.reserve(capacity_);
}

void PacketSample::clear() noexcept {
  items_.clear();
  seen_ = 0;
  next_ = 0;
  w_ = 1.0;
  rng_ = seed_;
}

void PacketSample::merge(const PacketSample& other) {
  if (other.seen_ == 0) return;
  const uint64_t total = seen_ + other.seen_;
  std::size_t from_other = static_cast<std::size_t>(
      std::llround(static_cast<double>(capacity_) * static_cast<double>(other.seen_) / static_cast<double>(total)));
  from_other = std::min(from_other, other.items_.size());
  const std::size_t from_this = std::min(items_.size(), capacity_ - from_other);
  from_other = std::min(other.items_.size(), capacity_ - from_this);  // room this side left unused

  // Partial Fisher-Yates: the first `n` entries become a uniform choice of `n`.
  const auto choose = [this](std::vector<SampledPacket>& v, std::size_t n) {
    for (std::size_t i = 0; i < n && i + 1 < v.size(); ++i) std::swap(v[i], v[i + nextRandom() % (v.size() - i)]);
    v.resize(n);
  };
  if (from_this < items_.size()) choose(items_, from_this);
  if (from_other == other.items_.size()) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  } else {
    std::vector<SampledPacket> picked(other.items_.begin(), other.items_.end());
    choose(picked, from_other);
    items_.insert(items_.end(), picked.begin(), picked.end());
  }
  seen_ = total;
  if (items_.size() == capacity_) {
    // Algorithm L's threshold after `seen_` items is about capacity / seen_.
    w_ = std::min(1.0, static_cast<double>(capacity_) / static_cast<double>(seen_));
    scheduleNext();
  }
}

uint64_t PacketSample::nextRandom() noexcept {  // splitmix64: fast, and seeded so tests are repeatable
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double PacketSample::nextUnit() noexcept {  // in (0, 1): log() below must never see 0
  return (static_cast<double>(nextRandom() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

void PacketSample::scheduleNext() noexcept {
  const double k = static_cast<double>(capacity_);
  w_ *= std::exp(std::log(nextUnit()) / k);
  const double skip = std::floor(std::log(nextUnit()) / std::log1p(-w_));
  next_ = seen_ + 1 + (skip > 1e18 ? static_cast<uint64_t>(1e18) : static_cast<uint64_t>(skip));
}

}  // namespace rampart::traffic
