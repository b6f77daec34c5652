// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/analyze_command.h"

int main(int argc, char** argv) {
  CLI::App app{"Rampart: DDoS detection and mitigation for organisations without a security budget"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rampart 0.1.0");
  int exit_code = 0;
  rampart::app::AnalyzeArgs analyze;
  rampart::app::addAnalyzeCommand(app, analyze, exit_code);
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
