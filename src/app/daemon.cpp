// SPDX-License-Identifier: Apache-2.0
#include "app/daemon.h"

#include <fmt/ranges.h>

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/analyze_command.h"
#include "app/attribution.h"
#include "app/control_request.h"
#include "detect/detector.h"
#include "flow/netflow/netflow_decoder.h"
#include "flow/sflow/sflow_decoder.h"
#include "mitigate/action_json.h"
#include "report/event_json.h"
#include "report/sensor_stats_json.h"
#include "traffic/flow_spreader.h"
#include "traffic/traffic_counters.h"

namespace rampart::app {
namespace {

constexpr uint64_t kStatsEveryNs = 10'000'000'000ULL;
constexpr uint64_t kFoldNs = 50'000'000;      // workers' shards are folded in, and early starts checked
constexpr int kCollectWaitMs = 30;            // a worker notices a request within its 10 ms poll
constexpr std::size_t kMaxInterfaces = 4096;  // sFlow interfaces kept per sensor for the statistics

// A shard counts one sub-window of one worker's share of the traffic: its deep stats must start at
// that share of the view's trigger, or a flood spread over the workers would be sampled late.
std::vector<traffic::GroupTrigger> shardTriggers(std::vector<traffic::GroupTrigger> t, uint64_t window_ns,
                                                 std::size_t workers) {
  const double scale = static_cast<double>(kFoldNs) / static_cast<double>(window_ns) / static_cast<double>(workers);
  const auto down = [scale](uint64_t& v) {
    if (v != UINT64_MAX) v = std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(v) * scale));
  };
  for (auto& g : t) {
    down(g.host_packets);
    down(g.host_bytes);
    down(g.prefix_packets);
    down(g.prefix_bytes);
  }
  return t;
}

std::string attackLine(const detect::AttackEvent& e) {
  const detect::Attack& a = e.attack;
  std::string vectors;
  for (const auto& v : a.vectors) vectors += (vectors.empty() ? "" : ", ") + std::string(detect::toString(v.vector));
  return fmt::format("attack #{} {} on {} {} ({}): {}, peak {}, {}", a.id, detect::toString(e.kind),
                     a.target.isPrefix() ? "prefix" : "host", a.target.toString(),
                     traffic::toString(a.target.direction), vectors.empty() ? "-" : vectors,
                     report::humanRate(static_cast<double>(a.peak_pps), "pps"),
                     report::humanRate(static_cast<double>(a.peak_bps), "bps"));
}

}  // namespace

// Everything built from one configuration; replaced whole on reload.
struct Daemon::Engine {
  explicit Engine(const AnalyzerSettings& s)
      : settings(s),
        detector(settings.detector),
        counters(settings.traffic, settings.networks, detector.triggers()),
        spreader({.window_ns = settings.window_ns}) {}
  AnalyzerSettings settings;  // owns the networks the counters refer to
  detect::Detector detector;
  traffic::TrafficCounters counters;
  traffic::FlowSpreader spreader;  // NetFlow/IPFIX records over the windows of their duration
  decode::DecodeStats decode;
  core::FlowRecord record;
};

struct Daemon::FlowSensor {
  FlowSensor(SensorSettings::Type t, sensor::UdpListener l) : type(t), listener(std::move(l)) {}
  SensorSettings::Type type;
  sensor::UdpListener listener;
  flow::sflow::SflowDecoder sflow;
  flow::netflow::NetflowDecoder netflow;  // NetFlow v5, v9 and IPFIX on one port
  std::vector<core::FlowRecord> records;
  std::vector<flow::sflow::InterfaceCounters> counter_samples;
  // The latest counter sample of each (agent, sub-agent, ifIndex), for the statistics document.
  std::map<std::tuple<core::IpAddress, uint32_t, uint32_t>, flow::sflow::InterfaceCounters> interfaces;
};

