// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace CLI {
class App;
}

namespace rampart::app {

// `rampart shield --config FILE`: runs the L7 shield of the configuration's [shield] section alone,
// until SIGTERM or SIGINT.
void addShieldCommand(CLI::App& app, int& exit_code);

}  // namespace rampart::app
