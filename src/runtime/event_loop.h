// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <csignal>

#include "core/clock.h"
#include "core/result.h"

namespace rampart::runtime {

// The main thread's loop, shared by `rampart run` and `rampart shield`: readable descriptors,
// signals (through a signalfd), timers on the injected clock, and work posted from other threads
// (a control transport's requests). Everything it calls runs on its thread, one thing at a time.
class EventLoop {
 public:
  using Callback = std::function<void()>;
  // A timer is called at or after its due time and returns when it is next due.
  using Timer = std::function<uint64_t(uint64_t now_ns)>;

  // Blocks `signals` in the calling thread before any other thread starts (threads started later
  // inherit the mask, so the signals reach the loop's signalfd and no other thread).
  static core::Result<std::unique_ptr<EventLoop>, std::string> create(const core::Clock& clock,
                                                                      const std::vector<int>& signals);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void watch(int fd, Callback on_readable);
  void onSignal(int signo, Callback handle);
  // Each of `signals` stops the loop, saying so in the log.
  void stopOn(std::initializer_list<int> signals);
  void addTimer(uint64_t first_due_ns, Timer timer);
  // Any thread: runs `work` on the loop's thread soon.
  void post(Callback work);
  // Any thread but the loop's: runs `work` on the loop's thread and waits up to `timeout_ms` for
  // its result; nullopt when the loop did not get to it (it is stopping, or stuck).
  template <typename T>
  std::optional<T> call(std::function<T()> work, int timeout_ms);

  // Runs until stop(); every wait is at most 100 ms.
  void run();
  void stop() noexcept { running_ = false; }
  [[nodiscard]] const core::Clock& clock() const noexcept { return clock_; }

 private:
  EventLoop(const core::Clock& clock, int signal_fd, int wake_fd);
  void runPosted();
  void readSignals();

  struct Watch {
    int fd;
    Callback on_readable;
  };
  struct TimerEntry {
    uint64_t due_ns;
    Timer timer;
  };

  const core::Clock& clock_;
  int signal_fd_;
  int wake_fd_;  // eventfd: post() wakes the poll
  std::vector<Watch> watches_;
  std::vector<std::pair<int, Callback>> signal_handlers_;
  std::vector<TimerEntry> timers_;
  std::mutex posted_mutex_;
  std::vector<Callback> posted_;
  bool running_ = false;
};

template <typename T>
std::optional<T> EventLoop::call(std::function<T()> work, int timeout_ms) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> result = promise->get_future();
  post([promise, work = std::move(work)] { promise->set_value(work()); });
  if (result.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) return std::nullopt;
  return result.get();
}

}  // namespace rampart::runtime