Daemon::Daemon(std::string config_path, Config config, const core::Clock& clock, std::string geoip_dir)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      clock_(clock),
      geoip_dir_(std::move(geoip_dir)),
      engine_(std::make_unique<Engine>(config_.analyzer)) {}

Daemon::~Daemon() {
  if (own_events_ && events_ != nullptr) std::fclose(events_);
}

bool Daemon::openEvents() {
  if (config_.run.events == "-") {
    events_ = stdout;
    return true;
  }
  events_ = std::fopen(config_.run.events.c_str(), "a");
  if (events_ == nullptr) {
    spdlog::error("{}: cannot open the event stream: {}", config_.run.events, std::strerror(errno));
    return false;
  }
  own_events_ = true;
  return true;
}

bool Daemon::openSensors() {
  const unsigned workers = config_.run.capture_workers;
  std::vector<std::vector<sensor::AfPacketSource>> sockets(workers);
  int sensor_index = 0;
  for (const SensorSettings& s : config_.run.sensors) {
    if (s.type == SensorSettings::Type::kXdp) {
      // The XDP program samples before it drops: detection goes on seeing what it mitigates.
      if (xdp_samples_) {
        spdlog::error("{}: one xdp sensor at most (the program samples all its interfaces at one rate)", config_path_);
        return false;
      }
      mitigate::xdp::XdpProgram& program = planes_.xdp->program();
      auto reader = mitigate::xdp::XdpSampleReader::open(program.samplesFd());
      if (!reader) {
        spdlog::error("{}", reader.error());
        return false;
      }
      if (auto st = program.setSampling(s.sample_one_in); !st) {
        spdlog::error("{}", st.error());
        return false;
      }
      xdp_samples_.emplace(std::move(reader).value());
      xdp_sample_one_in_ = s.sample_one_in;
      spdlog::info("sampling 1 in {} frames of {} in XDP", s.sample_one_in, s.interface);
      continue;
    }
    if (s.type != SensorSettings::Type::kAfPacket) {
      auto listener = sensor::UdpListener::open(s.listen);
      if (!listener) {
        spdlog::error("{}", listener.error());
        return false;
      }
      spdlog::info("receiving {} on {}", s.type == SensorSettings::Type::kSflow ? "sFlow" : "NetFlow/IPFIX", s.listen);
      flow_sensors_.push_back(std::make_unique<FlowSensor>(s.type, std::move(listener).value()));
      continue;
    }
    // One socket per worker in a fanout group of this interface's own (ids are per process).
    const int group = workers > 1 ? static_cast<int>((static_cast<unsigned>(getpid()) + sensor_index) & 0xffff) : -1;
    ++sensor_index;
    for (unsigned w = 0; w < workers; ++w) {
      auto source = sensor::AfPacketSource::open(
          {.interface = s.interface, .fanout_group = group, .sample_one_in = s.sample_one_in});
      if (!source) {
        spdlog::error("{}", source.error());
        return false;
      }
      sockets[w].push_back(std::move(source).value());
    }
    spdlog::info("capturing on {} (AF_PACKET TPACKET_V3, {} worker(s){})", s.interface, workers,
                 s.sample_one_in > 1 ? fmt::format(", 1:{} sampling", s.sample_one_in) : std::string());
  }
  if (sensor_index > 0) startWorkers(std::move(sockets));
  if (workers_.empty() && flow_sensors_.empty() && !xdp_samples_) {
    spdlog::error("{}: no [[sensor]] configured: nothing to watch", config_path_);
    return false;
  }
  return true;
}

void Daemon::startWorkers(std::vector<std::vector<sensor::AfPacketSource>> sockets) {
  const Engine& e = *engine_;
  const auto triggers = shardTriggers(e.detector.triggers(), e.settings.window_ns, sockets.size());
  for (auto& s : sockets) {
    workers_.push_back(
        std::make_unique<CaptureWorker>(std::move(s), e.settings.traffic, e.settings.networks, triggers));
    workers_.back()->start();
  }
}

