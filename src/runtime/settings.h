// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mitigate/bgp/exabgp_config.h"
#include "mitigate/mitigation_config.h"
#include "pipeline/analyzer_settings.h"
#include "shield/shield_config.h"

namespace rampart::runtime {

// The whole configuration, typed: each module's settings validated once, by the reader in app/
// (format: docs/configuration.md), and handed to the modules as they are.
struct GeoSettings {
  std::string country_db;  // .mmdb
  std::string asn_db;      // .mmdb, or .csv files separated by commas
};

// Where `rampart run` takes traffic from.
struct SensorSettings {
  enum class Type { kAfPacket, kSflow, kNetflow, kXdp };
  Type type = Type::kAfPacket;
  std::string interface;       // af_packet, xdp
  uint32_t sample_one_in = 1;  // af_packet: kernel keeps 1 packet in N; xdp: the program samples 1 in N
  std::string listen;          // sflow, netflow: "ADDRESS:PORT" to receive datagrams on
};

// Who is told when an attack starts, changes or ends: a script (the event as JSON on stdin) or an
// HTTP webhook (the event POSTed as JSON).
struct NotifySettings {
  std::string script;
  std::string webhook;
  double timeout_seconds = 10;
};

struct MitigationSettings {
  mitigate::MitigationConfig policy;
  std::string data_plane;  // "xdp", "nftables", or "" (none: BGP and notifications only)
  std::vector<std::string> xdp_interfaces;
  std::string xdp_mode = "auto";  // auto, native, generic
  std::string state_file;         // actions in force, re-applied after a restart ("" = kept in memory)
  mitigate::bgp::ExabgpConfig bgp;
  std::vector<NotifySettings> notify;
};

struct RunSettings {
  std::vector<SensorSettings> sensors;
  std::string events = "-";      // JSON-lines attack events: a file path, or "-" for stdout
  unsigned capture_workers = 1;  // threads reading the AF_PACKET rings (fanout over them)
  std::string stats;             // a JSON document of sensor statistics, rewritten every 10 s ("" = none)
  std::string control_socket;    // Unix socket for `rampart blocks|block|unblock` ("" = none)
};

struct Settings {
  pipeline::AnalyzerSettings analyzer;
  GeoSettings geo;
  RunSettings run;
  MitigationSettings mitigation;
  std::optional<shield::ShieldConfig> shield;  // a [shield] section: the L7 reverse proxy
};

}  // namespace rampart::runtime
