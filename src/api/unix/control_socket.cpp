// SPDX-License-Identifier: Apache-2.0
#include "api/unix/control_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace rampart::api {
namespace {

constexpr std::size_t kMaxRequest = 1 << 16;
constexpr auto kClientDeadline = std::chrono::seconds(1);

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

// One connection: its line as it arrives, then its answer as it leaves.
struct Client {
  int fd = -1;
  std::chrono::steady_clock::time_point deadline;
  std::string in;
  std::string out;
  std::size_t sent = 0;
  bool answering = false;
};

// The answer to a connection's line: errors of form here, the rest by `execute`.
nlohmann::json answerLine(const std::string& line, const ControlSocketServer::Execute& execute) {
  auto request = nlohmann::json::parse(line, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    return {{"ok", false}, {"error", "the request is not a JSON object"}};
  }
  auto parsed = parseControlRequest(request);
  if (!parsed) return {{"ok", false}, {"error", parsed.error()}};
  return execute(parsed.value());
}

// Reads what is waiting; true once the line is complete (or cannot be: then `out` holds why).
bool readSome(Client& c, const ControlSocketServer::Execute& execute) {
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    if (n <= 0) {  // closed (or failed) before a newline: what came is the whole request
      c.out = c.in.empty() ? std::string() : answerLine(c.in, execute).dump() + "\n";
      return true;
    }
    c.in.append(buf, static_cast<std::size_t>(n));
    if (const auto nl = c.in.find('\n'); nl != std::string::npos) {
      c.in.resize(nl);
      c.out = answerLine(c.in, execute).dump() + "\n";
      return true;
    }
    if (c.in.size() > kMaxRequest) {
      c.out = nlohmann::json{{"ok", false}, {"error", "send one JSON request on one line"}}.dump() + "\n";
      return true;
    }
  }
}

// Sends what it can; true once all is sent or the client is gone.
bool writeSome(Client& c) {
  while (c.sent < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    if (n <= 0) return true;
    c.sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

core::Result<std::unique_ptr<ControlSocketServer>, std::string> ControlSocketServer::open(const std::string& path,
                                                                                          Execute execute) {
  using R = core::Result<std::unique_ptr<ControlSocketServer>, std::string>;
  sockaddr_un a{};
  if (!address(path, a)) return R::failure(fmt::format("{}: not a usable socket path", path));
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return R::failure(fmt::format("{}: socket: {}", path, std::strerror(errno)));
  ::unlink(path.c_str());  // a socket left by an earlier run
  const mode_t old = ::umask(0077);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  ::umask(old);
  if (rc != 0 || ::listen(fd, 64) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return R::failure(fmt::format("{}: bind: {}", path, why));
  }
  const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return R::failure(fmt::format("eventfd: {}", why));
  }
  return std::unique_ptr<ControlSocketServer>(new ControlSocketServer(fd, wake, path, std::move(execute)));
}

ControlSocketServer::ControlSocketServer(int fd, int wake_fd, std::string path, Execute execute)
    : fd_(fd), wake_fd_(wake_fd), path_(std::move(path)), execute_(std::move(execute)) {
  thread_ = std::thread([this] { loop(); });
}

ControlSocketServer::~ControlSocketServer() {
  stop();
  ::close(fd_);
  ::close(wake_fd_);
  ::unlink(path_.c_str());
}

void ControlSocketServer::stop() {
  if (stop_.exchange(true)) return;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

void ControlSocketServer::loop() {
  std::list<Client> clients;
  std::vector<pollfd> fds;
  while (!stop_.load(std::memory_order_relaxed)) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({fd_, POLLIN, 0});
    for (const Client& c : clients) fds.push_back({c.fd, static_cast<short>(c.answering ? POLLOUT : POLLIN), 0});
    if (::poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) return;
    const auto now = std::chrono::steady_clock::now();
    std::size_t i = 2;
    for (auto it = clients.begin(); it != clients.end(); ++i) {
      Client& c = *it;
      bool done = false;
      if (fds[i].revents != 0) {
        if (!c.answering && readSome(c, execute_)) c.answering = true;
        if (c.answering) done = writeSome(c);
      }
      if (done || now >= c.deadline) {
        if (!done && !c.answering) {  // it never sent its line: tell it why before closing
          c.out = nlohmann::json{{"ok", false}, {"error", "send one JSON request on one line"}}.dump() + "\n";
          (void)writeSome(c);
        }
        ::close(c.fd);
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
    if ((fds[1].revents & POLLIN) == 0) continue;
    while (true) {
      const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) break;
      if (clients.size() >= kMaxClients) {
        const std::string busy = nlohmann::json{{"ok", false}, {"error", "too many control connections"}}.dump() + "\n";
        (void)::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL);
        ::close(fd);
        continue;
      }
      clients.push_back({.fd = fd, .deadline = now + kClientDeadline});
    }
  }
  for (const Client& c : clients) ::close(c.fd);
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
  const std::string text = request.dump() + "\n";
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  std::string line;
  char buf[4096];
  bool got = false;
  while (line.size() < (64u << 20)) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
    if (const auto nl = line.find('\n'); nl != std::string::npos) {
      line.resize(nl);
      got = true;
      break;
    }
  }
  ::close(fd);
  if (!got) return R::failure(fmt::format("{}: no answer from rampart run", path));
  auto answer = nlohmann::json::parse(line, nullptr, false);
  if (answer.is_discarded()) return R::failure(fmt::format("{}: the answer is not JSON", path));
  return answer;
}

}  // namespace rampart::api
