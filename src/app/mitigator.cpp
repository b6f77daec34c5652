// SPDX-License-Identifier: Apache-2.0
#include "app/mitigator.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "mitigate/action_json.h"
#include "report/analysis_report.h"

namespace rampart::app {

using mitigate::Change;
using nlohmann::json;

Mitigator::Mitigator(mitigate::MitigationConfig config,
                     std::vector<std::unique_ptr<mitigate::MitigationBackend>> backends, std::string state_file,
                     std::FILE* events)
    : engine_(std::move(config)), backends_(std::move(backends)), state_file_(std::move(state_file)), events_(events) {}

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

void Mitigator::onEvents(const std::vector<detect::AttackEvent>& events, uint64_t now_ns) {
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
    if (c.op == Change::Op::kRefused) {
      spdlog::warn("mitigation refused: {} {} — {} ({})", mitigate::toString(c.action.kind), c.action.rule.toString(),
                   c.note, c.action.reason);
      record(c, "", c.note, std::nullopt, now_ns);
      continue;
    }
    changed = changed || c.op != Change::Op::kRenew;
    // What a withdrawn action dropped is read before the data plane forgets it.
    const auto dropped = c.op == Change::Op::kWithdraw ? droppedBy(c.action) : std::nullopt;
    std::string where;
    std::string outcome = c.action.dry_run ? "dry run: nothing done" : "done";
    bool handled = false;
    for (const auto& b : backends_) {
      if (!b->handles(c.action.kind)) continue;
      handled = true;
      where += (where.empty() ? "" : ",") + std::string(b->name());
      if (c.action.dry_run) continue;
      const core::Status s = c.op == Change::Op::kWithdraw ? b->withdraw(c.action) : b->install(c.action, c.expires_ns);
      if (!s) {
        outcome = s.error();
        spdlog::error("mitigation #{} {} on {} failed: {}", c.action.id, toString(c.op), b->name(), s.error());
      }
    }
    if (!handled) outcome = "no data plane configured for " + std::string(mitigate::toString(c.action.kind));
    if (c.op == Change::Op::kRenew) continue;  // renewals are routine: not logged, not journalled
    if (c.op == Change::Op::kInstall) {
      spdlog::warn("mitigation #{} {} ({}): {} {} — {}", c.action.id,
                   c.action.dry_run ? "would be installed" : "installed", where.empty() ? "-" : where,
                   mitigate::toString(c.action.kind), c.action.rule.toString(), c.action.reason);
    } else {
      spdlog::warn("mitigation #{} withdrawn ({}): {} {} — {}{}", c.action.id, where.empty() ? "-" : where,
                   mitigate::toString(c.action.kind), c.action.rule.toString(), c.note,
                   dropped ? fmt::format("; it dropped {} packets, {} bytes", dropped->packets, dropped->bytes) : "");
    }
    record(c, where, outcome, dropped, now_ns);
  }
  if (changed) saveState();
}

void Mitigator::record(const Change& c, const std::string& backend, const std::string& outcome,
                       const std::optional<mitigate::DropCount>& dropped, uint64_t now_ns) {
  json j{{"schema", "rampart.mitigation/1"},
         {"event", toString(c.op)},
         {"time", report::isoTime(now_ns)},
         {"time_ns", now_ns},
         {"action", mitigate::toJson(c.action)},
         {"data_plane", backend},
         {"outcome", outcome}};
  if (!c.note.empty()) j["note"] = c.note;
  if (dropped) j["dropped"] = {{"packets", dropped->packets}, {"bytes", dropped->bytes}};
  if (events_ != nullptr) {
    std::fputs((j.dump() + "\n").c_str(), events_);
    std::fflush(events_);
  }
  journal_.push_back(std::move(j));
  while (journal_.size() > engine_.config().history) journal_.pop_front();
}

json Mitigator::list() const {
  json out = json::array();
  for (const auto& [id, a] : engine_.active()) {
    json j = mitigate::toJson(a);
    if (auto d = droppedBy(a)) j["dropped"] = {{"packets", d->packets}, {"bytes", d->bytes}};
    out.push_back(std::move(j));
  }
  return out;
}

json Mitigator::journal() const { return json(journal_); }

// Written beside and renamed over: a crash mid-write leaves the previous state, never half of one.
void Mitigator::saveState() const {
  if (state_file_.empty()) return;
  json actions = json::array();
  for (const auto& [id, a] : engine_.active()) actions.push_back(mitigate::toJson(a));
  const std::string tmp = state_file_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json{{"schema", "rampart.mitigation-state/1"}, {"actions", std::move(actions)}}.dump(2) << "\n";
    if (!out) {
      spdlog::error("{}: cannot write the mitigation state: {}", tmp, std::strerror(errno));
      return;
    }
  }
  if (std::rename(tmp.c_str(), state_file_.c_str()) != 0) {
    spdlog::error("{}: cannot write the mitigation state: {}", state_file_, std::strerror(errno));
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

}  // namespace rampart::app
