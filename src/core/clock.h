// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>

namespace rampart::core {

// Wall time as nanoseconds since the epoch, behind an interface so that tests can fake it.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual uint64_t nowNs() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] uint64_t nowNs() const override {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(uint64_t start_ns = 0) : now_(start_ns) {}
  [[nodiscard]] uint64_t nowNs() const override { return now_; }
  void advanceNs(uint64_t ns) { now_ += ns; }

 private:
  uint64_t now_;
};

}  // namespace rampart::core
