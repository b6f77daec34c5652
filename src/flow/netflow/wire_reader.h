// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

// Network-order loads. Callers check bounds first; these only read.
namespace rampart::flow::netflow::wire {

[[nodiscard]] inline uint16_t load16(const uint8_t* p) noexcept {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}

[[nodiscard]] inline uint32_t load32(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// An unsigned integer of 1..8 bytes: IPFIX reduced-size encoding (RFC 7011 section 6.2) and the
// 4- or 8-byte counters of NetFlow v9 both arrive this way.
[[nodiscard]] inline uint64_t loadUint(const uint8_t* p, std::size_t n) noexcept {
  uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace rampart::flow::netflow::wire
