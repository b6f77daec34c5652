// SPDX-License-Identifier: Apache-2.0
// ns per packet of decodePacket over batches of built frames held back to back in memory, as a
// capture loop would see them, and over a real capture when ../shared/data is there.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "decode/packet_decoder.h"
#include "sensor/pcap_file_source.h"
#include "support/packet_builder.h"

namespace {

using rampart::decode::LinkType;
using rampart::sensor::CaptureBuffer;
using rampart::testing::PacketSpec;

constexpr int kBatch = 1024;

CaptureBuffer batchOf(const std::vector<std::vector<uint8_t>>& frames) {
  CaptureBuffer buffer;
  for (const auto& frame : frames) {
    buffer.packets.push_back({0, static_cast<uint32_t>(buffer.bytes.size()), static_cast<uint32_t>(frame.size()),
                              static_cast<uint32_t>(frame.size())});
    buffer.bytes.insert(buffer.bytes.end(), frame.begin(), frame.end());
  }
  return buffer;
}

// kBatch frames of one shape, with sources and ports varied so that nothing is cached by value.
template <typename Make>
CaptureBuffer uniformBatch(Make make) {
  std::vector<std::vector<uint8_t>> frames;
  for (int i = 0; i < kBatch; ++i) frames.push_back(make(i));
  return batchOf(frames);
}

PacketSpec v4Syn(int i) {
  PacketSpec s;
  s.src = "198.51." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
  s.src_port = static_cast<uint16_t>(1024 + i);
  return s;
}

PacketSpec v6Udp(int i) {
  PacketSpec s;
  s.src = "2001:db8::" + std::to_string(i % 9000 + 1);
  s.dst = "2001:db8:ffff::10";
  s.protocol = 17;
  s.src_port = static_cast<uint16_t>(1024 + i);
  s.dst_port = 53;
  s.payload_len = 64;
  return s;
}

void decodeBatch(benchmark::State& state, const CaptureBuffer& batch) {
  rampart::core::FlowRecord record;
  rampart::decode::DecodeStats stats;
  for (auto _ : state) {
    for (const CaptureBuffer::Packet& p : batch.packets) {
      stats.add(rampart::decode::decodePacket(batch.link, batch.frame(p), p.ts_ns, record));
      benchmark::DoNotOptimize(record);
    }
  }
  const auto packets = static_cast<double>(state.iterations()) * static_cast<double>(batch.packets.size());
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  // Seconds per packet, printed with an SI prefix: "6.8n" is 6.8 ns.
  state.counters["time_per_packet"] =
      benchmark::Counter(packets, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ok_ratio"] = static_cast<double>(stats.decoded()) / std::max(1.0, packets);
}

void BM_EthernetIpv4TcpSyn(benchmark::State& state) {
  static const CaptureBuffer batch = uniformBatch([](int i) { return rampart::testing::buildEthernetFrame(v4Syn(i)); });
  decodeBatch(state, batch);
}
BENCHMARK(BM_EthernetIpv4TcpSyn);

void BM_EthernetIpv6Udp(benchmark::State& state) {
  static const CaptureBuffer batch = uniformBatch([](int i) { return rampart::testing::buildEthernetFrame(v6Udp(i)); });
  decodeBatch(state, batch);
}
BENCHMARK(BM_EthernetIpv6Udp);

void BM_VlanIpv4TcpSyn(benchmark::State& state) {
  static const CaptureBuffer batch = uniformBatch([](int i) {
    PacketSpec s = v4Syn(i);
    s.vlan_ids = {100};
    return rampart::testing::buildEthernetFrame(s);
  });
  decodeBatch(state, batch);
}
BENCHMARK(BM_VlanIpv4TcpSyn);

void BM_QinQIpv6Udp(benchmark::State& state) {
  static const CaptureBuffer batch = uniformBatch([](int i) {
    PacketSpec s = v6Udp(i);
    s.vlan_ids = {100, 200};
    return rampart::testing::buildEthernetFrame(s);
  });
  decodeBatch(state, batch);
}
BENCHMARK(BM_QinQIpv6Udp);

// A shuffled mix (fixed seed): half IPv4 TCP, then IPv6 UDP, VLAN, ICMP, fragments, GRE, VXLAN
// and ARP, so that branch prediction cannot learn one path.
void BM_Mixed(benchmark::State& state) {
  static const CaptureBuffer batch = [] {
    std::vector<std::vector<uint8_t>> frames;
    for (int i = 0; i < kBatch; ++i) {
      PacketSpec s = v4Syn(i);
      switch (i % 16) {
        case 8:
        case 9: frames.push_back(rampart::testing::buildEthernetFrame(v6Udp(i))); continue;
        case 10: s.vlan_ids = {7}; break;
        case 11: s.protocol = 1; break;
        case 12:
          s.fragment_offset = 185;
          s.payload_len = 1000;
          break;
        case 13: frames.push_back(rampart::testing::buildGreFrame(v4Syn(i + 1), s)); continue;
        case 14: frames.push_back(rampart::testing::buildVxlanFrame(v4Syn(i + 1), s)); continue;
        case 15:
          frames.push_back(rampart::testing::buildEthernetFrameWith(s, 0x0806, std::vector<uint8_t>(28, 0)));
          continue;
        default: s.tcp_flags = static_cast<uint8_t>(i % 3 == 0 ? 0x10 : 0x02); break;
      }
      frames.push_back(rampart::testing::buildEthernetFrame(s));
    }
    std::mt19937 rng(12345);
    std::shuffle(frames.begin(), frames.end(), rng);
    return batchOf(frames);
  }();
  decodeBatch(state, batch);
}
BENCHMARK(BM_Mixed);

// The real browsing capture of ../shared/data, when present.
void BM_RealCapture(benchmark::State& state) {
  static const std::string path = std::string(RAMPART_SOURCE_DIR) + "/../shared/data/baseline-normal/ndpi_1kxun.pcap";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError(("no " + path).c_str());
    return;
  }
  static const auto capture = rampart::sensor::loadCapture(path);
  if (!capture.ok()) {
    state.SkipWithError(capture.error().c_str());
    return;
  }
  decodeBatch(state, capture.value());
}
BENCHMARK(BM_RealCapture);

}  // namespace

BENCHMARK_MAIN();
