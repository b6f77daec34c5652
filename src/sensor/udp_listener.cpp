// SPDX-License-Identifier: Apache-2.0
#include "sensor/udp_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

namespace rampart::sensor {
namespace {

using OpenResult = core::Result<UdpListener, std::string>;

bool parseListen(const std::string& text, sockaddr_storage& out, socklen_t& len) {
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned p = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) return false;
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(p));
    len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(p));
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

OpenResult UdpListener::open(const std::string& listen, int receive_buffer) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (!parseListen(listen, addr, len)) {
    return OpenResult::failure(listen + ": not ADDRESS:PORT (e.g. 127.0.0.1:6343 or [::1]:2055)");
  }
  const auto failure = [&listen](const char* what) {
    return OpenResult::failure(listen + ": " + what + ": " + std::strerror(errno));
  };
  UdpListener l;
  l.fd_ = socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (l.fd_ < 0) return failure("socket");
  // Exporters send in bursts; a large buffer absorbs them between two polls. Not fatal if refused.
  (void)setsockopt(l.fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (bind(l.fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) return failure("bind");
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  if (getsockname(l.fd_, reinterpret_cast<sockaddr*>(&bound), &bound_len) == 0) {
    l.port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                               : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  }
  l.buffers_.resize(kBatch * kMaxDatagram);
  return l;
}

UdpListener::~UdpListener() {
  if (fd_ >= 0) ::close(fd_);
}

UdpListener::UdpListener(UdpListener&& o) noexcept { *this = std::move(o); }

UdpListener& UdpListener::operator=(UdpListener&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    port_ = o.port_;
    buffers_ = std::move(o.buffers_);
  }
  return *this;
}

int UdpListener::receive(std::size_t& count) noexcept {
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iovs{};
  for (std::size_t i = 0; i < kBatch; ++i) {
    iovs[i] = {buffers_.data() + i * kMaxDatagram, kMaxDatagram};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &addrs_[i];
    msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  }
  const int n = recvmmsg(fd_, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n < 0) {
    count = 0;
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
  }
  for (int i = 0; i < n; ++i) lengths_[static_cast<std::size_t>(i)] = msgs[static_cast<std::size_t>(i)].msg_len;
  count = static_cast<std::size_t>(n);
  return 0;
}

core::IpAddress UdpListener::sender(std::size_t i) const noexcept {
  const sockaddr_storage& a = addrs_[i];
  if (a.ss_family == AF_INET) {
    return core::IpAddress::fromV4Bytes(
        reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&a)->sin_addr));
  }
  return core::IpAddress::fromV6Bytes(
      reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(&a)->sin6_addr));
}

std::size_t UdpListener::read(uint64_t now_ns, const Take& take) {
  std::size_t total = 0;
  while (true) {
    std::size_t n = 0;
    if (receive(n) != 0 || n == 0) break;
    for (std::size_t i = 0; i < n; ++i) {
      batch_[i] =
          Datagram{std::span<const uint8_t>(buffers_.data() + i * kMaxDatagram, lengths_[i]), sender(i), now_ns};
    }
    take(Batch(batch_.data(), n));
    total += n;
    if (n < kBatch) break;
  }
  return total;
}

}  // namespace rampart::sensor
