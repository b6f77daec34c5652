// SPDX-License-Identifier: Apache-2.0
#include "traffic/traffic_counts.h"

namespace rampart::traffic {

TrafficCounts& TrafficCounts::operator+=(const TrafficCounts& o) noexcept {
  for (std::size_t i = 0; i < kPacketClassCount; ++i) {
    by_class[i].packets += o.by_class[i].packets;
    by_class[i].bytes += o.by_class[i].bytes;
  }
  packets += o.packets;
  bytes += o.bytes;
  fragments += o.fragments;
  return *this;
}

ClassCounter TrafficCounts::sum(PacketClass first, PacketClass last) const noexcept {
  ClassCounter total;
  for (auto i = static_cast<std::size_t>(first); i <= static_cast<std::size_t>(last); ++i) {
    total.packets += by_class[i].packets;
    total.bytes += by_class[i].bytes;
  }
  return total;
}

}  // namespace rampart::traffic
