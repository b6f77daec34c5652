// SPDX-License-Identifier: Apache-2.0
#include "app/run_command.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/analyze_command.h"
#include "app/attribution.h"
#include "app/config.h"
#include "runtime/daemon.h"

namespace rampart::app {
namespace {

// The configuration and the databases it names, or the one line that says what is wrong.
core::Result<runtime::LoadedConfig, std::string> load(const RunArgs& args) {
  try {
    runtime::LoadedConfig loaded;
    loaded.settings = loadConfig(args.config);
    if (!args.events.empty()) loaded.settings.run.events = args.events;
    loaded.attributor = openAttributor(loaded.settings.geo, args.geoip_dir);
    return loaded;
  } catch (const ConfigError& e) {
    return core::Result<runtime::LoadedConfig, std::string>::failure(e.what());
  }
}

}  // namespace

void addRunCommand(CLI::App& app, RunArgs& args, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("run", "Watch live traffic and report attacks as they happen");
  cmd->add_option("-c,--config", args.config, "TOML configuration with [[sensor]] tables")->required();
  cmd->add_option("--events", args.events, "JSON-lines event stream: a file, or - for stdout");
  cmd->add_option("--geoip-dir", args.geoip_dir, "Directory searched for GeoIP/ASN databases")->capture_default_str();
  cmd->callback([&args, &exit_code] { exit_code = runDaemon(args); });
}

int runDaemon(const RunArgs& args) {
  // The log goes to stderr: stdout may carry the JSON event stream.
  spdlog::set_default_logger(spdlog::stderr_color_mt("rampart"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  auto loaded = load(args);
  if (!loaded) {
    spdlog::error("{}", loaded.error());
    return kExitError;
  }
  const core::SystemClock clock;
  runtime::Daemon daemon(
      args.config, std::move(loaded).value(), [&args] { return load(args); }, clock);
  return daemon.run();
}

}  // namespace rampart::app
