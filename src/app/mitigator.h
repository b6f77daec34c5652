// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mitigate/mitigation_backend.h"
#include "mitigate/mitigation_engine.h"

namespace rampart::app {

// The mitigation engine wired to its data planes: applies every change to the backends that
// handle its kind (or only logs it in dry-run), records it — why, and what it dropped — in the log,
// the event stream and a journal, and keeps the state file that a restart re-applies.
class Mitigator {
 public:
  Mitigator(mitigate::MitigationConfig config, std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends,
            std::string state_file, std::FILE* events);

  // Reads the state file and puts back in force what it lists (and has not expired).
  void restore(uint64_t now_ns);
  void onEvents(const std::vector<detect::AttackEvent>& events, uint64_t now_ns);
  void tick(uint64_t now_ns);
  // By hand (the control socket).
  [[nodiscard]] core::Result<mitigate::Action, std::string> block(mitigate::ActionKind kind, mitigate::FilterRule rule,
                                                                  uint64_t duration_ns, std::string reason,
                                                                  uint64_t now_ns);
  [[nodiscard]] bool unblock(uint64_t id, uint64_t now_ns);
  // Everything in force, each with what it dropped so far.
  [[nodiscard]] nlohmann::json list() const;
  // The last changes, newest last.
  [[nodiscard]] nlohmann::json journal() const;
  // Withdraws everything from the data planes (shutdown); the state file keeps it for a restart.
  void shutdown();

 private:
  void apply(const std::vector<mitigate::Change>& changes, uint64_t now_ns);
  void record(const mitigate::Change& c, const std::string& backend, const std::string& outcome,
              const std::optional<mitigate::DropCount>& dropped, uint64_t now_ns);
  void saveState() const;
  [[nodiscard]] std::optional<mitigate::DropCount> droppedBy(const mitigate::Action& a) const;

  mitigate::MitigationEngine engine_;
  std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends_;
  std::string state_file_;
  std::FILE* events_;
  std::deque<nlohmann::json> journal_;
};

}  // namespace rampart::app
