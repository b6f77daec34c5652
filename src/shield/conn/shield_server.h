// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/ip_address.h"
#include "core/status.h"
#include "shield/conn/endpoint.h"
#include "shield/conn/shared_state.h"
#include "shield/policy/attack_mode.h"
#include "shield/shield_config.h"
#include "shield/shield_stats.h"

namespace rampart::shield::conn {

class Worker;
class TlsContext;

// The shield: one listening socket per worker in a SO_REUSEPORT group (the kernel spreads new
// connections over them), one thread per worker. Started by start(), stopped by stop() or the
// destructor.
class ShieldServer {
 public:
  explicit ShieldServer(ShieldConfig config);
  ~ShieldServer();
  ShieldServer(const ShieldServer&) = delete;
  ShieldServer& operator=(const ShieldServer&) = delete;

  // Binds, listens and starts the workers; a clear error when the address or an origin is wrong.
  [[nodiscard]] core::Status start();
  void stop();

  // Once a second: feeds the second's traffic to the under-attack decision and publishes it to
  // the workers. Returns a line to log when the mode changed, else "".
  [[nodiscard]] std::string tick();
  [[nodiscard]] bool underAttack() const noexcept { return shared_->difficulty.load() > 0; }

  // The clients the workers found to be offenders since the last call.
  [[nodiscard]] std::vector<core::IpAddress> takeOffenders();

  // The counters summed over workers.
  [[nodiscard]] std::vector<uint64_t> totals() const;
  [[nodiscard]] uint64_t openConnections() const;
  [[nodiscard]] std::vector<std::string> originsDown() const;  // by the active health checks
  // The counters as one JSON document (`rampart.shield.stats/1`).
  [[nodiscard]] std::string statsJson() const;
  [[nodiscard]] const ShieldConfig& config() const noexcept { return config_; }

 private:
  ShieldConfig config_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<SharedState> shared_;
  policy::AttackMode mode_;
  std::vector<uint64_t> last_totals_;
  std::vector<int> listen_fds_;
  std::vector<int> tls_fds_;
  std::unique_ptr<TlsContext> tls_;
  std::vector<std::unique_ptr<ShieldStats>> stats_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::thread health_;  // active origin health checks, when configured
  std::vector<Endpoint> origin_endpoints_;
};

}  // namespace rampart::shield::conn
