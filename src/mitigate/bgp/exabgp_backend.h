// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include "core/result.h"
#include "mitigate/bgp/exabgp_command.h"
#include "mitigate/bgp/exabgp_config.h"
#include "mitigate/mitigation_backend.h"

namespace rampart::mitigate::bgp {

// Flowspec rules and blackholes towards the upstream routers, through an ExaBGP that Rampart runs
// as its child (Rampart is not a BGP speaker itself): a generated configuration with one
// neighbour, and an API process that relays the commands Rampart writes into a named pipe. The
// child dies with Rampart (PR_SET_PDEATHSIG), so its session drops and the upstream withdraws
// everything: a dead daemon leaves no blackhole behind. ExaBGP keeps the routes in its RIB and
// sends them once the session is up; a restart of Rampart starts a new ExaBGP and announces what
// was in force once.
class ExabgpBackend final : public MitigationBackend {
 public:
  static core::Result<std::unique_ptr<ExabgpBackend>, std::string> open(const ExabgpConfig& config);
  ~ExabgpBackend() override;
  ExabgpBackend(const ExabgpBackend&) = delete;
  ExabgpBackend& operator=(const ExabgpBackend&) = delete;

  [[nodiscard]] std::string_view name() const noexcept override { return "bgp"; }
  [[nodiscard]] bool handles(ActionKind kind) const noexcept override {
    return kind == ActionKind::kFlowspec || kind == ActionKind::kBlackhole;
  }
  // Announced once; a renewal changes nothing upstream (routes do not expire there).
  [[nodiscard]] core::Status install(const Action& action, uint64_t expires_ns) override;
  [[nodiscard]] core::Status withdraw(const Action& action) override;

 private:
  ExabgpBackend(ExabgpConfig config, pid_t child, int pipe) : config_(std::move(config)), child_(child), pipe_(pipe) {}
  [[nodiscard]] core::Status send(const std::string& command);

  ExabgpConfig config_;
  pid_t child_ = -1;
  int pipe_ = -1;
  std::map<uint64_t, std::string> announced_;  // action id -> its withdraw command
};

}  // namespace rampart::mitigate::bgp
