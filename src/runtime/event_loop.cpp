// SPDX-License-Identifier: Apache-2.0
#include "runtime/event_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace rampart::runtime {
namespace {

constexpr uint64_t kMaxWaitNs = 100'000'000;

}  // namespace

core::Result<std::unique_ptr<EventLoop>, std::string> EventLoop::create(const core::Clock& clock,
                                                                        const std::vector<int>& signals) {
  using R = core::Result<std::unique_ptr<EventLoop>, std::string>;
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : signals) sigaddset(&mask, s);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  const int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) return R::failure(std::string("signalfd: ") + std::strerror(errno));
  const int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    const std::string why = std::strerror(errno);
    close(sfd);
    return R::failure("eventfd: " + why);
  }
  return std::unique_ptr<EventLoop>(new EventLoop(clock, sfd, wake));
}

EventLoop::EventLoop(const core::Clock& clock, int signal_fd, int wake_fd)
    : clock_(clock), signal_fd_(signal_fd), wake_fd_(wake_fd) {}

EventLoop::~EventLoop() {
  close(signal_fd_);
  close(wake_fd_);
}

void EventLoop::watch(int fd, Callback on_readable) { watches_.push_back({fd, std::move(on_readable)}); }

void EventLoop::onSignal(int signo, Callback handle) { signal_handlers_.emplace_back(signo, std::move(handle)); }

void EventLoop::stopOn(std::initializer_list<int> signals) {
  for (const int s : signals) {
    onSignal(s, [this, s] {
      spdlog::info("signal {}: stopping", strsignal(s));
      stop();
    });
  }
}

void EventLoop::addTimer(uint64_t first_due_ns, Timer timer) { timers_.push_back({first_due_ns, std::move(timer)}); }

void EventLoop::post(Callback work) {
  {
    const std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(work));
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void EventLoop::runPosted() {
  uint64_t n = 0;
  (void)!::read(wake_fd_, &n, sizeof n);
  std::vector<Callback> work;
  {
    const std::lock_guard lock(posted_mutex_);
    work.swap(posted_);
  }
  for (auto& w : work) w();
}

void EventLoop::readSignals() {
  signalfd_siginfo info{};
  while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    for (auto& [signo, handle] : signal_handlers_) {
      if (static_cast<uint32_t>(signo) == info.ssi_signo) handle();
    }
  }
}

void EventLoop::run() {
  running_ = true;
  std::vector<pollfd> fds;
  while (running_) {
    fds.clear();
    fds.push_back({signal_fd_, POLLIN, 0});
    fds.push_back({wake_fd_, POLLIN, 0});
    for (const Watch& w : watches_) fds.push_back({w.fd, POLLIN, 0});
    const uint64_t now = clock_.nowNs();
    uint64_t wait_ns = kMaxWaitNs;
    for (const TimerEntry& t : timers_) wait_ns = std::min(wait_ns, t.due_ns > now ? t.due_ns - now : 0);
    // Rounded up: a timer due in 0.4 ms is not polled for 0 ms until it comes.
    const int timeout_ms = static_cast<int>((wait_ns + 999'999) / 1'000'000);
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
      spdlog::error("poll: {}", std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) readSignals();
    if (fds[1].revents != 0) runPosted();
    for (std::size_t i = 0; i < watches_.size(); ++i) {
      if (fds[i + 2].revents != 0) watches_[i].on_readable();
    }
    for (TimerEntry& t : timers_) {
      const uint64_t at = clock_.nowNs();
      if (at >= t.due_ns) t.due_ns = t.timer(at);
    }
  }
  runPosted();  // what was posted before the stop still runs: its callers are waiting
}

}  // namespace rampart::runtime
