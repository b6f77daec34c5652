// SPDX-License-Identifier: Apache-2.0
#include "mitigate/xdp/xdp_backend.h"

#include <ctime>

#include <fmt/format.h>

#include "mitigate/xdp/xdp_rule.h"

namespace rampart::mitigate::xdp {
namespace {

uint64_t clockNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// bpf_ktime_get_ns() runs on CLOCK_MONOTONIC; actions expire on the wall clock.
uint64_t toMonotonic(uint64_t wall_ns) {
  if (wall_ns == 0) return 0;
  const uint64_t wall = clockNs(CLOCK_REALTIME);
  const uint64_t mono = clockNs(CLOCK_MONOTONIC);
  return wall_ns > wall ? mono + (wall_ns - wall) : 1;  // already past: expired
}

}  // namespace

core::Result<std::unique_ptr<XdpBackend>, std::string> XdpBackend::open(const std::vector<std::string>& interfaces,
                                                                        AttachMode mode,
                                                                        const std::vector<core::Prefix>& whitelist) {
  using R = core::Result<std::unique_ptr<XdpBackend>, std::string>;
  auto program = XdpProgram::load();
  if (!program) return R::failure(program.error());
  std::unique_ptr<XdpBackend> b(new XdpBackend(std::move(program).value()));
  for (const core::Prefix& w : whitelist) {
    if (auto s = b->program_.putWhitelist(w); !s) return R::failure(s.error());
  }
  for (const std::string& ifname : interfaces) {
    auto used = b->program_.attach(ifname, mode);
    if (!used) return R::failure(used.error());
    b->modes_.push_back(fmt::format("{}: {}", ifname, toString(used.value())));
  }
  return b;
}

uint32_t XdpBackend::counterFor(uint64_t action_id) {
  if (const auto it = counters_.find(action_id); it != counters_.end()) return it->second;
  uint32_t index = 0;
  if (!free_counters_.empty()) {
    index = free_counters_.back();
    free_counters_.pop_back();
  } else {
    index = next_counter_++ % RAMPART_MAX_COUNTERS;
  }
  (void)program_.resetCounter(index);  // a reused slot starts from zero
  counters_[action_id] = index;
  return index;
}

core::Status XdpBackend::writeRules(const core::Prefix& destination) {
  const auto it = destinations_.find(destination.toString());
  if (it == destinations_.end() || it->second.rules.empty()) {
    if (it != destinations_.end()) destinations_.erase(it);
    return program_.deleteRules(destination);
  }
  rampart_rule_set set{};
  for (const auto& [id, rule] : it->second.rules) set.rules[set.count++] = rule;
  return program_.putRules(destination, set);
}

core::Status XdpBackend::install(const Action& action, uint64_t expires_ns) {
  const uint64_t kernel_expiry = toMonotonic(expires_ns);
  if (action.kind == ActionKind::kDropSource) {
    if (!action.rule.source) return core::failed("xdp: a source block without a source");
    const rampart_block block{kernel_expiry, counterFor(action.id), 0};
    return program_.putBlock(*action.rule.source, block);
  }
  Destination& d = destinations_[action.rule.destination.toString()];
  d.prefix = action.rule.destination;
  if (!d.rules.contains(action.id) && d.rules.size() >= RAMPART_RULES_PER_DEST) {
    return core::failed(fmt::format("xdp: {} already has {} rules, the most one destination can have",
                                    action.rule.destination.toString(), RAMPART_RULES_PER_DEST));
  }
  d.rules[action.id] = toXdpRule(action.rule, counterFor(action.id), kernel_expiry);
  return writeRules(action.rule.destination);
}

core::Status XdpBackend::withdraw(const Action& action) {
  core::Status s = core::okStatus();
  if (action.kind == ActionKind::kDropSource) {
    if (action.rule.source) s = program_.deleteBlock(*action.rule.source);
  } else if (const auto it = destinations_.find(action.rule.destination.toString()); it != destinations_.end()) {
    it->second.rules.erase(action.id);
    s = writeRules(action.rule.destination);
  }
  if (const auto c = counters_.find(action.id); c != counters_.end()) {
    free_counters_.push_back(c->second);
    counters_.erase(c);
  }
  return s;
}

std::optional<DropCount> XdpBackend::dropped(const Action& action) const {
  const auto it = counters_.find(action.id);
  if (it == counters_.end()) return std::nullopt;
  const rampart_counter c = program_.counter(it->second);
  return DropCount{c.packets, c.bytes};
}

}  // namespace rampart::mitigate::xdp