// Stops the workers and folds in everything they counted: a shard handed over but not collected
// yet, and what each counted after its last hand-over.
std::vector<std::vector<sensor::AfPacketSource>> Daemon::stopWorkers() {
  for (auto& w : workers_) w->stop();
  fold();
  std::vector<std::vector<sensor::AfPacketSource>> sockets;
  for (auto& w : workers_) {
    if (CaptureShard* rest = w->remainder()) foldShard(*rest);
    sockets.push_back(w->release());
  }
  workers_.clear();
  return sockets;
}

int Daemon::run() {
  try {
    attributor_ = openAttributor(config_.geo, geoip_dir_);
  } catch (const ConfigError& e) {
    spdlog::error("{}", e.what());
    return kExitError;
  }
  // Blocked before any capture thread starts, so that threads inherit the mask and every signal
  // reaches the event loop's signalfd.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  if (!openEvents()) return kExitError;
  auto planes = openMitigation(config_, events_);
  if (!planes) {
    spdlog::error("{}", planes.error());
    return kExitError;
  }
  planes_ = std::move(planes).value();
  if (!openSensors()) return kExitError;
  if (planes_.mitigator) planes_.mitigator->restore(clock_.nowNs());
  if (!config_.mitigation.notify.empty()) notifier_ = std::make_unique<Notifier>(config_.mitigation.notify);
  if (!config_.run.control_socket.empty()) {
    auto server = ControlServer::open(config_.run.control_socket);
    if (!server) {
      spdlog::error("{}", server.error());
      return kExitError;
    }
    control_.emplace(std::move(server).value());
    spdlog::info("control socket {}", config_.run.control_socket);
  }

  if (config_.shield) {
    // OpenSSL writes with write(): a client gone mid-response must be an EPIPE, not a SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    config_.shield->hand_off = config_.shield->hand_off || planes_.mitigator != nullptr;
    shield_ = std::make_unique<shield::conn::ShieldServer>(*config_.shield);
    if (auto st = shield_->start(); !st) {
      spdlog::error("{}", st.error());
      return kExitError;
    }
    spdlog::info("shield: listening on {} with {} worker(s), forwarding to {}", config_.shield->listen,
                 config_.shield->workers, fmt::join(config_.shield->origins, ", "));
  }

  const int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    spdlog::error("signalfd: {}", std::strerror(errno));
    return kExitError;
  }

  const uint64_t window_ns = config_.analyzer.window_ns;
  uint64_t now = clock_.nowNs();
  window_start_ = now - now % window_ns;
  last_stats_ns_ = now;
  next_fold_ns_ = now + kFoldNs;
  writeStats(now);
  spdlog::info("rampart running: {} sensor(s), {} host group(s), events to {}", config_.run.sensors.size(),
               config_.analyzer.detector.groups.size(), config_.run.events == "-" ? "stdout" : config_.run.events);

  std::vector<pollfd> fds;
  fds.push_back({sfd, POLLIN, 0});
  for (const auto& f : flow_sensors_) fds.push_back({f->listener.fd(), POLLIN, 0});
  if (xdp_samples_) fds.push_back({xdp_samples_->fd(), POLLIN, 0});
  if (control_) fds.push_back({control_->fd(), POLLIN, 0});
  bool running = true;
  while (running) {
    now = clock_.nowNs();
    const uint64_t next = std::min(window_start_ + window_ns, next_fold_ns_);
    const int timeout_ms = static_cast<int>(std::min<uint64_t>((next > now ? next - now : 0) / 1'000'000 + 1, 100));
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
      spdlog::error("poll: {}", std::strerror(errno));
      break;
    }
    for (auto& f : flow_sensors_) drainFlows(*f);
    drainXdp();
    if (control_) control_->serve([this](const nlohmann::json& r) { return control(r); });
    signalfd_siginfo info{};
    while (read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGHUP) {
        reload();
      } else {
        spdlog::info("signal {}: stopping", strsignal(static_cast<int>(info.ssi_signo)));
        running = false;
      }
    }
    tick(clock_.nowNs());
    if (shield_) tickShield(clock_.nowNs());
  }
  if (shield_) shield_->stop();
  (void)stopWorkers();
  writeStats(clock_.nowNs());
  emit(engine_->detector.finish(engine_->counters), clock_.nowNs());
  if (planes_.mitigator) planes_.mitigator->shutdown();
  close(sfd);
  std::fflush(events_);
  return 0;
}

