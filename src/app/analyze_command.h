// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rampart::app {

// Command-line overrides that apply to every host group.
struct ThresholdOverrides {
  std::optional<uint64_t> pps;
  std::optional<uint64_t> bps;
  std::optional<uint64_t> prefix_pps;
  std::optional<uint64_t> prefix_bps;
  std::vector<std::string> vectors;  // "syn-flood=5000"
  std::optional<double> min_share;
  std::optional<double> hold_down_seconds;
};

struct AnalyzeArgs {
  std::vector<std::string> captures;
  std::string config;
  bool json = false;
  std::string geoip_dir = "var/geoip";
  std::string geoip_country;
  std::string geoip_asn;
  ThresholdOverrides overrides;
};

// Adds `analyze` to the command line; the callback stores the exit code in `exit_code`.
void addAnalyzeCommand(CLI::App& app, AnalyzeArgs& args, int& exit_code);

// Exit codes: 0 no attack found, 1 attacks found, 2 bad input (capture, config or arguments).
inline constexpr int kExitNoAttack = 0;
inline constexpr int kExitAttacks = 1;
inline constexpr int kExitError = 2;

[[nodiscard]] int runAnalyze(const AnalyzeArgs& args);

}  // namespace rampart::app
