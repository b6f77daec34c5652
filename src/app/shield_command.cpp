// SPDX-License-Identifier: Apache-2.0
#include "app/shield_command.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <memory>
#include <string>

#include "api/unix/control_socket.h"
#include "app/analyze_command.h"
#include "app/config.h"
#include "mitigate/action_json.h"
#include "runtime/event_loop.h"
#include "runtime/shield_host.h"

namespace rampart::app {
namespace {

// The daemon's control service, reached through its socket: the shield alone hands its offenders
// to the mitigation of a `rampart run` elsewhere on the host.
runtime::ShieldHost::Block remoteBlock(std::string socket) {
  return [socket = std::move(socket)](const api::BlockRequest& request) {
    using R = core::Result<mitigate::Action, std::string>;
    auto answer = api::controlRequest(socket, api::blockRequestJson(request));
    if (!answer) return R::failure("could not reach the mitigation: " + answer.error());
    if (!answer->value("ok", false)) return R::failure(answer->value("error", std::string("refused")));
    std::string error;
    auto action = mitigate::actionFromJson(answer->value("action", nlohmann::json()), error);
    if (!action) return R::failure("the daemon's answer: " + error);
    return R(std::move(*action));
  };
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
  const std::string socket = cfg.shield->mitigation_socket;
  if (cfg.shield->hand_off && socket.empty()) {
    spdlog::error("{}: [shield.mitigation] needs 'control_socket' (the daemon's) when the shield runs alone",
                  config_path);
    return kExitError;
  }
  const core::SystemClock clock;
  auto loop = runtime::EventLoop::create(clock, {SIGTERM, SIGINT});
  if (!loop) {
    spdlog::error("{}", loop.error());
    return kExitError;
  }
  runtime::EventLoop& l = *loop.value();
  runtime::ShieldHost host(std::move(*cfg.shield), socket.empty() ? runtime::ShieldHost::Block() : remoteBlock(socket));
  if (auto st = host.start(l); !st) {
    spdlog::error("{}", st.error());
    return kExitError;
  }
  l.stopOn({SIGTERM, SIGINT});
  l.run();
  host.stop();
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