void Daemon::tickShield(uint64_t now_ns) {
  if (now_ns < next_shield_tick_ns_) return;
  next_shield_tick_ns_ = now_ns + 1'000'000'000;
  if (const std::string change = shield_->tick(); !change.empty()) spdlog::warn("{}", change);
  // Offenders go to this daemon's own mitigation, as a `rampart block` would put them.
  for (const core::IpAddress& a : shield_->takeOffenders()) {
    const std::string source = a.toString() + (a.isV4() ? "/32" : "/128");
    const nlohmann::json answer =
        control({{"command", "block"},
                 {"kind", "drop-source"},
                 {"rule", {{"source", source}, {"destination", a.isV4() ? "0.0.0.0/0" : "::/0"}}},
                 {"duration_s", config_.shield->offenders.block_seconds},
                 {"reason", "shield: refused again and again (429s, limits, malformed requests)"}});
    if (answer.value("ok", false)) {
      spdlog::warn("shield: {} handed to the mitigation: dropped for {} s", source,
                   config_.shield->offenders.block_seconds);
    } else {
      spdlog::warn("shield: the mitigation refused {}: {}", source, answer.value("error", std::string("refused")));
    }
  }
}

// Folds what every worker counted since the last fold into the view. Workers are asked first, all
// at once, so that the waits overlap.
void Daemon::fold() {
  const Engine& e = *engine_;
  for (auto& w : workers_) w->request();
  const auto hot = std::make_shared<const traffic::TargetKeySet>(e.counters.deepKeys());
  for (auto& w : workers_) {
    CaptureShard* shard = w->collect(kCollectWaitMs);
    if (shard == nullptr) continue;  // it hands over with the next fold
    foldShard(*shard);
    w->giveBack(shard, hot);
  }
}

void Daemon::foldShard(const CaptureShard& shard) {
  Engine& e = *engine_;
  e.counters.merge(shard.counters);
  e.decode += shard.decode;
  kernel_packets_ += shard.kernel_packets;
  kernel_drops_ += shard.kernel_drops;
}

// One request of the control socket (see ControlServer; the commands are rampart blocks, block
// and unblock).
nlohmann::json Daemon::control(const nlohmann::json& request) {
  const auto fail = [](const std::string& why) { return nlohmann::json{{"ok", false}, {"error", why}}; };
  auto parsed = parseControlRequest(request);
  if (!parsed) return fail(parsed.error());
  const ControlRequest& r = parsed.value();
  using Command = ControlRequest::Command;
  if (r.command == Command::kStatus) {
    return {{"ok", true},
            {"active_attacks", engine_->detector.activeAttacks()},
            {"mitigation", planes_.mitigator != nullptr}};
  }
  if (!planes_.mitigator) return fail("mitigation is off: add a [mitigation] table to the configuration");
  Mitigator& m = *planes_.mitigator;
  const uint64_t now = clock_.nowNs();
  switch (r.command) {
    case Command::kList: return {{"ok", true}, {"actions", m.list()}};
    case Command::kJournal: return {{"ok", true}, {"journal", m.journal()}};
    case Command::kUnblock:
      return m.unblock(r.id, now) ? nlohmann::json{{"ok", true}}
                                  : fail(fmt::format("no mitigation #{} is in force", r.id));
    case Command::kBlock: {
      auto added = m.block(r.kind, r.rule, r.duration_ns, r.reason, now);
      if (!added) return fail(added.error());
      return {{"ok", true}, {"action", mitigate::toJson(added.value())}};
    }
    case Command::kStatus: break;
  }
  return fail("unhandled command");
}

