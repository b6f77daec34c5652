// SPDX-License-Identifier: Apache-2.0
#include "sensor/af_packet_source.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace rampart::sensor {
namespace {

using OpenResult = core::Result<AfPacketSource, std::string>;

std::string failure(const AfPacketConfig& c, const char* what) {
  return c.interface + ": " + what + ": " + std::strerror(errno);
}

// Keeps one packet in N at random, in the kernel, before it costs a ring slot: the classic-BPF
// random ancillary load, modulo N, accept when zero.
int attachSampler(int fd, uint32_t one_in) {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_RANDOM)),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, one_in),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

}  // namespace

OpenResult AfPacketSource::open(const AfPacketConfig& c) {
  const unsigned ifindex = if_nametoindex(c.interface.c_str());
  if (ifindex == 0) return OpenResult::failure(failure(c, "no such interface"));
  if (c.block_size == 0 || c.block_size % static_cast<uint32_t>(getpagesize()) != 0 || c.block_count == 0 ||
      c.frame_size == 0 || c.block_size % c.frame_size != 0) {
    errno = EINVAL;
    return OpenResult::failure(failure(c, "ring geometry (block size must be a multiple of page and frame size)"));
  }

  AfPacketSource s;
  s.fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (s.fd_ < 0) return OpenResult::failure(failure(c, "socket(AF_PACKET)"));
  // The sampler goes on before the bind, so no unsampled packet slips into the ring.
  if (c.sample_one_in > 1 && attachSampler(s.fd_, c.sample_one_in) != 0) {
    return OpenResult::failure(failure(c, "attach sampling filter"));
  }
  s.sample_one_in_ = c.sample_one_in > 1 ? c.sample_one_in : 1;
  int version = TPACKET_V3;
  if (setsockopt(s.fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    return OpenResult::failure(failure(c, "PACKET_VERSION TPACKET_V3"));
  }
  tpacket_req3 req{};
  req.tp_block_size = c.block_size;
  req.tp_block_nr = c.block_count;
  req.tp_frame_size = c.frame_size;
  req.tp_frame_nr = c.block_size / c.frame_size * c.block_count;
  req.tp_retire_blk_tov = c.block_timeout_ms;
  if (setsockopt(s.fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    return OpenResult::failure(failure(c, "PACKET_RX_RING"));
  }
  s.block_size_ = c.block_size;
  s.block_count_ = c.block_count;
  s.ring_bytes_ = static_cast<std::size_t>(c.block_size) * c.block_count;
  void* ring = mmap(nullptr, s.ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, s.fd_, 0);
  if (ring == MAP_FAILED) {
    // MAP_LOCKED needs RLIMIT_MEMLOCK room; an unlocked ring still works, it may just be paged.
    ring = mmap(nullptr, s.ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, s.fd_, 0);
    if (ring == MAP_FAILED) return OpenResult::failure(failure(c, "mmap ring"));
  }
  s.ring_ = static_cast<uint8_t*>(ring);

  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(ifindex);
  if (bind(s.fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return OpenResult::failure(failure(c, "bind"));
  }
  if (c.promiscuous) {
    packet_mreq mreq{};
    mreq.mr_ifindex = static_cast<int>(ifindex);
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(s.fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
      return OpenResult::failure(failure(c, "promiscuous mode"));
    }
  }
  if (c.fanout_group >= 0) {
    // Flows stay on one worker (hash fanout), and a full ring spills to the next socket.
    const int arg = (c.fanout_group & 0xffff) | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_ROLLOVER) << 16);
    if (setsockopt(s.fd_, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
      return OpenResult::failure(failure(c, "PACKET_FANOUT"));
    }
  }
  return s;
}

AfPacketSource::~AfPacketSource() { close(); }

void AfPacketSource::close() noexcept {
  if (ring_ != nullptr) munmap(ring_, ring_bytes_);
  if (fd_ >= 0) ::close(fd_);
  ring_ = nullptr;
  fd_ = -1;
}

AfPacketSource::AfPacketSource(AfPacketSource&& o) noexcept { *this = std::move(o); }

AfPacketSource& AfPacketSource::operator=(AfPacketSource&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    ring_ = std::exchange(o.ring_, nullptr);
    ring_bytes_ = o.ring_bytes_;
    block_size_ = o.block_size_;
    block_count_ = o.block_count_;
    next_block_ = o.next_block_;
    sample_one_in_ = o.sample_one_in_;
    totals_ = o.totals_;
  }
  return *this;
}

bool AfPacketSource::waitForBlock(int timeout_ms) const noexcept {
  if ((__atomic_load_n(&block(next_block_)->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0) {
    return true;
  }
  pollfd p{fd_, POLLIN | POLLERR, 0};
  return ::poll(&p, 1, timeout_ms) > 0 &&
         (__atomic_load_n(&block(next_block_)->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

CaptureStats AfPacketSource::stats() {
  tpacket_stats_v3 st{};
  socklen_t len = sizeof st;
  if (fd_ >= 0 && getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
    totals_.drops += st.tp_drops;
    totals_.freezes += st.tp_freeze_q_cnt;
  }
  return totals_;
}

std::size_t AfPacketSource::read(int timeout_ms, const Take& take) {
  std::size_t frames = 0;
  if (!waitForBlock(timeout_ms)) return 0;
  // Every block the kernel has handed over, in ring order.
  while (true) {
    tpacket_block_desc* b = block(next_block_);
    if ((__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) break;
    const uint32_t count = b->hdr.bh1.num_pkts;
    batch_.resize(count);
    auto* hdr = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<uint8_t*>(b) + b->hdr.bh1.offset_to_first_pkt);
    for (uint32_t i = 0; i < count; ++i) {
      const auto* frame = reinterpret_cast<const uint8_t*>(hdr) + hdr->tp_mac;
      batch_[i] = Packet{std::span<const uint8_t>(frame, hdr->tp_snaplen),
                         uint64_t{hdr->tp_sec} * 1'000'000'000ULL + hdr->tp_nsec, hdr->tp_len};
      hdr = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<uint8_t*>(hdr) + hdr->tp_next_offset);
    }
    take(batch_);
    frames += count;
    __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    next_block_ = (next_block_ + 1) % block_count_;
  }
  totals_.packets += frames;
  return frames;
}

}  // namespace rampart::sensor
