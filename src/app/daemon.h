// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "core/clock.h"
#include "geo/attributor.h"
#include "sensor/af_packet_source.h"
#include "sensor/udp_listener.h"

namespace rampart::app {

// `rampart run`: the always-on sensor. One event loop: capture rings and signals are polled
// together; records are decoded and counted as they arrive; every second of wall time the window
// is judged and attack events go to the log and to the JSON-lines event stream.
// SIGTERM/SIGINT stop it cleanly (active attacks are reported ended); SIGHUP reloads the
// configuration, validating it first: a broken file changes nothing.
class Daemon {
 public:
  Daemon(std::string config_path, Config config, const core::Clock& clock, std::string geoip_dir);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until stopped; returns the process exit code (0 after a clean stop, 2 when it cannot start).
  [[nodiscard]] int run();

 private:
  struct Engine;  // counters and detector built from one configuration

  struct FlowSensor;  // a UDP listener and its decoder

  bool openSensors();
  void drainFlows(FlowSensor& sensor);
  bool openEvents();
  void drain(sensor::AfPacketSource& source);
  void tick(uint64_t now_ns);
  void reload();
  void emit(const std::vector<detect::AttackEvent>& events, uint64_t now_ns);

  std::string config_path_;
  Config config_;
  const core::Clock& clock_;
  std::string geoip_dir_;
  geo::Attributor attributor_;
  std::unique_ptr<Engine> engine_;
  std::vector<sensor::AfPacketSource> sources_;
  std::vector<std::unique_ptr<FlowSensor>> flow_sensors_;
  std::FILE* events_ = nullptr;
  bool own_events_ = false;
  uint64_t window_start_ = 0;
  uint64_t last_drops_ = 0;
  uint64_t last_stats_ns_ = 0;
  uint64_t last_early_ns_ = 0;
};

}  // namespace rampart::app
