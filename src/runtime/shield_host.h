// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/control_service.h"
#include "core/result.h"
#include "runtime/event_loop.h"
#include "shield/conn/shield_server.h"

namespace rampart::runtime {

// The L7 shield in this process, the same under `rampart run` and `rampart shield`: its workers
// are started here and, once a second on the event loop, it decides the under-attack mode, writes
// its statistics file, and hands the clients it refused again and again to the mitigation — the
// daemon's own control service in `run`, the daemon's control socket when the shield runs alone.
class ShieldHost {
 public:
  using Block = std::function<core::Result<mitigate::Action, std::string>(const api::BlockRequest&)>;

  // `block` may be empty: offenders are then only counted.
  ShieldHost(shield::ShieldConfig config, Block block);
  ~ShieldHost();
  ShieldHost(const ShieldHost&) = delete;
  ShieldHost& operator=(const ShieldHost&) = delete;

  // Binds and starts the workers, and ticks on `loop` from now on.
  [[nodiscard]] core::Status start(EventLoop& loop);
  // Stops the workers and writes the statistics a last time.
  void stop();

 private:
  void tick();
  void writeStats() const;

  std::unique_ptr<shield::conn::ShieldServer> server_;
  Block block_;
  std::string stats_file_;
  uint32_t block_seconds_;
  bool started_ = false;
};

}  // namespace rampart::runtime
