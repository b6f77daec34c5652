// SPDX-License-Identifier: Apache-2.0
#include "app/analyze_command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "app/analyze_files.h"
#include "app/attribution.h"
#include "app/config.h"
#include "geo/attributor.h"
#include "report/analysis_report.h"

namespace rampart::app {
namespace {

void applyOverrides(const ThresholdOverrides& o, Config& cfg) {
  for (detect::HostGroup& g : cfg.analyzer.detector.groups) {
    if (o.pps) g.host.pps = *o.pps;
    if (o.bps) g.host.bps = *o.bps;
    if (o.prefix_pps) g.prefix.pps = *o.prefix_pps;
    if (o.prefix_bps) g.prefix.bps = *o.prefix_bps;
    if (o.min_share) g.fingerprint_min_share = *o.min_share;
    for (const std::string& spec : o.vectors) {
      const auto eq = spec.find('=');
      const auto vec = detect::vectorFromString(spec.substr(0, eq));
      uint64_t pps = 0;
      try {
        if (eq == std::string::npos || !vec) throw std::invalid_argument(spec);
        std::size_t used = 0;
        pps = std::stoull(spec.substr(eq + 1), &used);
        if (used != spec.size() - eq - 1) throw std::invalid_argument(spec);
      } catch (const std::exception&) {
        throw ConfigError(fmt::format("--threshold '{}': expected VECTOR=PPS, e.g. syn-flood=5000", spec));
      }
      g.host.setVectorPps(*vec, pps);
    }
  }
  if (o.hold_down_seconds) cfg.analyzer.detector.hold_down_ns = static_cast<uint64_t>(*o.hold_down_seconds * 1e9);
}

}  // namespace

void addAnalyzeCommand(CLI::App& app, AnalyzeArgs& args, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("analyze", "Find attacks in packet captures (pcap or pcapng)");
  cmd->add_option("captures", args.captures, "Capture files, read in order as one stream")->required();
  cmd->add_option("-c,--config", args.config, "TOML configuration (protected networks, groups, thresholds)");
  cmd->add_flag("--json", args.json, "Print the report as JSON (schema rampart.analyze/1)");
  cmd->add_option("--threshold-pps", args.overrides.pps, "Packets per second that make an attack, per host");
  cmd->add_option("--threshold-bps", args.overrides.bps, "Bits per second that make an attack, per host");
  cmd->add_option("--threshold", args.overrides.vectors, "Per-vector limit VECTOR=PPS, e.g. syn-flood=5000");
  cmd->add_option("--prefix-threshold-pps", args.overrides.prefix_pps, "Packets per second for a whole prefix");
  cmd->add_option("--prefix-threshold-bps", args.overrides.prefix_bps, "Bits per second for a whole prefix");
  cmd->add_option("--min-share", args.overrides.min_share, "Share of attack packets a fingerprint must cover")
      ->check(CLI::Range(0.5, 1.0));
  cmd->add_option("--hold-down", args.overrides.hold_down_seconds, "Seconds of calm that end an attack")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--geoip-dir", args.geoip_dir, "Directory searched for GeoIP/ASN databases")->capture_default_str();
  cmd->add_option("--geoip-country", args.geoip_country, "Country database (.mmdb)");
  cmd->add_option("--geoip-asn", args.geoip_asn, "ASN database (.mmdb, or .csv files separated by commas)");
  cmd->callback([&args, &exit_code] { exit_code = runAnalyze(args); });
}

int runAnalyze(const AnalyzeArgs& args) {
  Config cfg;
  geo::Attributor attributor;
  try {
    if (!args.config.empty()) cfg = loadConfig(args.config);
    applyOverrides(args.overrides, cfg);
    attributor = openAttributor(cfg.geo, args.geoip_dir, args.geoip_country, args.geoip_asn);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "rampart: %s\n", e.what());
    return kExitError;
  }

  const auto analysed = analyzeCaptureFiles(args.captures, cfg.analyzer);
  if (!analysed) {
    std::fprintf(stderr, "rampart: %s\n", analysed.error().c_str());
    return kExitError;
  }
  const pipeline::AnalysisResult& result = analysed.value();

  report::CaptureSummary summary{args.captures,  result.packets, result.first_ns,
                                 result.last_ns, result.decode,  result.traffic};
  const report::AttributeFn attribute = report::attributeWith(attributor);
  if (args.json) {
    std::cout << report::jsonReport(summary, result.attacks, attribute).dump(2) << '\n';
  } else {
    std::cout << report::textReport(summary, result.attacks, attribute);
  }
  return result.attacks.empty() ? kExitNoAttack : kExitAttacks;
}

}  // namespace rampart::app
