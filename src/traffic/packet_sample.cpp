// SPDX-License-Identifier: Apache-2.0
#include "traffic/packet_sample.h"

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
