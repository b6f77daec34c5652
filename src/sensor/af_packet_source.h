// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <linux/if_packet.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "sensor/packet_source.h"

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

// A Linux AF_PACKET socket with a TPACKET_V3 memory-mapped receive ring: frames are read in place,
// one block at a time, with no copy and no system call per packet. Move-only; unmaps and closes
// when destroyed. Needs CAP_NET_RAW.
class AfPacketSource final : public PacketSource {
 public:
  // Fails with "<interface>: <what failed>: <strerror>".
  static core::Result<AfPacketSource, std::string> open(const AfPacketConfig& config);

  ~AfPacketSource() override;
  AfPacketSource(AfPacketSource&& other) noexcept;
  AfPacketSource& operator=(AfPacketSource&& other) noexcept;
  AfPacketSource(const AfPacketSource&) = delete;
  AfPacketSource& operator=(const AfPacketSource&) = delete;

  // Hands over one batch per ring block; frames are valid only during the call (the block goes
  // back to the kernel after it).
  std::size_t read(int timeout_ms, const Take& take) override;
  // Kernel counters since the last call are added to the totals (the kernel resets them on read).
  [[nodiscard]] CaptureStats stats() override;
  [[nodiscard]] decode::LinkType linkType() const noexcept override { return decode::LinkType::kEthernet; }
  [[nodiscard]] uint32_t sampleOneIn() const noexcept override { return sample_one_in_; }
  [[nodiscard]] int fd() const noexcept override { return fd_; }
  [[nodiscard]] const std::string& error() const noexcept override { return error_; }

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
  CaptureStats totals_;
  std::vector<Packet> batch_;  // one block's frames, reused
  std::string error_;          // stays empty: a ring has no end
};

}  // namespace rampart::sensor
