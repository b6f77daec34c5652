// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <utility>

#include "scenario/attack_scenario.h"

namespace rampart::testing::vectors {

// The per-vector floods of the vector tests and the golden captures: two seconds from t = 1 s, at
// `pps`, against 192.0.2.10, from a pool of 300 sources unless spoofed.
inline Flood flood(PacketSpec spec, uint64_t pps, Flood::Sources sources, bool random_src_port, bool random_dst_port) {
  Flood f;
  f.base = std::move(spec);
  f.start_s = 1;
  f.seconds = 2;
  f.pps = pps;
  f.sources = sources;
  f.random_src_port = random_src_port;
  f.random_dst_port = random_dst_port;
  f.pool_size = 300;
  return f;
}

inline PacketSpec tcp(uint8_t flags, uint16_t dst_port, uint16_t src_port = 40000) {
  return PacketSpec{
      .dst = "192.0.2.10", .protocol = 6, .src_port = src_port, .dst_port = dst_port, .tcp_flags = flags, .ttl = 64};
}

inline PacketSpec udp(uint16_t src_port, uint16_t dst_port, uint16_t payload) {
  return PacketSpec{.dst = "192.0.2.10",
                    .protocol = 17,
                    .src_port = src_port,
                    .dst_port = dst_port,
                    .ttl = 55,
                    .payload_len = payload};
}

}  // namespace rampart::testing::vectors
