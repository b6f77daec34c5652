// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/capture_worker.h"
#include "app/config.h"
#include "app/control_server.h"
#include "app/mitigation_setup.h"
#include "app/notifier.h"
#include "core/clock.h"
#include "geo/attributor.h"
#include "mitigate/xdp/xdp_sample_reader.h"
#include "sensor/af_packet_source.h"
#include "sensor/udp_listener.h"
#include "shield/conn/shield_server.h"

namespace rampart::app {

// `rampart run`: the always-on sensor. Capture workers (threads) read the AF_PACKET rings, each
// into its own counter shard; the main thread's event loop receives flow datagrams and signals,
// folds the workers' shards into one view every 50 ms (where a big flood is reported before its
// window ends), and every second of wall time judges the window; attack events go to the log and
// to the JSON-lines event stream.
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
  void startWorkers(std::vector<std::vector<sensor::AfPacketSource>> sockets);
  std::vector<std::vector<sensor::AfPacketSource>> stopWorkers();
  void drainFlows(FlowSensor& sensor);
  void drainXdp();
  [[nodiscard]] nlohmann::json control(const nlohmann::json& request);
  // Once a second: the shield's under-attack decision, and its offenders to the mitigation.
  void tickShield(uint64_t now_ns);
  bool openEvents();
  void fold();
  void foldShard(const CaptureShard& shard);
  void tick(uint64_t now_ns);
  void writeStats(uint64_t now_ns);
  void reload();
  void emit(const std::vector<detect::AttackEvent>& events, uint64_t now_ns);

  std::string config_path_;
  Config config_;
  const core::Clock& clock_;
  std::string geoip_dir_;
  geo::Attributor attributor_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::unique_ptr<CaptureWorker>> workers_;
  std::vector<std::unique_ptr<FlowSensor>> flow_sensors_;
  MitigationPlanes planes_;
  std::optional<ControlServer> control_;
  std::unique_ptr<shield::conn::ShieldServer> shield_;  // a [shield] section: the L7 shield, in this process
  uint64_t next_shield_tick_ns_ = 0;
  std::unique_ptr<Notifier> notifier_;
  std::optional<mitigate::xdp::XdpSampleReader> xdp_samples_;  // the xdp sensor
  uint32_t xdp_sample_one_in_ = 1;
  std::FILE* events_ = nullptr;
  bool own_events_ = false;
  uint64_t window_start_ = 0;
  uint64_t next_fold_ns_ = 0;
  uint64_t kernel_packets_ = 0;  // all capture rings, since start
  uint64_t kernel_drops_ = 0;
  uint64_t last_drops_ = 0;
  uint64_t last_stats_ns_ = 0;
};

}  // namespace rampart::app
