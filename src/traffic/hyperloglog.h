// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>

namespace rampart::traffic {

// Distinct-count sketch (Flajolet et al. 2007, with the small-range linear-counting correction of
// Heule et al. 2013). 2^11 one-byte registers: 2 KiB, standard error about 2.3 %. Adding is one
// multiply-shift hash already computed by the caller, one shift and one compare.
class HyperLogLog {
 public:
  static constexpr unsigned kPrecision = 11;
  static constexpr unsigned kRegisters = 1u << kPrecision;

  void add(uint64_t hash) noexcept {
    const uint32_t index = static_cast<uint32_t>(hash >> (64 - kPrecision));
    const uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));  // guard bit bounds the rank
    const auto rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }

  [[nodiscard]] double estimate() const noexcept;
  void merge(const HyperLogLog& other) noexcept;
  void clear() noexcept { registers_.fill(0); }

 private:
  std::array<uint8_t, kRegisters> registers_{};
};

}  // namespace rampart::traffic
