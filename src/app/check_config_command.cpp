// SPDX-License-Identifier: Apache-2.0
#include "app/check_config_command.h"

#include <fmt/ranges.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/analyze_command.h"
#include "app/config.h"

namespace rampart::app {

void addCheckConfigCommand(CLI::App& app, std::string& path, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("check-config", "Validate a configuration file and explain any error");
  cmd->add_option("file", path, "TOML configuration")->required();
  cmd->callback([&path, &exit_code] { exit_code = runCheckConfig(path); });
}

int runCheckConfig(const std::string& path) {
  try {
    const Config cfg = loadConfig(path);
    const auto& groups = cfg.analyzer.detector.groups;
    std::string summary = cfg.analyzer.networks.protectsEverything()
                              ? std::string("no networks listed: every address is protected with the defaults")
                              : fmt::format("{} host group{}", groups.size(), groups.size() == 1 ? "" : "s");
    std::printf("%s: valid (%s)\n", path.c_str(), summary.c_str());
    for (const auto& g : groups) {
      std::printf("  group %-12s host %llu pps / %llu bps, prefix %llu pps / %llu bps\n", g.name.c_str(),
                  static_cast<unsigned long long>(g.host.pps), static_cast<unsigned long long>(g.host.bps),
                  static_cast<unsigned long long>(g.prefix.pps), static_cast<unsigned long long>(g.prefix.bps));
    }
    if (const auto& sh = cfg.shield) {
      static constexpr const char* kModes[] = {"off", "on", "auto"};
      std::string line = fmt::format("  shield {} -> {}", sh->listen, fmt::join(sh->origins, ", "));
      if (!sh->tls.listen.empty()) {
        line += fmt::format(", HTTPS on {} ({} certificate(s))", sh->tls.listen, sh->tls.certificates.size());
      }
      line += fmt::format(", HTTP/2 {}", sh->http2.enabled ? "on" : "off");
      line += fmt::format(", {} scheduling", sh->batch_scheduling ? "batch" : "normal");
      line += fmt::format(", under attack: {}, cache {}", kModes[static_cast<int>(sh->attack_mode.setting)],
                          sh->cache.enabled ? "on" : "off");
      if (!sh->mitigation_socket.empty()) line += ", offenders to the mitigation";
      std::printf("%s\n", line.c_str());
    }
    return kExitNoAttack;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "rampart: %s\n", e.what());
    return kExitError;
  }
}

}  // namespace rampart::app
