// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mitigate/mitigation_backend.h"
#include "mitigate/mitigation_engine.h"
#include "mitigate/mitigation_record.h"
#include "runtime/event_sink.h"

namespace rampart::runtime {

// The mitigation engine wired to its data planes: takes attack events as a sink, applies every
// change to the backends that handle its kind (or nothing, in dry-run), tells `out` what became of
// it (the log, the event stream, the journal and the incident store take it from there), and
// keeps the state file that a restart re-applies.
class Mitigator final : public EventSink {
 public:
  Mitigator(mitigate::MitigationConfig config, std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends,
            std::string state_file, EventSink& out);

  // Reads the state file and puts back in force what it lists (and has not expired).
  void restore(uint64_t now_ns);
  void onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) override;
  void tick(uint64_t now_ns);
  // By hand (the control service).
  [[nodiscard]] core::Result<mitigate::Action, std::string> block(mitigate::ActionKind kind, mitigate::FilterRule rule,
                                                                  uint64_t duration_ns, std::string reason,
                                                                  uint64_t now_ns);
  [[nodiscard]] bool unblock(uint64_t id, uint64_t now_ns);
  // Everything in force, each with what it dropped so far.
  [[nodiscard]] std::vector<mitigate::ActionInForce> list() const;
  // Withdraws everything from the data planes (shutdown); the state file keeps it for a restart.
  void shutdown();

 private:
  void apply(const std::vector<mitigate::Change>& changes, uint64_t now_ns);
  void saveState() const;
  [[nodiscard]] std::optional<mitigate::DropCount> droppedBy(const mitigate::Action& a) const;

  mitigate::MitigationEngine engine_;
  std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends_;
  std::string state_file_;
  EventSink& out_;
};

}  // namespace rampart::runtime
