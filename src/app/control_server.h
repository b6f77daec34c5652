// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace rampart::app {

// The daemon's local control socket: a Unix stream socket (mode 0600: root's alone) on which each
// connection sends one JSON request on one line and gets one JSON answer back. `rampart blocks`,
// `block` and `unblock` speak it. The daemon's event loop polls fd() and calls serve().
class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

  static core::Result<ControlServer, std::string> open(const std::string& path);
  ~ControlServer();
  ControlServer(ControlServer&& other) noexcept;
  ControlServer& operator=(ControlServer&& other) noexcept;
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_; }
  // Answers every waiting connection. A client gets a second to send its line; a request that is
  // not JSON gets {"ok": false, "error": ...}.
  void serve(const Handler& handle);

 private:
  ControlServer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// The client side: sends `request` to the daemon at `path` and returns its answer.
[[nodiscard]] core::Result<nlohmann::json, std::string> controlRequest(const std::string& path,
                                                                       const nlohmann::json& request);

}  // namespace rampart::app
