// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/control_service.h"
#include "api/unix/control_socket.h"
#include "core/clock.h"
#include "geo/attributor.h"
#include "pipeline/windowed_analyzer.h"
#include "runtime/event_loop.h"
#include "runtime/event_sink.h"
#include "runtime/mitigation_planes.h"
#include "runtime/sensor_inputs.h"
#include "runtime/settings.h"
#include "runtime/shield_host.h"
#include "runtime/sinks/event_stream_sink.h"
#include "runtime/sinks/log_sink.h"
#include "runtime/sinks/mitigation_journal.h"
#include "runtime/sinks/notifier.h"

namespace rampart::runtime {

// A configuration as read for the daemon: the settings and the attribution databases they name.
struct LoadedConfig {
  Settings settings;
  geo::Attributor attributor;
};
// Reads the configuration again (SIGHUP): a broken file is an error line, and nothing changes.
using ConfigLoader = std::function<core::Result<LoadedConfig, std::string>()>;

// `rampart run`: the always-on sensor. The sensors count into one windowed analyzer on the event
// loop's thread; the loop advances it on wall time (folding the capture workers' shards at each
// step), and its attack events go to the sinks: the log, the JSON-lines event stream,
// notifications and the mitigation, whose changes go to the same sinks and to the journal. It
// serves the control service to its transports, and hosts the shield of a [shield] section.
// SIGTERM/SIGINT stop it cleanly (active attacks are reported ended); SIGHUP reloads the
// configuration, validated first, and the attacks in progress go on under the same ids.
class Daemon final : private api::ControlService {
 public:
  // `config_path` names the configuration in messages.
  Daemon(std::string config_path, LoadedConfig config, ConfigLoader reload, const core::Clock& clock);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until stopped; returns the process exit code (0 after a clean stop, 2 when it cannot start).
  [[nodiscard]] int run();

 private:
  // The analyzer built from one configuration (it refers to the settings it holds).
  struct Engine {
    Engine(const pipeline::AnalyzerSettings& s, pipeline::AttackSink& sink) : settings(s), analyzer(settings, sink) {}
    pipeline::AnalyzerSettings settings;
    pipeline::WindowedAnalyzer analyzer;
  };

  [[nodiscard]] core::Status start();
  uint64_t step(uint64_t now_ns);
  void reload();
  void writeStats(uint64_t now_ns);
  [[nodiscard]] nlohmann::json execute(const api::ControlRequest& request);

  // api::ControlService, on the loop's thread.
  core::Result<api::DaemonStatus, std::string> status() override;
  core::Result<std::vector<mitigate::ActionInForce>, std::string> list() override;
  core::Result<std::vector<mitigate::MitigationRecord>, std::string> journal() override;
  core::Result<mitigate::Action, std::string> block(const api::BlockRequest& request) override;
  core::Status unblock(uint64_t id) override;

  std::string config_path_;
  Settings settings_;
  geo::Attributor attributor_;  // the sinks refer to it: replaced in place on reload
  ConfigLoader reload_;
  const core::Clock& clock_;
  std::unique_ptr<EventLoop> loop_;
  SinkFanout sinks_;
  LogSink log_;
  std::unique_ptr<EventStreamSink> stream_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<MitigationJournal> journal_;
  MitigationPlanes planes_;
  std::unique_ptr<SensorInputs> inputs_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<api::ControlSocketServer> control_;
  std::unique_ptr<ShieldHost> shield_;
  uint64_t last_stats_ns_ = 0;
  uint64_t last_drops_ = 0;
};

}  // namespace rampart::runtime
