// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/control_request.h"
#include "core/result.h"

namespace rampart::api {

// The daemon's local control socket: a Unix stream socket (mode 0600: root's alone) on which each
// connection sends one JSON request on one line and gets one JSON answer back. `rampart blocks`,
// `block` and `unblock` speak it, and so does a shield running alone.
//
// It runs on a thread of its own, off the data path: connections are read without blocking, many
// at once, each given a second to send its line and to take its answer, so an idle or slow client
// costs the detection thread nothing. A well-formed request goes to `execute`, which the daemon
// makes run on its event loop (and waits for); a malformed one is answered here.
class ControlSocketServer {
 public:
  using Execute = std::function<nlohmann::json(const ControlRequest& request)>;
  static constexpr std::size_t kMaxClients = 64;  // beyond, a new connection is answered "busy"

  static core::Result<std::unique_ptr<ControlSocketServer>, std::string> open(const std::string& path, Execute execute);
  ~ControlSocketServer();  // stops the thread and removes the socket file
  ControlSocketServer(const ControlSocketServer&) = delete;
  ControlSocketServer& operator=(const ControlSocketServer&) = delete;

  // Stops taking requests (at shutdown, before the loop that executes them stops).
  void stop();

 private:
  ControlSocketServer(int fd, int wake_fd, std::string path, Execute execute);
  void loop();

  int fd_;
  int wake_fd_;  // an eventfd: stop() wakes the thread's poll
  std::string path_;
  Execute execute_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The client side: sends `request` to the daemon at `path` and returns its answer.
[[nodiscard]] core::Result<nlohmann::json, std::string> controlRequest(const std::string& path,
                                                                       const nlohmann::json& request);

}  // namespace rampart::api