void Daemon::drainXdp() {
  if (!xdp_samples_) return;
  Engine& e = *engine_;
  const uint32_t rate = xdp_sample_one_in_;
  (void)xdp_samples_->poll(0, [&e, rate](std::span<const uint8_t> frame, uint32_t frame_length, uint64_t ts) {
    (void)frame_length;  // the IP header carries the length that counts
    const decode::DecodeResult r = decode::decodePacket(decode::LinkType::kEthernet, frame, ts, e.record);
    e.decode.add(r);
    if (r != decode::DecodeResult::kOk) return;
    e.record.sampling_rate = rate;
    e.counters.add(e.record);
  });
}

// sFlow samples packets as they pass: they count at arrival, within milliseconds of the traffic.
// NetFlow/IPFIX records arrive when the exporter expires a flow (its active timeout, so short
// timeouts on the exporter make detection faster) and are spread over the windows of their
// duration from now on: the first window sees the flow's rate at once.
void Daemon::drainFlows(FlowSensor& f) {
  Engine& e = *engine_;
  const uint64_t now_ns = clock_.nowNs();
  f.listener.drain(
      [&](std::span<const uint8_t> datagram, const core::IpAddress& exporter, uint64_t now) {
        f.records.clear();
        // Malformed datagrams are counted in the decoders' stats; nothing else to do here.
        if (f.type == SensorSettings::Type::kSflow) {
          f.counter_samples.clear();
          (void)f.sflow.decode(datagram, now, f.records, &f.counter_samples);
          for (const core::FlowRecord& r : f.records) e.counters.add(r);
          for (const auto& c : f.counter_samples) {
            const auto key = std::make_tuple(c.agent, c.sub_agent, c.if_index);
            if (f.interfaces.size() < kMaxInterfaces || f.interfaces.contains(key)) f.interfaces[key] = c;
          }
        } else {
          (void)f.netflow.decode(exporter, datagram, now, f.records);
          for (const core::FlowRecord& r : f.records) e.counters.add(e.spreader.admit(r));
        }
      },
      now_ns);
}

