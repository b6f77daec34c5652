// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace rampart::app {

// `rampart blocks`, `rampart block ...`, `rampart unblock ID`: manual control of a running
// daemon's mitigations through its control socket.
void addControlCommands(CLI::App& app, int& exit_code);

}  // namespace rampart::app
