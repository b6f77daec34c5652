// SPDX-License-Identifier: Apache-2.0
#include "app/daemon.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/analyze_command.h"
#include "app/attribution.h"
#include "detect/detector.h"
#include "flow/netflow/netflow_decoder.h"
#include "flow/sflow/sflow_decoder.h"
#include "report/event_json.h"
#include "traffic/flow_spreader.h"
#include "traffic/traffic_counters.h"

namespace rampart::app {
namespace {

constexpr uint64_t kStatsEveryNs = 10'000'000'000ULL;
constexpr uint64_t kEarlyCheckNs = 50'000'000;

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
  for (const SensorSettings& s : config_.run.sensors) {
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
    auto source = sensor::AfPacketSource::open({.interface = s.interface, .sample_one_in = s.sample_one_in});
    if (!source) {
      spdlog::error("{}", source.error());
      return false;
    }
    spdlog::info("capturing on {} (AF_PACKET TPACKET_V3{})", s.interface,
                 s.sample_one_in > 1 ? fmt::format(", 1:{} sampling", s.sample_one_in) : std::string());
    sources_.push_back(std::move(source).value());
  }
  if (sources_.empty() && flow_sensors_.empty()) {
    spdlog::error("{}: no [[sensor]] configured: nothing to watch", config_path_);
    return false;
  }
  return true;
}

int Daemon::run() {
  try {
    attributor_ = openAttributor(config_.geo, geoip_dir_);
  } catch (const ConfigError& e) {
    spdlog::error("{}", e.what());
    return kExitError;
  }
  if (!openEvents() || !openSensors()) return kExitError;

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  const int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) {
    spdlog::error("signalfd: {}", std::strerror(errno));
    return kExitError;
  }

  const uint64_t window_ns = config_.analyzer.window_ns;
  uint64_t now = clock_.nowNs();
  window_start_ = now - now % window_ns;
  last_stats_ns_ = now;
  spdlog::info("rampart running: {} sensor(s), {} host group(s), events to {}", sources_.size() + flow_sensors_.size(),
               config_.analyzer.detector.groups.size(), config_.run.events == "-" ? "stdout" : config_.run.events);

  std::vector<pollfd> fds;
  fds.push_back({sfd, POLLIN, 0});
  for (const auto& s : sources_) fds.push_back({s.fd(), POLLIN | POLLERR, 0});
  for (const auto& f : flow_sensors_) fds.push_back({f->listener.fd(), POLLIN, 0});
  bool running = true;
  while (running) {
    now = clock_.nowNs();
    const uint64_t until_tick = window_start_ + window_ns > now ? window_start_ + window_ns - now : 0;
    const int timeout_ms = static_cast<int>(std::min<uint64_t>(until_tick / 1'000'000 + 1, 100));
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
      spdlog::error("poll: {}", std::strerror(errno));
      break;
    }
    for (auto& s : sources_) drain(s);
    for (auto& f : flow_sensors_) drainFlows(*f);
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
  }
  emit(engine_->detector.finish(engine_->counters), clock_.nowNs());
  close(sfd);
  std::fflush(events_);
  return 0;
}

void Daemon::drain(sensor::AfPacketSource& source) {
  Engine& e = *engine_;
  const uint32_t rate = source.sampleOneIn();
  source.poll(0, [&e, rate](std::span<const uint8_t> frame, uint64_t ts) {
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
          (void)f.sflow.decode(datagram, now, f.records, nullptr);
          for (const core::FlowRecord& r : f.records) e.counters.add(r);
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
  if (now_ns < window_start_ + window_ns) {
    if (now_ns - last_early_ns_ >= kEarlyCheckNs) {  // a big flood is reported before its window ends
      last_early_ns_ = now_ns;
      emit(e.detector.earlyStarts(e.counters, window_start_, window_ns), now_ns);
    }
    return;
  }
  emit(e.detector.onWindow(e.counters, window_start_, window_ns), now_ns);
  e.counters.resetWindow();
  e.spreader.onWindow([&e](const core::FlowRecord& r) { e.counters.add(r); });
  window_start_ = now_ns - now_ns % window_ns;
  emit(e.detector.expire(e.counters, window_start_), now_ns);
  for (auto& f : flow_sensors_) f->netflow.expire(now_ns);

  if (now_ns - last_stats_ns_ >= kStatsEveryNs) {
    last_stats_ns_ = now_ns;
    uint64_t drops = 0;
    uint64_t packets = 0;
    for (auto& s : sources_) {
      const auto st = s.stats();
      drops += st.drops;
      packets += st.packets;
    }
    if (drops != last_drops_) {
      spdlog::warn("kernel dropped {} packets in the last {} s ({} captured in all): capture cannot keep up",
                   drops - last_drops_, kStatsEveryNs / 1'000'000'000ULL, packets);
      last_drops_ = drops;
    }
  }
}

// Validates first: a broken file is logged with its line and the running configuration stays.
// Sensors are opened once; a change to them needs a restart.
void Daemon::reload() {
  try {
    Config next = loadConfig(config_path_);
    geo::Attributor attributor = openAttributor(next.geo, geoip_dir_);
    const uint64_t now = clock_.nowNs();
    emit(engine_->detector.finish(engine_->counters), now);
    next.run.sensors = config_.run.sensors;
    next.run.events = config_.run.events;
    config_ = std::move(next);
    attributor_ = std::move(attributor);
    engine_ = std::make_unique<Engine>(config_.analyzer);
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
    std::fputs((report::eventJson(e, now_ns, attribute).dump() + "\n").c_str(), events_);
  }
  if (!events.empty()) std::fflush(events_);
}

}  // namespace rampart::app
