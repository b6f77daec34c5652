// SPDX-License-Identifier: Apache-2.0
#include "shield/conn/health_probe.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string_view>

namespace rampart::shield::conn {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// Waits until `fd` is ready for `events` or the deadline passes.
bool waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return poll(&p, 1, static_cast<int>(left.count())) == 1 && (p.revents & events);
}

}  // namespace

bool probeOrigin(const Endpoint& origin, const std::string& path, uint32_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const Fd fd(socket(origin.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&origin.address), origin.length) != 0) {
    if (errno != EINPROGRESS || !waitFor(fd.get(), POLLOUT, deadline)) return false;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return false;
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + origin.toString() +
                              "\r\nUser-Agent: rampart-shield-health\r\nConnection: close\r\n\r\n";
  if (send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    return false;
  char buf[64];
  std::size_t got = 0;
  while (got < 12) {  // "HTTP/1.1 200"
    if (!waitFor(fd.get(), POLLIN, deadline)) return false;
    const ssize_t n = recv(fd.get(), buf + got, sizeof buf - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  const std::string_view line(buf, got);
  return line.starts_with("HTTP/1.") && (line[9] == '2' || line[9] == '3');
}

}  // namespace rampart::shield::conn
