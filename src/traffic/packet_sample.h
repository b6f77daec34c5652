// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/flow_record.h"
#include "traffic/packet_class.h"

namespace rampart::traffic {

// The header fields a fingerprint and the attribution are built from, kept for sampled packets.
struct SampledPacket {
  core::IpAddress src;
  uint32_t weight = 1;  // packets this sample stands for (sampling rate x packets of a flow)
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint16_t ip_length = 0;
  uint8_t protocol = 0;
  uint8_t tcp_flags = 0;
  uint8_t ttl = 0;
  uint8_t fragment = 0;
  PacketClass cls = PacketClass::kOther;
};
static_assert(sizeof(SampledPacket) <= 32, "SampledPacket should stay within half a cache line");

// A uniform sample of fixed size over an unbounded stream: reservoir sampling with Li's
// "Algorithm L" (ACM TOMS 1994), which draws random numbers only when an item is kept, so the
// per-packet cost is one increment and one compare. Heavy hitters (top sources, ports) and
// fingerprints are computed from it: with 1024 samples any value above ~1 % share is found and its
// share estimated within a few percent, in bounded memory whatever the attack's size.
class PacketSample {
 public:
  static constexpr std::size_t kDefaultCapacity = 1024;

  explicit PacketSample(std::size_t capacity = kDefaultCapacity, uint64_t seed = 0x5eed);

  void add(const core::FlowRecord& r, PacketClass cls) noexcept {
    ++seen_;
    if (items_.size() < capacity_) {
      items_.push_back(toSample(r, cls));  // capacity reserved up front: never reallocates
      if (items_.size() == capacity_) scheduleNext();
    } else if (seen_ == next_) {
      items_[nextRandom() % capacity_] = toSample(r, cls);
      scheduleNext();
    }
  }

  // Folds in another sample of a disjoint stream (another capture worker's): the result is a
  // uniform sample of both streams, each side keeping a share of the capacity proportional to what
  // it saw. Meant for samples that are only merged; add() after a merge is approximately uniform.
  void merge(const PacketSample& other);

  [[nodiscard]] std::span<const SampledPacket> items() const noexcept { return items_; }
  [[nodiscard]] uint64_t seen() const noexcept { return seen_; }
  void clear() noexcept;

 private:
  static SampledPacket toSample(const core::FlowRecord& r, PacketClass cls) noexcept {
    SampledPacket s;
    s.src = r.src;
    s.weight = r.packets * r.sampling_rate;
    s.src_port = r.src_port;
    s.dst_port = r.dst_port;
    s.ip_length = r.ip_length;
    s.protocol = r.protocol;
    s.tcp_flags = r.tcp_flags;
    s.ttl = r.ttl;
    s.fragment = r.fragment;
    s.cls = cls;
    return s;
  }
  void scheduleNext() noexcept;
  uint64_t nextRandom() noexcept;
  double nextUnit() noexcept;

  std::size_t capacity_;
  std::vector<SampledPacket> items_;
  uint64_t seen_ = 0;
  uint64_t next_ = 0;
  double w_ = 1.0;
  uint64_t rng_;
  uint64_t seed_;
};

}  // namespace rampart::traffic
