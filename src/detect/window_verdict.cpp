// SPDX-License-Identifier: Apache-2.0
#include "detect/window_verdict.h"

namespace rampart::detect {
namespace {

// A vector is named when it crosses its own limit, or makes up this share of a window that
// crossed an overall limit.
constexpr double kVectorShare = 0.2;

bool crosses(uint64_t count, uint64_t limit, double seconds, double factor) {
  return limit != 0 && static_cast<double>(count) >= static_cast<double>(limit) * factor * seconds;
}

}  // namespace

WindowVerdict judgeWindow(const traffic::TargetSlot& target, const HostGroup& group, double seconds,
                          double hysteresis) {
  WindowVerdict v;
  const traffic::TrafficCounts& c = target.counts;
  if (c.packets == 0 || seconds <= 0) return v;
  for (std::size_t i = 0; i < traffic::kPacketClassCount; ++i) {
    const auto vec = static_cast<std::size_t>(vectorOf(static_cast<traffic::PacketClass>(i)));
    v.packets[vec] += c.by_class[i].packets;
    v.bytes[vec] += c.by_class[i].bytes;
  }
  // First fragments carry a transport header and count under it too; a fragment flood is all of them.
  v.packets[static_cast<std::size_t>(AttackVector::kFragmentFlood)] = c.fragments;

  const bool is_prefix = target.key.isPrefix();
  const Thresholds& t = is_prefix ? group.prefix : group.host;
  if (is_prefix) {
    const bool spread =
        target.hosts >= group.carpet_min_hosts &&
        static_cast<double>(target.max_host_packets) <= group.carpet_max_host_share * static_cast<double>(c.packets);
    if (!spread) return v;
  }

  const auto level = [&](double factor, VectorSet* named) {
    const bool total = crosses(c.packets, t.pps, seconds, factor) || crosses(c.bytes * 8, t.bps, seconds, factor);
    bool any = total;
    for (std::size_t i = 0; i < kAttackVectorCount; ++i) {
      const bool own = crosses(v.packets[i], t.vector_pps[i], seconds, factor);
      any = any || own;
      if (named != nullptr && v.packets[i] != 0 &&
          (own || (total && static_cast<double>(v.packets[i]) >= kVectorShare * static_cast<double>(c.packets)))) {
        named->set(i);
      }
    }
    return any;
  };
  v.over = level(1.0, &v.vectors);
  v.sustained = v.over || level(hysteresis, nullptr);
  if (v.over) {
    if (is_prefix) v.vectors.set(static_cast<std::size_t>(AttackVector::kCarpetBombing));
    if (v.vectors.none()) v.vectors.set(static_cast<std::size_t>(AttackVector::kUnclassified));
  }
  return v;
}

}  // namespace rampart::detect
