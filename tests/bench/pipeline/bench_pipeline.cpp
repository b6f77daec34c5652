// SPDX-License-Identifier: Apache-2.0
// decode -> count -> detect throughput on one core, on captures held in memory: the figure behind
// "Rampart keeps up with N Mpps per core". Each capture is written once by tests/scenario, loaded
// whole, and replayed through a fresh CaptureAnalysis per iteration (windows roll, attacks are
// judged, fingerprinted and ended, exactly as in `rampart analyze`).
#include <benchmark/benchmark.h>

#include <map>

#include "pipeline/capture_analysis.h"
#include "scenario/attack_scenario.h"
#include "sensor/pcap_file_source.h"
#include "support/temp_dir.h"

namespace {

using rampart::testing::AttackScenario;
using rampart::testing::Flood;
using rampart::testing::PacketSpec;

AttackScenario scenarioFor(const std::string& name) {
  AttackScenario s;
  s.background(4, 2000);
  if (name == "syn_flood") {
    s.add(Flood{.base = PacketSpec{.dst = "192.0.2.10", .protocol = 6, .dst_port = 80, .tcp_flags = 0x02},
                .start_s = 0.5,
                .seconds = 3,
                .pps = 300'000,
                .sources = Flood::Sources::kSpoofed,
                .random_src_port = true});
  } else if (name == "amplification_and_carpet") {
    s.add(Flood{.base = PacketSpec{.dst = "192.0.2.25", .protocol = 17, .src_port = 123, .payload_len = 440},
                .start_s = 0.5,
                .seconds = 3,
                .pps = 100'000,
                .sources = Flood::Sources::kPool,
                .pool_size = 2000,
                .pool_base = "8.8.0.0",
                .random_dst_port = true});
    s.add(Flood{.base = PacketSpec{.dst = "198.18.7.0", .protocol = 17, .src_port = 53, .payload_len = 1200},
                .start_s = 0.5,
                .seconds = 3,
                .pps = 200'000,
                .sources = Flood::Sources::kPool,
                .pool_size = 5000,
                .pool_base = "1.0.0.0",
                .random_dst_port = true,
                .spread_dst_hosts = 250});
  } else if (name == "udp_many_hosts") {
    // Worst case for the host table: every packet to one of 60,000 destinations in a /16.
    for (int net = 0; net < 240; ++net) {
      s.add(Flood{.base = PacketSpec{.dst = "10.20." + std::to_string(net) + ".0", .protocol = 17, .dst_port = 9},
                  .start_s = 0.5,
                  .seconds = 2,
                  .pps = 1'000,
                  .sources = Flood::Sources::kSpoofed,
                  .spread_dst_hosts = 250});
    }
  }
  return s;
}

const rampart::sensor::CaptureBuffer& capture(const std::string& name) {
  static std::map<std::string, rampart::sensor::CaptureBuffer> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    rampart::testing::TempDir dir;
    const std::string path = dir.file(name + ".pcap");
    scenarioFor(name).write(path);
    auto loaded = rampart::sensor::loadCapture(path);
    if (!loaded) throw std::runtime_error(loaded.error());
    it = cache.emplace(name, std::move(loaded).value()).first;
  }
  return it->second;
}

void BM_DecodeCountDetect(benchmark::State& state, const std::string& name) {
  const auto& cap = capture(name);
  std::size_t attacks = 0;
  for (auto _ : state) {
    rampart::pipeline::CaptureAnalysis analyzer{rampart::pipeline::AnalyzerSettings{}};
    for (const auto& p : cap.packets) analyzer.addPacket(cap.link, cap.frame(p), p.ts_ns);
    attacks = analyzer.finish().attacks.size();
  }
  const auto packets = static_cast<double>(cap.packets.size());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * cap.packets.size()));
  state.counters["Mpps"] = benchmark::Counter(packets / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["ns_per_pkt"] =
      benchmark::Counter(packets * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["packets"] = packets;
  state.counters["attacks"] = static_cast<double>(attacks);
}

BENCHMARK_CAPTURE(BM_DecodeCountDetect, syn_flood, std::string("syn_flood"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeCountDetect, amplification_and_carpet, std::string("amplification_and_carpet"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeCountDetect, udp_many_hosts, std::string("udp_many_hosts"))->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
