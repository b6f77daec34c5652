// SPDX-License-Identifier: Apache-2.0
#pragma once
// Records, keys and window snapshots shared by the TrafficCounters tests.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/prefix.h"
#include "traffic/traffic_counters.h"

namespace rampart::traffic::test {

using core::FlowRecord;
using core::IpAddress;
using core::Prefix;

inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }
inline Prefix net(const char* text) { return *Prefix::parse(text); }

inline FlowRecord syn(const char* src, const char* dst, uint32_t packets = 1, uint64_t bytes = 60) {
  FlowRecord r;
  r.src = ip(src);
  r.dst = ip(dst);
  r.protocol = core::ip_proto::kTcp;
  r.tcp_flags = core::tcp_flag::kSyn;
  r.src_port = 40000;
  r.dst_port = 80;
  r.ip_length = 60;
  r.ttl = 64;
  r.packets = packets;
  r.bytes = bytes;
  return r;
}

inline FlowRecord ntp(const char* src, const char* dst) {
  FlowRecord r = syn(src, dst, 1, 468);
  r.protocol = core::ip_proto::kUdp;
  r.tcp_flags = 0;
  r.src_port = 123;
  r.dst_port = 4444;
  r.ip_length = 468;
  return r;
}

inline TargetKey hostKey(const char* a, Direction d = Direction::kIncoming) { return {ip(a), 128, d}; }
inline TargetKey prefixKey(const char* p) {
  const Prefix n = net(p);
  return {n.address(), static_cast<uint8_t>(n.mappedLength()), Direction::kIncoming};
}

// What forEachTarget() showed for one window, hosts before prefixes.
struct Window {
  std::vector<TargetSlot> hosts;
  std::vector<TargetSlot> prefixes;

  [[nodiscard]] std::optional<TargetSlot> find(const TargetKey& k) const {
    for (const auto* list : {&hosts, &prefixes}) {
      for (const TargetSlot& s : *list) {
        if (s.key == k) return s;
      }
    }
    return std::nullopt;
  }
};

inline Window snapshot(TrafficCounters& c) {
  Window w;
  bool seen_prefix = false;
  c.forEachTarget([&](const TargetSlot& s) {
    if (s.key.isPrefix()) {
      seen_prefix = true;
      w.prefixes.push_back(s);
    } else {
      EXPECT_FALSE(seen_prefix) << "hosts must be visited before prefixes";
      w.hosts.push_back(s);
    }
  });
  return w;
}

inline GroupTrigger neverTrigger() { return {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}; }

inline GroupTrigger hostTrigger(uint64_t packets) {
  GroupTrigger t = neverTrigger();
  t.host_packets = packets;
  return t;
}

}  // namespace rampart::traffic::test
