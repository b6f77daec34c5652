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
#include "sensor/flow_source.h"

namespace rampart::sensor {

// A UDP socket for flow telemetry (sFlow, NetFlow, IPFIX), read in batches with recvmmsg so that a
// burst of export datagrams costs one system call per batch, not per datagram. Move-only.
class UdpListener final : public FlowSource {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxDatagram = 65536;

  // `listen` is "ADDRESS:PORT" ("127.0.0.1:6343", "[::1]:2055", "0.0.0.0:2055"). Fails with
  // "<listen>: <what failed>: <strerror>".
  static core::Result<UdpListener, std::string> open(const std::string& listen, int receive_buffer = 8 << 20);

  ~UdpListener() override;
  UdpListener(UdpListener&& other) noexcept;
  UdpListener& operator=(UdpListener&& other) noexcept;
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // One batch per recvmmsg call.
  std::size_t read(uint64_t now_ns, const Take& take) override;
  [[nodiscard]] int fd() const noexcept override { return fd_; }
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
  std::array<Datagram, kBatch> batch_{};
};

}  // namespace rampart::sensor