void Daemon::tick(uint64_t now_ns) {
  const uint64_t window_ns = config_.analyzer.window_ns;
  Engine& e = *engine_;
  const bool window_over = now_ns >= window_start_ + window_ns;
  if (!window_over && now_ns < next_fold_ns_) return;
  fold();
  next_fold_ns_ = now_ns + kFoldNs;
  if (!window_over) {  // a big flood is reported before its window ends
    emit(e.detector.earlyStarts(e.counters, window_start_, window_ns), now_ns);
    return;
  }
  emit(e.detector.onWindow(e.counters, window_start_, window_ns), now_ns);
  e.counters.resetWindow();
  e.spreader.onWindow([&e](const core::FlowRecord& r) { e.counters.add(r); });
  window_start_ = now_ns - now_ns % window_ns;
  emit(e.detector.expire(e.counters, window_start_), now_ns);
  if (planes_.mitigator) planes_.mitigator->tick(now_ns);
  for (auto& f : flow_sensors_) f->netflow.expire(now_ns);

  if (now_ns - last_stats_ns_ >= kStatsEveryNs) {
    last_stats_ns_ = now_ns;
    writeStats(now_ns);
    if (kernel_drops_ != last_drops_) {
      spdlog::warn("kernel dropped {} packets in the last {} s ({} captured in all): capture cannot keep up",
                   kernel_drops_ - last_drops_, kStatsEveryNs / 1'000'000'000ULL, kernel_packets_);
      last_drops_ = kernel_drops_;
    }
  }
}

// The statistics document, replaced whole (written beside, then renamed) so a reader never sees
// half of it.
void Daemon::writeStats(uint64_t now_ns) {
  if (config_.run.stats.empty()) return;
  const Engine& e = *engine_;
  const traffic::TrafficStats& t = e.counters.stats();
  nlohmann::json flows = nlohmann::json::array();
  for (const auto& f : flow_sensors_) {
    nlohmann::json j;
    if (f->type == SensorSettings::Type::kSflow) {
      std::vector<flow::sflow::InterfaceCounters> interfaces;
      for (const auto& [key, c] : f->interfaces) interfaces.push_back(c);
      j = report::sflowStatsJson(f->sflow.stats(), f->sflow.agents(), interfaces);
      j["type"] = "sflow";
    } else {
      j = report::netflowStatsJson(f->netflow.stats());
      j["type"] = "netflow";
    }
    flows.push_back(std::move(j));
  }
  const nlohmann::json doc{
      {"schema", "rampart.stats/1"},
      {"time", report::isoTime(now_ns)},
      {"time_ns", now_ns},
      {"capture", {{"workers", workers_.size()}, {"packets", kernel_packets_}, {"kernel_drops", kernel_drops_}}},
      {"decode", report::decodeStatsJson(e.decode)},
      {"traffic",
       {{"records", t.records},
        {"unprotected", t.unprotected},
        {"untracked_hosts", t.untracked_hosts},
        {"untracked_prefixes", t.untracked_prefixes},
        {"deep_refused", t.deep_refused},
        {"flows_spread", e.spreader.stats().spread},
        {"flows_pending", e.spreader.pending()}}},
      {"flow_sensors", std::move(flows)},
      {"active_attacks", e.detector.activeAttacks()}};
  const std::string tmp = config_.run.stats + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "w");
  if (out == nullptr) {
    spdlog::warn("{}: cannot write statistics: {}", tmp, std::strerror(errno));
    return;
  }
  const std::string text = doc.dump(2) + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if (std::fclose(out) != 0 || !ok || std::rename(tmp.c_str(), config_.run.stats.c_str()) != 0) {
    spdlog::warn("{}: cannot write statistics: {}", config_.run.stats, std::strerror(errno));
  }
}

// Validates first: a broken file is logged with its line and the running configuration stays.
// Sensors are opened once; a change to them needs a restart.
void Daemon::reload() {
  try {
    Config next = loadConfig(config_path_);
    geo::Attributor attributor = openAttributor(next.geo, geoip_dir_);
    const uint64_t now = clock_.nowNs();
    auto sockets = stopWorkers();
    emit(engine_->detector.finish(engine_->counters), now);
    next.run.sensors = config_.run.sensors;
    next.run.events = config_.run.events;
    next.run.capture_workers = config_.run.capture_workers;
    next.run.stats = config_.run.stats;
    config_ = std::move(next);
    attributor_ = std::move(attributor);
    engine_ = std::make_unique<Engine>(config_.analyzer);
    if (!sockets.empty()) startWorkers(std::move(sockets));
    window_start_ = now - now % config_.analyzer.window_ns;
    spdlog::info("{}: configuration reloaded ({} host group(s))", config_path_,
                 config_.analyzer.detector.groups.size());
  } catch (const ConfigError& e) {
    spdlog::error("reload refused, the running configuration stays: {}", e.what());
  }
}

void Daemon::emit(const std::vector<detect::AttackEvent>& events, uint64_t now_ns) {
  const report::AttributeFn attribute = attributeWith(attributor_);
  for (const auto& e : events) {
    if (e.kind == detect::AttackEvent::Kind::kEnded) {
      spdlog::warn("{}", attackLine(e));
    } else {
      spdlog::critical("{}", attackLine(e));
    }
    std::string line = report::eventJson(e, now_ns, attribute).dump();
    std::fputs((line + "\n").c_str(), events_);
    if (notifier_) notifier_->notify(std::move(line));
  }
  if (!events.empty()) std::fflush(events_);
  if (planes_.mitigator && !events.empty()) planes_.mitigator->onEvents(events, now_ns);
}

}  // namespace rampart::app
