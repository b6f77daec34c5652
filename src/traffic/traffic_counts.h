// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>

#include "traffic/packet_class.h"

namespace rampart::traffic {

struct ClassCounter {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// Packets and bytes of one target in one window, by class. Protocol totals are sums of classes, so
// they cost nothing per packet.
struct TrafficCounts {
  std::array<ClassCounter, kPacketClassCount> by_class{};
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t fragments = 0;  // first and non-first fragments alike

  void add(PacketClass c, uint64_t pkts, uint64_t byte_count, bool fragment) noexcept {
    auto& k = by_class[static_cast<std::size_t>(c)];
    k.packets += pkts;
    k.bytes += byte_count;
    packets += pkts;
    bytes += byte_count;
    fragments += fragment ? pkts : 0;
  }
  [[nodiscard]] const ClassCounter& of(PacketClass c) const noexcept { return by_class[static_cast<std::size_t>(c)]; }
  [[nodiscard]] ClassCounter tcp() const noexcept { return sum(PacketClass::kTcpSyn, PacketClass::kTcpOther); }
  [[nodiscard]] ClassCounter udp() const noexcept { return sum(PacketClass::kUdp, kLastReflectionClass); }
  [[nodiscard]] ClassCounter icmp() const noexcept { return of(PacketClass::kIcmp); }
  TrafficCounts& operator+=(const TrafficCounts& o) noexcept;

 private:
  [[nodiscard]] ClassCounter sum(PacketClass first, PacketClass last) const noexcept;
};

}  // namespace rampart::traffic
