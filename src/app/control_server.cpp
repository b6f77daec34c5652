// SPDX-License-Identifier: Apache-2.0
#include "app/control_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace rampart::app {
namespace {

constexpr std::size_t kMaxRequest = 1 << 16;

bool address(const std::string& path, sockaddr_un& a) {
  std::memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof a.sun_path) return false;
  std::memcpy(a.sun_path, path.c_str(), path.size());
  return true;
}

void setTimeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// One line (without its newline), at most kMaxRequest bytes; false on timeout, error or overflow.
bool readLine(int fd, std::string& out) {
  char buf[4096];
  while (out.size() < kMaxRequest) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return !out.empty() && n == 0;
    out.append(buf, static_cast<std::size_t>(n));
    if (const auto nl = out.find('\n'); nl != std::string::npos) {
      out.resize(nl);
      return true;
    }
  }
  return false;
}

void writeAll(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

core::Result<ControlServer, std::string> ControlServer::open(const std::string& path) {
  using R = core::Result<ControlServer, std::string>;
  sockaddr_un a{};
  if (!address(path, a)) return R::failure(fmt::format("{}: not a usable socket path", path));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return R::failure(fmt::format("{}: socket: {}", path, std::strerror(errno)));
  ::unlink(path.c_str());  // a socket left by an earlier run
  const mode_t old = ::umask(0077);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  ::umask(old);
  if (rc != 0 || ::listen(fd, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return R::failure(fmt::format("{}: bind: {}", path, why));
  }
  return ControlServer(fd, path);
}

ControlServer::~ControlServer() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

ControlServer::ControlServer(ControlServer&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

ControlServer& ControlServer::operator=(ControlServer&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

void ControlServer::serve(const Handler& handle) {
  while (true) {
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;  // none waiting (EAGAIN) or an error: either way, nothing more now
    setTimeout(c, 1);
    std::string line;
    nlohmann::json answer;
    if (!readLine(c, line)) {
      answer = {{"ok", false}, {"error", "send one JSON request on one line"}};
    } else if (auto request = nlohmann::json::parse(line, nullptr, false);
               request.is_discarded() || !request.is_object()) {
      answer = {{"ok", false}, {"error", "the request is not a JSON object"}};
    } else {
      answer = handle(request);
    }
    writeAll(c, answer.dump() + "\n");
    ::close(c);
  }
}

core::Result<nlohmann::json, std::string> controlRequest(const std::string& path, const nlohmann::json& request) {
  using R = core::Result<nlohmann::json, std::string>;
  sockaddr_un a{};
  if (!address(path, a)) return R::failure(fmt::format("{}: not a usable socket path", path));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return R::failure(fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return R::failure(fmt::format("{}: cannot reach rampart run ({}); is it running with [control] socket = \"{}\"?",
                                  path, why, path));
  }
  setTimeout(fd, 10);
  writeAll(fd, request.dump() + "\n");
  std::string line;
  const bool got = readLine(fd, line);
  ::close(fd);
  if (!got) return R::failure(fmt::format("{}: no answer from rampart run", path));
  auto answer = nlohmann::json::parse(line, nullptr, false);
  if (answer.is_discarded()) return R::failure(fmt::format("{}: the answer is not JSON", path));
  return answer;
}

}  // namespace rampart::app
