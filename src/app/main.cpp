// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "app/analyze_command.h"
#include "app/check_config_command.h"
#include "app/control_command.h"
#include "app/run_command.h"
#include "app/shield_command.h"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"Rampart: DDoS detection and mitigation for organisations without a security budget"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rampart 0.1.0");
  int exit_code = 0;
  rampart::app::AnalyzeArgs analyze;
  rampart::app::addAnalyzeCommand(app, analyze, exit_code);
  std::string config_path;
  rampart::app::addCheckConfigCommand(app, config_path, exit_code);
  rampart::app::RunArgs run;
  rampart::app::addRunCommand(app, run, exit_code);
  rampart::app::addControlCommands(app, exit_code);
  rampart::app::addShieldCommand(app, exit_code);
  if (argc < 2) {  // a bare `rampart` should show what it can do, not only what is missing
    std::fputs(app.help().c_str(), stderr);
    return rampart::app::kExitError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : rampart::app::kExitError;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // a bug, not bad input: say so rather than abort silently
    std::fprintf(stderr, "rampart: internal error: %s\n", e.what());
    return rampart::app::kExitError;
  }
}
