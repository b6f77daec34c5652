// SPDX-License-Identifier: Apache-2.0
#include "runtime/sensor_inputs.h"

#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "metrics/json_writer.h"
#include "report/sensor_stats_json.h"
#include "sensor/udp_listener.h"
#include "sensor/xdp_sample_source.h"

namespace rampart::runtime {
namespace {

constexpr int kCollectWaitMs = 30;            // a worker notices a request within its 10 ms poll
constexpr std::size_t kMaxInterfaces = 4096;  // sFlow interfaces kept per sensor for the statistics

// A shard counts one sub-window of one worker's share of the traffic: its deep stats must start at
// that share of the view's trigger, or a flood spread over the workers would be sampled late.
std::vector<traffic::GroupTrigger> shardTriggers(std::vector<traffic::GroupTrigger> t,
                                                 const pipeline::AnalyzerSettings& s, std::size_t workers) {
  const uint64_t sub_window = std::min(s.early_check_ns == 0 ? s.window_ns : s.early_check_ns, s.window_ns);
  const double scale =
      static_cast<double>(sub_window) / static_cast<double>(s.window_ns) / static_cast<double>(workers);
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

}  // namespace

struct SensorInputs::FlowInput {
  FlowInput(SensorSettings::Type t, std::unique_ptr<sensor::FlowSource> s) : type(t), source(std::move(s)) {}
  SensorSettings::Type type;
  std::unique_ptr<sensor::FlowSource> source;
  flow::sflow::SflowDecoder sflow;
  flow::netflow::NetflowDecoder netflow;  // NetFlow v5, v9 and IPFIX on one port
  std::vector<core::FlowRecord> records;
  std::vector<flow::sflow::InterfaceCounters> counter_samples;
  // The latest counter sample of each (agent, sub-agent, ifIndex), for the statistics document.
  std::map<std::tuple<core::IpAddress, uint32_t, uint32_t>, flow::sflow::InterfaceCounters> interfaces;
};

int SensorInputs::flowFd(std::size_t i) const noexcept { return flows_[i]->source->fd(); }

SensorInputs::~SensorInputs() {
  for (auto& w : workers_) w->stop();
}

core::Result<std::unique_ptr<SensorInputs>, std::string> SensorInputs::open(const std::vector<SensorSettings>& sensors,
                                                                            unsigned capture_workers,
                                                                            mitigate::xdp::XdpProgram* xdp) {
  using R = core::Result<std::unique_ptr<SensorInputs>, std::string>;
  std::unique_ptr<SensorInputs> in(new SensorInputs());
  const unsigned workers = std::max(1u, capture_workers);
  std::vector<std::vector<sensor::AfPacketSource>> sockets(workers);
  int sensor_index = 0;
  for (const SensorSettings& s : sensors) {
    if (s.type == SensorSettings::Type::kXdp) {
      // The XDP program samples before it drops: detection goes on seeing what it mitigates.
      if (in->xdp_) return R::failure("one xdp sensor at most (the program samples all its interfaces at one rate)");
      if (xdp == nullptr) return R::failure("an xdp sensor needs the XDP program loaded");
      auto source = sensor::XdpSampleSource::open(xdp->samplesFd(), s.sample_one_in);
      if (!source) return R::failure(source.error());
      if (auto st = xdp->setSampling(s.sample_one_in); !st) return R::failure(st.error());
      in->xdp_ = std::move(source).value();
      spdlog::info("sampling 1 in {} frames of {} in XDP", s.sample_one_in, s.interface);
      continue;
    }
    if (s.type != SensorSettings::Type::kAfPacket) {
      auto listener = sensor::UdpListener::open(s.listen);
      if (!listener) return R::failure(listener.error());
      spdlog::info("receiving {} on {}", s.type == SensorSettings::Type::kSflow ? "sFlow" : "NetFlow/IPFIX", s.listen);
      in->flows_.push_back(
          std::make_unique<FlowInput>(s.type, std::make_unique<sensor::UdpListener>(std::move(listener).value())));
      continue;
    }
    // One socket per worker in a fanout group of this interface's own (ids are per process).
    const int group = workers > 1 ? static_cast<int>((static_cast<unsigned>(getpid()) + sensor_index) & 0xffff) : -1;
    ++sensor_index;
    for (unsigned w = 0; w < workers; ++w) {
      auto source = sensor::AfPacketSource::open(
          {.interface = s.interface, .fanout_group = group, .sample_one_in = s.sample_one_in});
      if (!source) return R::failure(source.error());
      sockets[w].push_back(std::move(source).value());
    }
    spdlog::info("capturing on {} (AF_PACKET TPACKET_V3, {} worker(s){})", s.interface, workers,
                 s.sample_one_in > 1 ? fmt::format(", 1:{} sampling", s.sample_one_in) : std::string());
  }
  if (sensor_index > 0) in->sockets_ = std::move(sockets);
  if (in->sockets_.empty() && in->flows_.empty() && !in->xdp_) {
    return R::failure("no [[sensor]] configured: nothing to watch");
  }
  return in;
}

void SensorInputs::startWorkers(const pipeline::AnalyzerSettings& settings,
                                const pipeline::WindowedAnalyzer& analyzer) {
  const auto triggers = shardTriggers(analyzer.detector().triggers(), settings, sockets_.size());
  for (auto& s : sockets_) {
    workers_.push_back(std::make_unique<CaptureWorker>(std::move(s), settings.traffic, settings.networks, triggers));
    workers_.back()->start();
  }
  sockets_.clear();
}

// Workers are asked first, all at once, so that the waits overlap.
void SensorInputs::fold(pipeline::WindowedAnalyzer& analyzer) {
  for (auto& w : workers_) w->request();
  const auto hot = std::make_shared<const traffic::TargetKeySet>(analyzer.deepKeys());
  for (auto& w : workers_) {
    CaptureShard* shard = w->collect(kCollectWaitMs);
    if (shard == nullptr) continue;  // it hands over with the next fold
    foldShard(*shard, analyzer);
    w->giveBack(shard, hot);
  }
}

// A shard handed over but not collected yet, and what each counted after its last hand-over.
void SensorInputs::stopWorkers(pipeline::WindowedAnalyzer& analyzer) {
  for (auto& w : workers_) w->stop();
  fold(analyzer);
  for (auto& w : workers_) {
    if (CaptureShard* rest = w->remainder()) foldShard(*rest, analyzer);
    sockets_.push_back(w->release());
  }
  workers_.clear();
}

void SensorInputs::foldShard(const CaptureShard& shard, pipeline::WindowedAnalyzer& analyzer) {
  analyzer.mergeShard(shard.counters, shard.decode);
  kernel_ += shard.kernel;
}

void SensorInputs::drainXdp(pipeline::WindowedAnalyzer& analyzer) const {
  if (!xdp_) return;
  const uint32_t rate = xdp_->sampleOneIn();
  const decode::LinkType link = xdp_->linkType();
  (void)xdp_->read(0, [&analyzer, rate, link](sensor::PacketSource::Batch batch) {
    // The IP header carries the length that counts.
    for (const sensor::Packet& p : batch) analyzer.addPacket(link, p.frame, p.timestamp_ns, rate);
  });
}

// sFlow samples packets as they pass: they count at arrival, within milliseconds of the traffic.
// NetFlow/IPFIX records arrive when the exporter expires a flow (its active timeout, so short
// timeouts on the exporter make detection faster) and are spread over the windows of their
// duration from now on: the first window sees the flow's rate at once.
void SensorInputs::drainFlows(std::size_t i, pipeline::WindowedAnalyzer& analyzer, uint64_t now_ns) {
  FlowInput& f = *flows_[i];
  (void)f.source->read(now_ns, [&f, &analyzer](sensor::FlowSource::Batch batch) {
    for (const sensor::Datagram& d : batch) {
      f.records.clear();
      // Malformed datagrams are counted in the decoders' stats; nothing else to do here.
      if (f.type == SensorSettings::Type::kSflow) {
        f.counter_samples.clear();
        (void)f.sflow.decode(d.payload, d.receive_ns, f.records, &f.counter_samples);
        for (const core::FlowRecord& r : f.records) analyzer.addRecord(r);
        for (const auto& c : f.counter_samples) {
          const auto key = std::make_tuple(c.agent, c.sub_agent, c.if_index);
          if (f.interfaces.size() < kMaxInterfaces || f.interfaces.contains(key)) f.interfaces[key] = c;
        }
      } else {
        (void)f.netflow.decode(d.exporter, d.payload, d.receive_ns, f.records);
        for (const core::FlowRecord& r : f.records) analyzer.addFlow(r);
      }
    }
  });
}

void SensorInputs::expire(uint64_t now_ns) {
  for (auto& f : flows_) f->netflow.expire(now_ns);
}

nlohmann::json SensorInputs::captureJson() const {
  nlohmann::json j = metrics::toJson(kernel_);
  j["workers"] = workers_.size();
  return j;
}

nlohmann::json SensorInputs::flowSensorsJson() const {
  nlohmann::json flows = nlohmann::json::array();
  for (const auto& f : flows_) {
    nlohmann::json j;
    if (f->type == SensorSettings::Type::kSflow) {
      std::vector<flow::sflow::InterfaceCounters> interfaces;
      for (const auto& [key, c] : f->interfaces) interfaces.push_back(c);
      j = report::sflowStatsJson(f->sflow.stats(), f->sflow.agents(), interfaces);
      j["type"] = "sflow";
    } else {
      j = metrics::toJson(f->netflow.stats());
      j["type"] = "netflow";
    }
    flows.push_back(std::move(j));
  }
  return flows;
}

}  // namespace rampart::runtime
