// SPDX-License-Identifier: Apache-2.0
#include "app/shield_command.h"

#include <poll.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "app/analyze_command.h"
#include "app/config.h"
#include "app/control_server.h"
#include "shield/conn/shield_server.h"

namespace rampart::app {
namespace {

// Written to a temporary name and renamed, so a reader never sees half a document.
void writeStats(const std::string& path, const std::string& json) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return;
    out << json;
  }
  (void)std::rename(tmp.c_str(), path.c_str());
}

// Asks the daemon on `socket` to drop each offender in its data plane (XDP or nftables) for
// `seconds`: from then on its packets never reach the shield.
void handOver(const std::string& socket, const std::vector<core::IpAddress>& offenders, uint32_t seconds) {
  for (const core::IpAddress& a : offenders) {
    const std::string source = a.toString() + (a.isV4() ? "/32" : "/128");
    const nlohmann::json request = {{"command", "block"},
                                    {"kind", "drop-source"},
                                    {"rule", {{"source", source}, {"destination", a.isV4() ? "0.0.0.0/0" : "::/0"}}},
                                    {"duration_s", seconds},
                                    {"reason", "shield: refused again and again (429s, limits, malformed requests)"}};
    auto answer = controlRequest(socket, request);
    if (!answer) {
      spdlog::warn("shield: could not hand {} to the mitigation: {}", source, answer.error());
    } else if (!answer->value("ok", false)) {
      spdlog::warn("shield: the mitigation refused {}: {}", source, answer->value("error", std::string("refused")));
    } else {
      spdlog::warn("shield: {} handed to the mitigation: dropped for {} s", source, seconds);
    }
  }
}

int runShield(const std::string& config_path) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("rampart"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  Config cfg;
  try {
    cfg = loadConfig(config_path);
  } catch (const ConfigError& e) {
    spdlog::error("{}", e.what());
    return kExitError;
  }
  if (!cfg.shield) {
    spdlog::error("{}: no [shield] section: nothing to run (see docs/shield.md)", config_path);
    return kExitError;
  }
  // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client gone mid-response must be an
  // EPIPE for that connection, not a SIGPIPE for the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Blocked before the workers start, so every thread inherits the mask and the signals reach
  // the signalfd below.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  const int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) {
    spdlog::error("signalfd: {}", std::strerror(errno));
    return kExitError;
  }
  const std::string stats_file = cfg.shield->stats_file;
  const std::string mitigation_socket = cfg.shield->mitigation_socket;
  if (cfg.shield->hand_off && mitigation_socket.empty()) {
    spdlog::error("{}: [shield.mitigation] needs 'control_socket' (the daemon's) when the shield runs alone",
                  config_path);
    return kExitError;
  }
  const uint32_t block_seconds = cfg.shield->offenders.block_seconds;
  auto server = std::make_unique<shield::conn::ShieldServer>(std::move(*cfg.shield));
  if (auto s = server->start(); !s) {
    spdlog::error("{}", s.error());
    close(sfd);
    return kExitError;
  }
  const auto& sc = server->config();
  spdlog::info("shield: listening on {} with {} worker(s), forwarding to {}", sc.listen, sc.workers,
               fmt::join(sc.origins, ", "));
  // Ticks on a steady schedule, whatever the signals and polls in between.
  auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (;;) {
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - std::chrono::steady_clock::now());
    pollfd p{sfd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(0, wait.count()))) > 0) {
      signalfd_siginfo info{};
      if (read(sfd, &info, sizeof info) == sizeof info) {
        spdlog::info("signal {}: stopping", strsignal(static_cast<int>(info.ssi_signo)));
        break;
      }
    }
    if (std::chrono::steady_clock::now() < next) continue;
    next += std::chrono::seconds(1);
    if (const std::string change = server->tick(); !change.empty()) spdlog::warn("{}", change);
    if (!mitigation_socket.empty()) handOver(mitigation_socket, server->takeOffenders(), block_seconds);
    if (!stats_file.empty()) writeStats(stats_file, server->statsJson());
  }
  server->stop();
  if (!stats_file.empty()) writeStats(stats_file, server->statsJson());
  close(sfd);
  return 0;
}

}  // namespace

void addShieldCommand(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "shield", "Run the L7 shield: a reverse proxy that keeps a website serving through HTTP floods");
  cmd->add_option("-c,--config", *path, "TOML configuration with a [shield] section")->required();
  cmd->callback([path, &exit_code] { exit_code = runShield(*path); });
}

}  // namespace rampart::app
