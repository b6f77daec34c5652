// SPDX-License-Identifier: Apache-2.0
#include "runtime/mitigator.h"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "mitigate/action_json.h"

namespace rampart::runtime {

using mitigate::Change;
using nlohmann::json;

Mitigator::Mitigator(mitigate::MitigationConfig config,
                     std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends, std::string state_file,
                     EventSink& out)
    : engine_(std::move(config)), backends_(std::move(backends)), state_file_(std::move(state_file)), out_(out) {}

void Mitigator::restore(uint64_t now_ns) {
  if (state_file_.empty()) return;
  std::ifstream in(state_file_);
  if (!in) return;  // first run
  std::stringstream text;
  text << in.rdbuf();
  const json doc = json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.contains("actions") || !doc["actions"].is_array()) {
    spdlog::error("{}: not a mitigation state file; starting with nothing in force", state_file_);
    return;
  }
  std::vector<mitigate::Action> actions;
  for (const json& j : doc["actions"]) {
    std::string error;
    if (auto a = mitigate::actionFromJson(j, error)) {
      actions.push_back(std::move(*a));
    } else {
      spdlog::error("{}: an action was skipped: {}", state_file_, error);
    }
  }
  spdlog::info("{}: {} action(s) were in force before the restart", state_file_, actions.size());
  apply(engine_.restore(std::move(actions), now_ns), now_ns);
}

void Mitigator::onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t now_ns) {
  for (const auto& e : events) apply(engine_.onAttack(e, now_ns), now_ns);
}

void Mitigator::tick(uint64_t now_ns) { apply(engine_.tick(now_ns), now_ns); }

core::Result<mitigate::Action, std::string> Mitigator::block(mitigate::ActionKind kind, mitigate::FilterRule rule,
                                                             uint64_t duration_ns, std::string reason,
                                                             uint64_t now_ns) {
  auto c = engine_.addManual(kind, rule, duration_ns, now_ns, std::move(reason));
  if (!c) return core::Result<mitigate::Action, std::string>::failure(c.error());
  apply({c.value()}, now_ns);
  return c.value().action;
}

bool Mitigator::unblock(uint64_t id, uint64_t now_ns) {
  auto c = engine_.remove(id);
  if (!c) return false;
  apply({*c}, now_ns);
  return true;
}

std::optional<mitigate::DropCount> Mitigator::droppedBy(const mitigate::Action& a) const {
  std::optional<mitigate::DropCount> total;
  for (const auto& b : backends_) {
    if (!b->handles(a.kind)) continue;
    if (auto d = b->dropped(a)) {
      if (!total) total = mitigate::DropCount{};
      total->packets += d->packets;
      total->bytes += d->bytes;
    }
  }
  return total;
}

void Mitigator::apply(const std::vector<Change>& changes, uint64_t now_ns) {
  bool changed = false;
  for (const Change& c : changes) {
    mitigate::MitigationRecord r{.change = c, .time_ns = now_ns};
    if (c.op == Change::Op::kRefused) {
      r.outcome = c.note;
      out_.onMitigation(r);
      continue;
    }
    changed = changed || c.op != Change::Op::kRenew;
    // What a withdrawn action dropped is read before the data plane forgets it.
    if (c.op == Change::Op::kWithdraw) r.dropped = droppedBy(c.action);
    r.outcome = c.action.dry_run ? "dry run: nothing done" : "done";
    bool handled = false;
    for (const auto& b : backends_) {
      if (!b->handles(c.action.kind)) continue;
      handled = true;
      r.data_plane += (r.data_plane.empty() ? "" : ",") + std::string(b->name());
      if (c.action.dry_run) continue;
      const core::Status s = c.op == Change::Op::kWithdraw ? b->withdraw(c.action) : b->install(c.action, c.expires_ns);
      if (!s) {
        r.outcome = s.error();
        spdlog::error("mitigation #{} {} on {} failed: {}", c.action.id, toString(c.op), b->name(), s.error());
      }
    }
    if (!handled) r.outcome = "no data plane configured for " + std::string(mitigate::toString(c.action.kind));
    if (c.op == Change::Op::kRenew) continue;  // renewals are routine: not logged, not journalled
    out_.onMitigation(r);
  }
  if (changed) saveState();
}

std::vector<mitigate::ActionInForce> Mitigator::list() const {
  std::vector<mitigate::ActionInForce> out;
  for (const auto& [id, a] : engine_.active()) out.push_back({a, droppedBy(a)});
  return out;
}

void Mitigator::saveState() const {
  if (state_file_.empty()) return;
  json actions = json::array();
  for (const auto& [id, a] : engine_.active()) actions.push_back(mitigate::toJson(a));
  const json doc{{"schema", "rampart.mitigation-state/1"}, {"actions", std::move(actions)}};
  if (auto st = core::writeFileAtomically(state_file_, doc.dump(2) + "\n"); !st) {
    spdlog::error("cannot write the mitigation state: {}", st.error());
  }
}

void Mitigator::shutdown() {
  for (const auto& [id, a] : engine_.active()) {
    if (a.dry_run) continue;
    for (const auto& b : backends_) {
      if (b->handles(a.kind)) (void)b->withdraw(a);
    }
  }
}

}  // namespace rampart::runtime
