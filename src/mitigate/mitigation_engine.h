// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "detect/attack.h"
#include "mitigate/action.h"
#include "mitigate/mitigation_config.h"

namespace rampart::mitigate {

// What the engine decided; the caller applies it to the data planes (or, in dry-run, logs it).
struct Change {
  enum class Op : uint8_t {
    kInstall,   // put the action in force
    kRenew,     // in force already: push its data-plane expiry to `expires_ns`
    kWithdraw,  // take it out
    kRefused,   // asked for, not done: `note` says why (whitelist, a cap)
  };
  Op op{};
  Action action;
  uint64_t expires_ns = 0;  // install/renew: wall-clock time the data plane drops it by itself
  std::string note;
};

[[nodiscard]] const char* toString(Change::Op op) noexcept;

// The mitigation policy and the life of every action, pure: attack events and the clock in,
// changes out. Actions are shared by the attacks that ask for the same thing and end when the
// last of them has ended plus the hold time; manual actions end when their time is up or they are
// removed. Nothing is ever done to a whitelisted address, and the caps are never exceeded.
class MitigationEngine {
 public:
  explicit MitigationEngine(MitigationConfig config);

  [[nodiscard]] std::vector<Change> onAttack(const detect::AttackEvent& event, uint64_t now_ns);
  // Withdraws what is due; renews the data-plane expiry of the rest every half TTL.
  [[nodiscard]] std::vector<Change> tick(uint64_t now_ns);
  // By hand, for `duration_ns` (0: until removed). Fails on the whitelist or a cap.
  [[nodiscard]] core::Result<Change, std::string> addManual(ActionKind kind, FilterRule rule, uint64_t duration_ns,
                                                            uint64_t now_ns, std::string reason);
  [[nodiscard]] std::optional<Change> remove(uint64_t id);
  // After a restart: what was in force before, installed again (what expired meanwhile is not).
  // Actions of attacks get the hold time: if the attack goes on, it is detected again and claims
  // them back.
  [[nodiscard]] std::vector<Change> restore(std::vector<Action> actions, uint64_t now_ns);

  [[nodiscard]] const std::map<uint64_t, Action>& active() const noexcept { return active_; }
  [[nodiscard]] const MitigationConfig& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t count(ActionKind k) const noexcept { return counts_[static_cast<std::size_t>(k)]; }

 private:
  // The actions an attack record asks for, in order of preference (surgical first).
  [[nodiscard]] std::vector<Action> wanted(const detect::Attack& a, uint64_t now_ns) const;
  [[nodiscard]] std::optional<std::string> refusal(const Action& a) const;
  Change install(Action a, uint64_t now_ns);
  Change withdraw(uint64_t id, const std::string& note);
  void release(uint64_t attack_id, uint64_t now_ns);
  [[nodiscard]] uint64_t expiry(uint64_t now_ns) const noexcept;

  MitigationConfig config_;
  std::map<uint64_t, Action> active_;
  std::unordered_map<std::string, uint64_t> by_key_;   // Action::key() -> id
  std::map<uint64_t, std::set<uint64_t>> users_;       // action id -> attacks that want it
  std::map<uint64_t, std::set<uint64_t>> claims_;      // attack id -> actions it wants
  std::map<uint64_t, uint64_t> renewed_;               // action id -> last install/renewal
  std::map<uint64_t, std::set<std::string>> refused_;  // attack id -> keys refused (said once)
  std::array<std::size_t, kActionKindCount> counts_{};
  uint64_t next_id_ = 1;
};

}  // namespace rampart::mitigate
