// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

// Network-order loads for the decoders. Callers check bounds first; these only read. Written as
// byte shifts, which compilers turn into one load and a byte swap with no alignment assumption.
namespace rampart::decode::wire {

[[nodiscard]] inline uint16_t load16(const uint8_t* p) noexcept {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}

[[nodiscard]] inline uint32_t load32(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace rampart::decode::wire
