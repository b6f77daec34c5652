// SPDX-License-Identifier: Apache-2.0
#include "mitigate/mitigation_engine.h"

#include <algorithm>

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

bool overlaps(const core::Prefix& a, const core::Prefix& b) {
  return a.isV4() == b.isV4() && (a.contains(b.address()) || b.contains(a.address()));
}

core::Prefix anyOf(const core::IpAddress& family) { return *core::Prefix::parse(family.isV4() ? "0.0.0.0/0" : "::/0"); }

bool isRule(ActionKind k) { return k == ActionKind::kDropFingerprint || k == ActionKind::kFlowspec; }
bool isAnnouncement(ActionKind k) { return k == ActionKind::kFlowspec || k == ActionKind::kBlackhole; }

}  // namespace

const char* toString(Change::Op op) noexcept {
  switch (op) {
    case Change::Op::kInstall: return "install";
    case Change::Op::kRenew: return "renew";
    case Change::Op::kWithdraw: return "withdraw";
    case Change::Op::kRefused: return "refused";
  }
  return "?";
}

MitigationEngine::MitigationEngine(MitigationConfig config) : config_(std::move(config)) {}

std::vector<Action> MitigationEngine::wanted(const detect::Attack& a, uint64_t now_ns) const {
  std::vector<Action> out;
  if (a.target.direction != traffic::Direction::kIncoming) return out;  // our own host sending: not ours to cut
  const core::Prefix victim = a.target.prefix();
  const std::string main = a.vectors.empty() ? "attack" : std::string(detect::toString(a.vectors.front().vector));
  const std::string what = fmt::format("attack #{} ({} on {})", a.id, main, a.target.toString());
  const auto make = [&](ActionKind kind, const FilterRule& rule, std::string reason) {
    Action x;
    x.kind = kind;
    x.rule = rule;
    x.attack_id = a.id;
    x.reason = std::move(reason);
    x.created_ns = now_ns;
    out.push_back(std::move(x));
  };

  const detect::Fingerprint& fp = a.fingerprint;
  if ((config_.drop_fingerprint || config_.flowspec) && !fp.empty() &&
      fp.coverage >= config_.min_fingerprint_coverage && fp.fieldCount() >= config_.min_fingerprint_fields) {
    const FilterRule rule = FilterRule::fromFingerprint(fp, victim);
    const std::string why =
        fmt::format("{}: fingerprint {} matching {:.0f} % of it", what, fp.toString(), fp.coverage * 100);
    if (config_.drop_fingerprint) make(ActionKind::kDropFingerprint, rule, why);
    if (config_.flowspec) make(ActionKind::kFlowspec, rule, why);
  }
  if (config_.drop_sources && !a.spoofing_likely && a.distinct_sources > 0 &&
      a.distinct_sources <= config_.max_attack_sources) {
    for (const detect::SourceShare& s : a.top_sources) {
      if (s.share < config_.min_source_share) continue;
      FilterRule rule;
      rule.destination = anyOf(s.address);  // a source is blocked towards everything
      rule.source = core::Prefix(s.address, s.address.isV4() ? 32 : 128);
      make(ActionKind::kDropSource, rule,
           fmt::format("{}: top source {} with {:.1f} % of it, {} sources in all, not spoofed", what,
                       s.address.toString(), s.share * 100, a.distinct_sources));
    }
  }
  if (config_.blackhole && a.peak_bps >= config_.blackhole_min_bps) {
    FilterRule rule;
    rule.destination = victim;
    make(ActionKind::kBlackhole, rule,
         fmt::format("{}: peak {} bit/s at or above the blackhole limit of {}: last resort", what, a.peak_bps,
                     config_.blackhole_min_bps));
  }
  return out;
}

std::optional<std::string> MitigationEngine::refusal(const Action& a) const {
  for (const core::Prefix& w : config_.whitelist) {
    if (a.kind == ActionKind::kDropSource) {
      if (a.rule.source && overlaps(*a.rule.source, w)) return fmt::format("source is whitelisted ({})", w.toString());
    } else if (overlaps(a.rule.destination, w)) {
      return fmt::format("destination is whitelisted ({})", w.toString());
    }
  }
  const std::size_t rules = count(ActionKind::kDropFingerprint) + count(ActionKind::kFlowspec);
  const std::size_t announcements = count(ActionKind::kFlowspec) + count(ActionKind::kBlackhole);
  if (isRule(a.kind) && rules >= config_.max_rules) return fmt::format("max_rules ({}) reached", config_.max_rules);
  if (a.kind == ActionKind::kDropSource && count(a.kind) >= config_.max_sources) {
    return fmt::format("max_sources ({}) reached", config_.max_sources);
  }
  if (isAnnouncement(a.kind) && announcements >= config_.max_announcements) {
    return fmt::format("max_announcements ({}) reached", config_.max_announcements);
  }
  return std::nullopt;
}

// The data plane's own expiry is only for a daemon that died: the engine withdraws on time itself.
uint64_t MitigationEngine::expiry(uint64_t now_ns) const noexcept { return now_ns + config_.ttl_ns; }

Change MitigationEngine::install(Action a, uint64_t now_ns) {
  if (a.id == 0) a.id = next_id_++;
  next_id_ = std::max(next_id_, a.id + 1);
  a.dry_run = config_.dry_run;
  by_key_[a.key()] = a.id;
  ++counts_[static_cast<std::size_t>(a.kind)];
  renewed_[a.id] = now_ns;
  const uint64_t id = a.id;
  active_[id] = std::move(a);
  return {Change::Op::kInstall, active_[id], expiry(now_ns), {}};
}

