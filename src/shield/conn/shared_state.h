// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "shield/policy/challenge.h"

namespace rampart::shield::conn {

// What every worker reads and the server's once-a-second tick writes: whether the shield is
// under attack, and how hard its challenge is. One atomic load per request; no lock.
struct SharedState {
  explicit SharedState(const policy::ChallengeConfig& c) : challenger(c) {}
  const policy::Challenger challenger;  // immutable after start: safe to share
  std::atomic<uint32_t> difficulty{0};  // 0: not under attack
  // Per origin (by index): failed its last active health check. Sized before the workers start.
  std::unique_ptr<std::atomic<bool>[]> origin_down;
};

}  // namespace rampart::shield::conn
