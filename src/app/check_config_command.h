// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace rampart::app {

// `rampart check-config FILE`: validates a configuration and says what it configures, or prints
// each problem as FILE:LINE: message. Exit 0 when valid, 2 otherwise.
void addCheckConfigCommand(CLI::App& app, std::string& path, int& exit_code);
[[nodiscard]] int runCheckConfig(const std::string& path);

}  // namespace rampart::app
