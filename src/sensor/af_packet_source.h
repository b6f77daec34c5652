// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <linux/if_packet.h>

#include <cstdint>
#include <span>
#include <string>

#include "core/result.h"
#include "metrics/counters.h"

namespace rampart::sensor {

struct AfPacketConfig {
  std::string interface;
  // 256 MiB of ring in small blocks: a block is handed over when full or after block_timeout_ms,
  // so it is the block count that bounds how long a stall the ring absorbs at a moderate rate
  // (256 blocks of 10 ms = 2.5 s), and the size that bounds it at line rate.
  uint32_t block_size = 1u << 20;  // bytes per ring block (a multiple of the page size)
  uint32_t block_count = 256;
  uint32_t frame_size = 2048;      // TPACKET_V3 packs frames; this is only the minimum slot
  uint32_t block_timeout_ms = 10;  // a partly filled block is handed over after this long
  int fanout_group = -1;           // >= 0: join this PACKET_FANOUT group (one socket per worker)
  uint32_t sample_one_in = 1;      // > 1: the kernel keeps 1 packet in N at random (classic BPF)
  bool promiscuous = true;
};

#define RAMPART_AF_PACKET_COUNTERS(COUNT, BY, PART)                              \
  COUNT(packets, "frames handed to user space by the capture rings")           \
  COUNT(drops, "frames the kernel dropped because a ring was full (tp_drops)") \
  COUNT(freezes, "times a ring ran full (tp_freeze_q_cnt)")
struct AfPacketStats {
  RAMPART_COUNTERS(AfPacketStats, RAMPART_AF_PACKET_COUNTERS)
};

// A Linux AF_PACKET socket with a TPACKET_V3 memory-mapped receive ring: frames are read in place,
// one block at a time, with no copy and no system call per packet. Move-only; unmaps and closes
// when destroyed. Needs CAP_NET_RAW.
class AfPacketSource {
 public:
  // Fails with "<interface>: <what failed>: <strerror>".
  static core::Result<AfPacketSource, std::string> open(const AfPacketConfig& config);

  ~AfPacketSource();
  AfPacketSource(AfPacketSource&& other) noexcept;
  AfPacketSource& operator=(AfPacketSource&& other) noexcept;
  AfPacketSource(const AfPacketSource&) = delete;
  AfPacketSource& operator=(const AfPacketSource&) = delete;

  // Waits up to `timeout_ms` for a filled block, then hands every frame of every ready block to
  // visit(std::span<const uint8_t> frame, uint64_t timestamp_ns) and returns the frames visited.
  // Frames are valid only during the call (the block goes back to the kernel after it).
  template <typename Visit>
  std::size_t poll(int timeout_ms, Visit&& visit);

  // Kernel counters since the last call are added to the totals (the kernel resets them on read).
  [[nodiscard]] AfPacketStats stats();
  [[nodiscard]] uint32_t sampleOneIn() const noexcept { return sample_one_in_; }
  [[nodiscard]] int fd() const noexcept { return fd_; }

 private:
  AfPacketSource() = default;
  [[nodiscard]] tpacket_block_desc* block(uint32_t i) const noexcept {
    return reinterpret_cast<tpacket_block_desc*>(ring_ + static_cast<std::size_t>(i) * block_size_);
  }
  bool waitForBlock(int timeout_ms) const noexcept;
  void close() noexcept;

  int fd_ = -1;
  uint8_t* ring_ = nullptr;
  std::size_t ring_bytes_ = 0;
  uint32_t block_size_ = 0;
  uint32_t block_count_ = 0;
  uint32_t next_block_ = 0;
  uint32_t sample_one_in_ = 1;
  AfPacketStats totals_;
};

template <typename Visit>
std::size_t AfPacketSource::poll(int timeout_ms, Visit&& visit) {
  std::size_t frames = 0;
  if (!waitForBlock(timeout_ms)) return 0;
  // Every block the kernel has handed over, in ring order.
  while (true) {
    tpacket_block_desc* b = block(next_block_);
    if ((__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) break;
    const uint32_t count = b->hdr.bh1.num_pkts;
    auto* hdr = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<uint8_t*>(b) + b->hdr.bh1.offset_to_first_pkt);
    for (uint32_t i = 0; i < count; ++i) {
      const auto* frame = reinterpret_cast<const uint8_t*>(hdr) + hdr->tp_mac;
      const uint64_t ts = uint64_t{hdr->tp_sec} * 1'000'000'000ULL + hdr->tp_nsec;
      visit(std::span<const uint8_t>(frame, hdr->tp_snaplen), ts);
      hdr = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<uint8_t*>(hdr) + hdr->tp_next_offset);
    }
    frames += count;
    __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    next_block_ = (next_block_ + 1) % block_count_;
  }
  totals_.packets += frames;
  return frames;
}

}  // namespace rampart::sensor
