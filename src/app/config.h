// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/capture_analyzer.h"

namespace rampart::app {

// A configuration mistake, with the file and line it is on: "rampart.toml:12: ...".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GeoSettings {
  std::string country_db;  // .mmdb
  std::string asn_db;      // .mmdb, or .csv files separated by commas
};

// Where `rampart run` takes traffic from.
struct SensorSettings {
  enum class Type { kAfPacket, kSflow, kNetflow };
  Type type = Type::kAfPacket;
  std::string interface;       // af_packet
  uint32_t sample_one_in = 1;  // af_packet: kernel keeps 1 packet in N
  std::string listen;          // sflow, netflow: "ADDRESS:PORT" to receive datagrams on
};

struct RunSettings {
  std::vector<SensorSettings> sensors;
  std::string events = "-";      // JSON-lines attack events: a file path, or "-" for stdout
  unsigned capture_workers = 1;  // threads reading the AF_PACKET rings (fanout over them)
  std::string stats;             // a JSON document of sensor statistics, rewritten every 10 s ("" = none)
};

struct Config {
  AnalyzerSettings analyzer;
  GeoSettings geo;
  RunSettings run;
};

// Parses a TOML configuration (format: docs/configuration.md, sample: config/rampart.toml).
// Unknown keys are errors, so a typo never silently leaves a default in place.
[[nodiscard]] Config parseConfig(std::string_view toml_text, const std::string& source_name);
[[nodiscard]] Config loadConfig(const std::string& path);

}  // namespace rampart::app