Change MitigationEngine::withdraw(uint64_t id, const std::string& note) {
  auto node = active_.extract(id);
  Action& a = node.mapped();
  by_key_.erase(a.key());
  --counts_[static_cast<std::size_t>(a.kind)];
  renewed_.erase(id);
  if (const auto u = users_.find(id); u != users_.end()) {
    for (const uint64_t attack : u->second) claims_[attack].erase(id);
    users_.erase(u);
  }
  return {Change::Op::kWithdraw, std::move(a), 0, note};
}

std::vector<Change> MitigationEngine::onAttack(const detect::AttackEvent& event, uint64_t now_ns) {
  std::vector<Change> out;
  if (!config_.enabled) return out;
  const detect::Attack& a = event.attack;
  if (event.kind == detect::AttackEvent::Kind::kEnded) {
    release(a.id, now_ns);
    return out;
  }
  std::set<uint64_t> wants;
  for (Action w : wanted(a, now_ns)) {
    if (const auto it = by_key_.find(w.key()); it != by_key_.end()) {
      // In force already, for this attack or another: this one claims it too, and it lasts. A
      // manual action keeps the life it was given by hand.
      Action& in_force = active_.at(it->second);
      if (!in_force.manual()) {
        wants.insert(it->second);
        in_force.until_ns = 0;
      }
      continue;
    }
    if (auto why = refusal(w)) {
      if (refused_[a.id].insert(w.key()).second) out.push_back({Change::Op::kRefused, std::move(w), 0, *why});
      continue;
    }
    Change c = install(std::move(w), now_ns);
    wants.insert(c.action.id);
    out.push_back(std::move(c));
  }
  for (const uint64_t id : wants) {
    users_[id].insert(a.id);
    claims_[a.id].insert(id);
  }
  // A refined fingerprint replaces the one it was first given; its sources stay blocked.
  std::vector<uint64_t> superseded;
  for (const uint64_t id : claims_[a.id]) {
    if (!wants.contains(id) && active_.at(id).kind != ActionKind::kDropSource) superseded.push_back(id);
  }
  for (const uint64_t id : superseded) {
    claims_[a.id].erase(id);
    users_[id].erase(a.id);
    if (users_[id].empty())
      out.push_back(withdraw(id, fmt::format("superseded: attack #{} has a new fingerprint", a.id)));
  }
  return out;
}

// An attack ended: the actions no other attack wants start their hold time.
void MitigationEngine::release(uint64_t attack_id, uint64_t now_ns) {
  refused_.erase(attack_id);
  const auto c = claims_.find(attack_id);
  if (c == claims_.end()) return;
  for (const uint64_t id : c->second) {
    auto& users = users_[id];
    users.erase(attack_id);
    if (users.empty()) active_.at(id).until_ns = now_ns + config_.hold_ns;
  }
  claims_.erase(c);
}

std::vector<Change> MitigationEngine::tick(uint64_t now_ns) {
  std::vector<Change> out;
  std::vector<uint64_t> due;
  for (auto& [id, a] : active_) {
    if (a.until_ns != 0 && now_ns >= a.until_ns) {
      due.push_back(id);
    } else if (now_ns - renewed_[id] >= config_.ttl_ns / 2) {
      renewed_[id] = now_ns;
      out.push_back({Change::Op::kRenew, a, expiry(now_ns), {}});
    }
  }
  for (const uint64_t id : due) {
    out.push_back(
        withdraw(id, active_.at(id).manual() ? "its time is up" : "the attack is over and the hold time passed"));
  }
  return out;
}

core::Result<Change, std::string> MitigationEngine::addManual(ActionKind kind, FilterRule rule, uint64_t duration_ns,
                                                              uint64_t now_ns, std::string reason) {
  using R = core::Result<Change, std::string>;
  Action a;
  a.kind = kind;
  a.rule = rule;
  a.reason = reason.empty() ? "added by hand" : std::move(reason);
  a.created_ns = now_ns;
  a.until_ns = duration_ns == 0 ? 0 : now_ns + duration_ns;
  if (const auto it = by_key_.find(a.key()); it != by_key_.end()) {
    return R::failure(fmt::format("already in force as #{}", it->second));
  }
  if (auto why = refusal(a)) return R::failure(*why);
  return install(std::move(a), now_ns);
}

std::optional<Change> MitigationEngine::remove(uint64_t id) {
  if (!active_.contains(id)) return std::nullopt;
  return withdraw(id, "removed by hand");
}

std::vector<Change> MitigationEngine::restore(std::vector<Action> actions, uint64_t now_ns) {
  std::vector<Change> out;
  for (Action& a : actions) {
    next_id_ = std::max(next_id_, a.id + 1);                // ids stay unique, those of expired actions included
    if (a.until_ns != 0 && a.until_ns <= now_ns) continue;  // its time ran out while we were away
    if (!a.manual() && a.until_ns == 0) a.until_ns = now_ns + config_.hold_ns;
    if (by_key_.contains(a.key())) continue;
    if (auto why = refusal(a)) {
      out.push_back({Change::Op::kRefused, std::move(a), 0, *why});
      continue;
    }
    out.push_back(install(std::move(a), now_ns));
  }
  return out;
}

}  // namespace rampart::mitigate
