// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/packet_builder.h"

namespace rampart::testing {

// A stream of packets at a steady rate, with some fields drawn at random per packet.
struct Flood {
  PacketSpec base;
  double start_s = 0;  // offset from the capture's start
  double seconds = 2;
  uint64_t pps = 20'000;
  enum class Sources { kFixed, kSpoofed, kPool } sources = Sources::kFixed;
  uint32_t pool_size = 50;                // kPool: this many distinct sources
  std::string pool_base = "203.0.113.0";  // kPool: sources counted up from here (IPv4)
  bool random_src_port = false;
  bool random_dst_port = false;
  uint32_t spread_dst_hosts = 0;  // >0: destinations drawn among this many hosts of base.dst's /24
};

// Builds a capture from floods plus an optional background of ordinary traffic, deterministically
// (fixed seed): the same script always writes the same file.
class AttackScenario {
 public:
  explicit AttackScenario(uint64_t seed = 42) : seed_(seed) {}

  AttackScenario& add(const Flood& flood) {
    floods_.push_back(flood);
    return *this;
  }
  // Web browsing between a few clients and servers for `seconds`, well below any threshold.
  AttackScenario& background(double seconds, uint64_t pps = 300);

  // Writes an Ethernet pcap starting at `start_ns`; returns the number of packets written.
  uint64_t write(const std::string& path, uint64_t start_ns = 1'700'000'000'000'000'000ULL) const;

 private:
  uint64_t seed_;
  std::vector<Flood> floods_;
};

}  // namespace rampart::testing
