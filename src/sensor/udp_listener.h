// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace rampart::sensor {

// A UDP socket for flow telemetry (sFlow, NetFlow, IPFIX), read in batches with recvmmsg so that a
// burst of export datagrams costs one system call per batch, not per datagram. Move-only.
class UdpListener {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxDatagram = 65536;

  // `listen` is "ADDRESS:PORT" ("127.0.0.1:6343", "[::1]:2055", "0.0.0.0:2055"). Fails with
  // "<listen>: <what failed>: <strerror>".
  static core::Result<UdpListener, std::string> open(const std::string& listen, int receive_buffer = 8 << 20);

  ~UdpListener();
  UdpListener(UdpListener&& other) noexcept;
  UdpListener& operator=(UdpListener&& other) noexcept;
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Hands every datagram waiting now to visit(std::span<const uint8_t> payload, const
  // core::IpAddress& exporter, uint64_t receive_ns); never blocks. Returns how many were read.
  template <typename Visit>
  std::size_t drain(Visit&& visit, uint64_t now_ns);

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] uint16_t port() const noexcept { return port_; }  // the bound port (useful with port 0)

 private:
  UdpListener() = default;
  int receive(std::size_t& count) noexcept;
  [[nodiscard]] core::IpAddress sender(std::size_t i) const noexcept;

  int fd_ = -1;
  uint16_t port_ = 0;
  std::vector<uint8_t> buffers_;
  std::array<sockaddr_storage, kBatch> addrs_{};
  std::array<unsigned, kBatch> lengths_{};
};

template <typename Visit>
std::size_t UdpListener::drain(Visit&& visit, uint64_t now_ns) {
  std::size_t total = 0;
  while (true) {
    std::size_t n = 0;
    if (receive(n) != 0 || n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      visit(std::span<const uint8_t>(buffers_.data() + i * kMaxDatagram, lengths_[i]), sender(i), now_ns);
    }
    total += n;
    if (n < kBatch) break;
  }
  return total;
}

}  // namespace rampart::sensor
