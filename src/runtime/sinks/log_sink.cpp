// SPDX-License-Identifier: Apache-2.0
#include "runtime/sinks/log_sink.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "report/analysis_report.h"

namespace rampart::runtime {
namespace {

std::string attackLine(const detect::AttackEvent& e) {
  const detect::Attack& a = e.attack;
  std::string vectors;
  for (const auto& v : a.vectors) vectors += (vectors.empty() ? "" : ", ") + std::string(detect::toString(v.vector));
  return fmt::format("attack #{} {} on {} {} ({}): {}, peak {}, {}", a.id, detect::toString(e.kind),
                     a.target.isPrefix() ? "prefix" : "host", a.target.toString(),
                     traffic::toString(a.target.direction), vectors.empty() ? "-" : vectors,
                     report::humanRate(static_cast<double>(a.peak_pps), "pps"),
                     report::humanRate(static_cast<double>(a.peak_bps), "bps"));
}

}  // namespace

void LogSink::onAttackEvents(std::span<const detect::AttackEvent> events, uint64_t /*now_ns*/) {
  for (const auto& e : events) {
    if (e.kind == detect::AttackEvent::Kind::kEnded) {
      spdlog::warn("{}", attackLine(e));
    } else {
      spdlog::critical("{}", attackLine(e));
    }
  }
}

void LogSink::onMitigation(const mitigate::MitigationRecord& r) {
  using Op = mitigate::Change::Op;
  const mitigate::Change& c = r.change;
  const mitigate::Action& a = c.action;
  const std::string where = r.data_plane.empty() ? "-" : r.data_plane;
  switch (c.op) {
    case Op::kRenew: return;  // routine
    case Op::kRefused:
      spdlog::warn("mitigation refused: {} {} — {} ({})", mitigate::toString(a.kind), a.rule.toString(), c.note,
                   a.reason);
      return;
    case Op::kInstall:
      spdlog::warn("mitigation #{} {} ({}): {} {} — {}", a.id, a.dry_run ? "would be installed" : "installed", where,
                   mitigate::toString(a.kind), a.rule.toString(), a.reason);
      return;
    case Op::kWithdraw:
      spdlog::warn(
          "mitigation #{} withdrawn ({}): {} {} — {}{}", a.id, where, mitigate::toString(a.kind), a.rule.toString(),
          c.note,
          r.dropped ? fmt::format("; it dropped {} packets, {} bytes", r.dropped->packets, r.dropped->bytes) : "");
      return;
  }
}

}  // namespace rampart::runtime
