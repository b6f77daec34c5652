// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace rampart::app {

struct RunArgs {
  std::string config;
  std::string events;  // overrides [events] file
  std::string geoip_dir = "var/geoip";
};

// `rampart run --config FILE`: the live daemon (see Daemon).
void addRunCommand(CLI::App& app, RunArgs& args, int& exit_code);
[[nodiscard]] int runDaemon(const RunArgs& args);

}  // namespace rampart::app
