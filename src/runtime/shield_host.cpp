// SPDX-License-Identifier: Apache-2.0
#include "runtime/shield_host.h"

#include <csignal>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"

namespace rampart::runtime {

ShieldHost::ShieldHost(shield::ShieldConfig config, Block block)
    : block_(std::move(block)), stats_file_(config.stats_file), block_seconds_(config.offenders.block_seconds) {
  config.hand_off = config.hand_off || static_cast<bool>(block_);
  server_ = std::make_unique<shield::conn::ShieldServer>(std::move(config));
}

ShieldHost::~ShieldHost() { stop(); }

core::Status ShieldHost::start(EventLoop& loop) {
  // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client gone mid-response must be an
  // EPIPE for that connection, not a SIGPIPE for the process.
  std::signal(SIGPIPE, SIG_IGN);
  if (auto st = server_->start(); !st) return st;
  started_ = true;
  const auto& c = server_->config();
  spdlog::info("shield: listening on {} with {} worker(s), forwarding to {}", c.listen, c.workers,
               fmt::join(c.origins, ", "));
  // On a steady schedule, whatever happens on the loop in between.
  constexpr uint64_t kSecond = 1'000'000'000;
  loop.addTimer(loop.clock().nowNs() + kSecond, [this](uint64_t now) {
    tick();
    return now + kSecond;
  });
  return core::okStatus();
}

void ShieldHost::stop() {
  if (!started_) return;
  started_ = false;
  server_->stop();
  writeStats();
}

void ShieldHost::tick() {
  if (const std::string change = server_->tick(); !change.empty()) spdlog::warn("{}", change);
  for (const core::IpAddress& a : server_->takeOffenders()) {
    if (!block_) continue;
    const std::string source = a.toString() + (a.isV4() ? "/32" : "/128");
    api::BlockRequest request;
    request.kind = mitigate::ActionKind::kDropSource;
    request.rule.source = core::Prefix(a, a.isV4() ? 32 : 128);
    request.rule.destination = *core::Prefix::parse(a.isV4() ? "0.0.0.0/0" : "::/0");
    request.duration_ns = uint64_t{block_seconds_} * 1'000'000'000ULL;
    request.reason = "shield: refused again and again (429s, limits, malformed requests)";
    if (auto done = block_(request); done) {
      spdlog::warn("shield: {} handed to the mitigation: dropped for {} s", source, block_seconds_);
    } else {
      spdlog::warn("shield: the mitigation refused {}: {}", source, done.error());
    }
  }
  writeStats();
}

void ShieldHost::writeStats() const {
  if (stats_file_.empty()) return;
  if (auto st = core::writeFileAtomically(stats_file_, server_->statsJson()); !st) {
    spdlog::warn("shield: cannot write statistics: {}", st.error());
  }
}

}  // namespace rampart::runtime
