// SPDX-License-Identifier: Apache-2.0
// FlowRecords per second on one core: SflowDecoder over datagrams shaped like a switch's export
// (flow samples with extended switch data and a 128-byte raw Ethernet header each, as hsflowd and
// most ASICs send), and over the shared akvorado capture when ../shared/data is there.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "flow/sflow/sflow_decoder.h"
#include "support/packet_builder.h"
#include "support/shared_data.h"
#include "support/udp_payloads.h"
#include "unit/flow/sflow/sflow_builder.h"

namespace {

namespace sb = rampart::testing::sflow;
using rampart::flow::sflow::SflowDecoder;

constexpr int kDatagrams = 64;

// One datagram of `samples` flow samples; every sample's packet differs in source and port.
sb::Bytes switchDatagram(int index, int samples, bool ipv6) {
  std::vector<sb::Bytes> flow_samples;
  for (int i = 0; i < samples; ++i) {
    rampart::testing::PacketSpec spec;
    const int n = index * samples + i;
    if (ipv6) {
      spec.src = "2001:db8::" + std::to_string(n % 9000 + 1);
      spec.dst = "2001:db8:ffff::10";
    } else {
      spec.src = "198.51." + std::to_string(n / 256 % 256) + "." + std::to_string(n % 256);
    }
    spec.protocol = i % 3 == 0 ? 17 : 6;
    spec.src_port = static_cast<uint16_t>(1024 + n);
    spec.tcp_flags = 0x10;
    spec.payload_len = 1400;
    spec.vlan_ids = {100};
    sb::Bytes frame = rampart::testing::buildEthernetFrame(spec);
    const auto frame_length = static_cast<uint32_t>(frame.size() + 4);
    frame.resize(128);  // the agent's header snap length
    flow_samples.push_back(sb::flowSample(
        static_cast<uint32_t>(n), 1024, {sb::extendedSwitchRecord(), sb::rawHeaderRecord(1, frame_length, 4, frame)}));
  }
  return sb::datagram(0xAC100003, 0, static_cast<uint32_t>(index), 1000, flow_samples);
}

void decodeAll(benchmark::State& state, const std::vector<sb::Bytes>& datagrams) {
  SflowDecoder decoder;
  std::vector<rampart::core::FlowRecord> records;
  records.reserve(1024);
  for (auto _ : state) {
    for (const sb::Bytes& dg : datagrams) {
      records.clear();
      benchmark::DoNotOptimize(decoder.decode(dg, 0, records, nullptr));
      benchmark::DoNotOptimize(records.data());
    }
  }
  const auto& s = decoder.stats();
  state.SetItemsProcessed(static_cast<int64_t>(s.flow_records));
  // Records per second, printed with an SI prefix: "25M/s" is 25 million records a second.
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(s.flow_records), benchmark::Counter::kIsRate);
  state.counters["records_per_datagram"] =
      static_cast<double>(s.flow_records) / static_cast<double>(std::max<uint64_t>(1, s.datagrams));
}

void BM_SwitchDatagramIpv4(benchmark::State& state) {
  std::vector<sb::Bytes> dgs;
  dgs.reserve(kDatagrams);
  for (int i = 0; i < kDatagrams; ++i) dgs.push_back(switchDatagram(i, static_cast<int>(state.range(0)), false));
  decodeAll(state, dgs);
}
BENCHMARK(BM_SwitchDatagramIpv4)->Arg(1)->Arg(7);

void BM_SwitchDatagramIpv6(benchmark::State& state) {
  std::vector<sb::Bytes> dgs;
  dgs.reserve(kDatagrams);
  for (int i = 0; i < kDatagrams; ++i) dgs.push_back(switchDatagram(i, 7, true));
  decodeAll(state, dgs);
}
BENCHMARK(BM_SwitchDatagramIpv6);

void BM_Akvorado1140(benchmark::State& state) {
  const auto path =
      rampart::testing::sharedDataDir(RAMPART_SOURCE_DIR) / "flow-telemetry/sflow/akvorado_data-1140.pcap";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("shared data absent");
    return;
  }
  std::vector<sb::Bytes> dgs;
  for (auto& dg : rampart::testing::udpDatagrams(path.string())) dgs.push_back(std::move(dg.payload));
  decodeAll(state, dgs);
}
BENCHMARK(BM_Akvorado1140);

}  // namespace

BENCHMARK_MAIN();
