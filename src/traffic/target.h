// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "core/ip_address.h"
#include "core/prefix.h"
#include "traffic/hyperloglog.h"
#include "traffic/packet_sample.h"

namespace rampart::traffic {

enum class Direction : uint8_t { kIncoming, kOutgoing };
[[nodiscard]] inline const char* toString(Direction d) noexcept {
  return d == Direction::kIncoming ? "incoming" : "outgoing";
}

// What counters are kept for: one protected host in one direction, or a whole protected prefix
// (incoming only) whose totals reveal carpet bombing.
struct TargetKey {
  core::IpAddress address;
  uint8_t mapped_length = 128;  // 128: a host; less: a prefix (bits of the v4-mapped form)
  Direction direction = Direction::kIncoming;

  [[nodiscard]] bool isPrefix() const noexcept { return mapped_length < 128; }
  [[nodiscard]] core::Prefix prefix() const {
    return {address, address.isV4() ? mapped_length - 96u : unsigned{mapped_length}};
  }
  [[nodiscard]] std::string toString() const { return isPrefix() ? prefix().toString() : address.toString(); }
  [[nodiscard]] uint64_t hash() const noexcept {
    return address.hash() ^ (uint64_t{mapped_length} << 1) ^ static_cast<uint64_t>(direction);
  }
  friend bool operator==(const TargetKey&, const TargetKey&) = default;
};

struct TargetKeyHash {
  std::size_t operator()(const TargetKey& k) const noexcept { return k.hash(); }
};

// The expensive per-target state, attached only to targets whose traffic in a window reaches their
// group's trigger level, and kept across windows while they stay busy: distinct sources and a
// uniform packet sample (top sources, ports, fingerprint). About 34 KiB each, at most
// TrafficConfig::max_deep of them.
struct DeepStats {
  explicit DeepStats(std::size_t sample_capacity) : sample(sample_capacity) {}
  HyperLogLog sources;
  PacketSample sample;
  uint32_t idle_windows = 0;  // consecutive windows below trigger; freed past a limit
  bool hot = false;           // reached the trigger in the current window
  bool released = false;      // the detector is done with it; freed at the next window reset
};

}  // namespace rampart::traffic
