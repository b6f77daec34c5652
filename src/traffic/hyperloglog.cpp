// SPDX-License-Identifier: Apache-2.0
#include "traffic/hyperloglog.h"

#include <algorithm>
#include <cmath>

namespace rampart::traffic {

double HyperLogLog::estimate() const noexcept {
  constexpr double m = kRegisters;
  constexpr double alpha = 0.7213 / (1.0 + 1.079 / m);
  double sum = 0;
  unsigned zeros = 0;
  for (const uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0 ? 1 : 0;
  }
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / zeros);  // linear counting
  return raw;
}

void HyperLogLog::merge(const HyperLogLog& other) noexcept {
  for (unsigned i = 0; i < kRegisters; ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

}  // namespace rampart::traffic
