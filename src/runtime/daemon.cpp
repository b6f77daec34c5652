// SPDX-License-Identifier: Apache-2.0
#include "runtime/daemon.h"

#include <csignal>

#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "metrics/json_writer.h"
#include "report/analysis_report.h"
#include "report/sensor_stats_json.h"

namespace rampart::runtime {
namespace {

constexpr uint64_t kStatsEveryNs = 10'000'000'000ULL;
constexpr int kControlWaitMs = 5000;  // a control request the loop has not run by then is answered "busy"
constexpr const char* kNoMitigation = "mitigation is off: add a [mitigation] table to the configuration";

}  // namespace

Daemon::Daemon(std::string config_path, LoadedConfig config, ConfigLoader reload, const core::Clock& clock)
    : config_path_(std::move(config_path)),
      settings_(std::move(config.settings)),
      attributor_(std::move(config.attributor)),
      reload_(std::move(reload)),
      clock_(clock) {}

Daemon::~Daemon() = default;

core::Status Daemon::start() {
  // First: the signals are blocked before any thread starts, so that threads inherit the mask.
  auto loop = EventLoop::create(clock_, {SIGTERM, SIGINT, SIGHUP});
  if (!loop) return core::failed(loop.error());
  loop_ = std::move(loop).value();

  auto stream = EventStreamSink::open(settings_.run.events, attributor_);
  if (!stream) return core::failed(stream.error());
  stream_ = std::move(stream).value();
  sinks_.add(log_);
  sinks_.add(*stream_);
  if (!settings_.mitigation.notify.empty()) {
    notifier_ = std::make_unique<Notifier>(settings_.mitigation.notify, attributor_);
    sinks_.add(*notifier_);
  }
  journal_ = std::make_unique<MitigationJournal>(settings_.mitigation.policy.history);
  sinks_.add(*journal_);
  auto planes = openMitigation(settings_, sinks_);
  if (!planes) return core::failed(planes.error());
  planes_ = std::move(planes).value();

  auto inputs = SensorInputs::open(settings_.run.sensors, settings_.run.capture_workers,
                                   planes_.xdp != nullptr ? &planes_.xdp->program() : nullptr);
  if (!inputs) return core::failed(config_path_ + ": " + inputs.error());
  inputs_ = std::move(inputs).value();
  engine_ = std::make_unique<Engine>(settings_.analyzer, sinks_);
  inputs_->startWorkers(engine_->settings, engine_->analyzer);
  // Last: the mitigation acts on what the others have seen.
  if (planes_.mitigator) {
    sinks_.add(*planes_.mitigator);
    planes_.mitigator->restore(clock_.nowNs());
  }

  if (!settings_.run.control_socket.empty()) {
    auto server = api::ControlSocketServer::open(settings_.run.control_socket,
                                                 [this](const api::ControlRequest& r) { return execute(r); });
    if (!server) return core::failed(server.error());
    control_ = std::move(server).value();
    spdlog::info("control socket {}", settings_.run.control_socket);
  }
  if (settings_.shield) {
    ShieldHost::Block block;
    if (planes_.mitigator) block = [this](const api::BlockRequest& r) { return this->block(r); };
    shield_ = std::make_unique<ShieldHost>(*settings_.shield, std::move(block));
    if (auto st = shield_->start(*loop_); !st) return st;
  }

  for (std::size_t i = 0; i < inputs_->flowInputs(); ++i) {
    loop_->watch(inputs_->flowFd(i), [this, i] { inputs_->drainFlows(i, engine_->analyzer, clock_.nowNs()); });
  }
  if (inputs_->xdpFd() >= 0) loop_->watch(inputs_->xdpFd(), [this] { inputs_->drainXdp(engine_->analyzer); });
  loop_->onSignal(SIGHUP, [this] { reload(); });
  loop_->stopOn({SIGTERM, SIGINT});
  const uint64_t now = clock_.nowNs();
  (void)engine_->analyzer.advanceTo(now);  // opens the first window
  loop_->addTimer(engine_->analyzer.nextDue(), [this](uint64_t at) { return step(at); });
  last_stats_ns_ = now;
  writeStats(now);
  return core::okStatus();
}

int Daemon::run() {
  if (auto st = start(); !st) {
    spdlog::error("{}", st.error());
    return 2;
  }
  spdlog::info("rampart running: {} sensor(s), {} host group(s), events to {}", settings_.run.sensors.size(),
               settings_.analyzer.detector.groups.size(),
               settings_.run.events == "-" ? "stdout" : settings_.run.events);
  loop_->run();

  if (control_) control_->stop();
  if (shield_) shield_->stop();
  inputs_->stopWorkers(engine_->analyzer);
  const uint64_t now = clock_.nowNs();
  writeStats(now);
  engine_->analyzer.finish(now);
  if (planes_.mitigator) planes_.mitigator->shutdown();
  return 0;
}

// The analyzer's next step on wall time: the workers' shards folded in, early starts checked, and
// at a window's end the window judged; then the mitigation's expiries and the statistics.
uint64_t Daemon::step(uint64_t now_ns) {
  pipeline::WindowedAnalyzer& a = engine_->analyzer;
  inputs_->fold(a);
  if (a.advanceTo(now_ns) == pipeline::WindowedAnalyzer::Step::kWindowClosed) {
    if (planes_.mitigator) planes_.mitigator->tick(now_ns);
    inputs_->expire(now_ns);
    if (now_ns - last_stats_ns_ >= kStatsEveryNs) {
      last_stats_ns_ = now_ns;
      writeStats(now_ns);
      const sensor::CaptureStats& kernel = inputs_->kernelStats();
      if (kernel.drops != last_drops_) {
        spdlog::warn("kernel dropped {} packets in the last {} s ({} captured in all): capture cannot keep up",
                     kernel.drops - last_drops_, kStatsEveryNs / 1'000'000'000ULL, kernel.packets);
        last_drops_ = kernel.drops;
      }
    }
  }
  return a.nextDue();
}

// The statistics document, replaced whole so a reader never sees half of it.
void Daemon::writeStats(uint64_t now_ns) {
  if (settings_.run.stats.empty()) return;
  const pipeline::WindowedAnalyzer& a = engine_->analyzer;
  nlohmann::json traffic = metrics::toJson(a.counters().stats());
  traffic.update(metrics::toJson(a.spreader().stats()));
  traffic["flows_pending"] = a.spreader().pending();  // a gauge
  nlohmann::json doc{{"schema", "rampart.stats/1"},
                     {"time", report::isoTime(now_ns)},
                     {"time_ns", now_ns},
                     {"capture", inputs_->captureJson()},
                     {"decode", metrics::toJson(a.decodeStats())},
                     {"traffic", traffic},
                     {"flow_sensors", inputs_->flowSensorsJson()},
                     {"active_attacks", a.detector().activeAttacks()}};
  if (notifier_) doc["notifications"] = metrics::toJson(notifier_->stats());
  if (auto st = core::writeFileAtomically(settings_.run.stats, doc.dump(2) + "\n"); !st) {
    spdlog::warn("cannot write statistics: {}", st.error());
  }
}

// Validates first: a broken file is logged with its line and the running configuration stays.
// Sensors are opened once; a change to them needs a restart. The attacks in progress go on in the
// analyzer built from the new configuration, under their ids.
void Daemon::reload() {
  auto loaded = reload_();
  if (!loaded) {
    spdlog::error("reload refused, the running configuration stays: {}", loaded.error());
    return;
  }
  Settings next = std::move(loaded.value().settings);
  inputs_->stopWorkers(engine_->analyzer);
  detect::DetectorCarryover carried = engine_->analyzer.handOver();
  next.run.sensors = settings_.run.sensors;
  next.run.events = settings_.run.events;
  next.run.capture_workers = settings_.run.capture_workers;
  next.run.stats = settings_.run.stats;
  settings_ = std::move(next);
  attributor_ = std::move(loaded.value().attributor);
  const std::size_t continuing = carried.active.size();
  engine_ = std::make_unique<Engine>(settings_.analyzer, sinks_);
  engine_->analyzer.adopt(std::move(carried));
  (void)engine_->analyzer.advanceTo(clock_.nowNs());
  inputs_->startWorkers(engine_->settings, engine_->analyzer);
  spdlog::info("{}: configuration reloaded ({} host group(s)); {} attack(s) in progress go on", config_path_,
               settings_.analyzer.detector.groups.size(), continuing);
}

// A transport's thread: the request runs on the loop's, between two steps of the analyzer. It is
// copied: a request the loop gets to after the wait gave up must not refer to the transport's.
nlohmann::json Daemon::execute(const api::ControlRequest& request) {
  auto answer = loop_->call<nlohmann::json>([this, request] { return api::answer(*this, request); }, kControlWaitMs);
  if (!answer) return {{"ok", false}, {"error", "the daemon is busy or stopping; try again"}};
  return std::move(*answer);
}

core::Result<api::DaemonStatus, std::string> Daemon::status() {
  return api::DaemonStatus{.active_attacks = engine_->analyzer.detector().activeAttacks(),
                           .mitigation = planes_.mitigator != nullptr};
}

core::Result<std::vector<mitigate::ActionInForce>, std::string> Daemon::list() {
  if (!planes_.mitigator)
    return core::Result<std::vector<mitigate::ActionInForce>, std::string>::failure(kNoMitigation);
  return planes_.mitigator->list();
}

core::Result<std::vector<mitigate::MitigationRecord>, std::string> Daemon::journal() {
  using R = core::Result<std::vector<mitigate::MitigationRecord>, std::string>;
  if (!planes_.mitigator) return R::failure(kNoMitigation);
  return std::vector<mitigate::MitigationRecord>(journal_->records().begin(), journal_->records().end());
}

core::Result<mitigate::Action, std::string> Daemon::block(const api::BlockRequest& r) {
  if (!planes_.mitigator) return core::Result<mitigate::Action, std::string>::failure(kNoMitigation);
  return planes_.mitigator->block(r.kind, r.rule, r.duration_ns, r.reason, clock_.nowNs());
}

core::Status Daemon::unblock(uint64_t id) {
  if (!planes_.mitigator) return core::failed(kNoMitigation);
  if (!planes_.mitigator->unblock(id, clock_.nowNs()))
    return core::failed(fmt::format("no mitigation #{} is in force", id));
  return core::okStatus();
}

}  // namespace rampart::runtime
