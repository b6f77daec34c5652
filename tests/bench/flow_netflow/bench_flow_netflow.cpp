// SPDX-License-Identifier: Apache-2.0
// Records per second per core for NetFlow v5, v9 and IPFIX datagrams of 24-30 records each, with
// their templates learned beforehand (the steady state of a collector).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "flow/netflow/netflow_decoder.h"

namespace {

using rampart::flow::netflow::FlowError;
using rampart::flow::netflow::NetflowDecoder;

struct Bytes {
  std::vector<uint8_t> b;
  Bytes& u8(uint32_t v) {
    b.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  Bytes& u16(uint32_t v) { return u8(v >> 8).u8(v); }
  Bytes& u32(uint32_t v) { return u16(v >> 16).u16(v); }
  Bytes& u64(uint64_t v) { return u32(static_cast<uint32_t>(v >> 32)).u32(static_cast<uint32_t>(v)); }
};

const rampart::core::IpAddress kExporter = rampart::core::IpAddress::fromV4(0xC0000201);

std::vector<uint8_t> v5(int records) {
  Bytes d;
  d.u16(5).u16(records).u32(100'000).u32(1'700'000'000).u32(0).u32(1).u8(0).u8(0).u16(0x4000 | 1000);
  for (int i = 0; i < records; ++i) {
    d.u32(0x0A000000 + i).u32(0xC6336401).u32(0).u16(1).u16(2).u32(10 + i).u32(15000).u32(90'000).u32(95'000);
    d.u16(1024 + i).u16(443).u8(0).u8(0x18).u8(6).u8(0).u16(0).u16(0).u8(24).u8(24).u16(0);
  }
  return std::move(d.b);
}

// A typical router template: addresses, ports, protocol, flags, counters, times, interfaces, ToS,
// next hop, AS numbers, masks. v9 has uptime-relative times (22/21), IPFIX absolute ms (152/153).
using Fields = std::vector<std::pair<int, int>>;
const Fields kV9Fields = {{8, 4},  {12, 4}, {7, 2},  {11, 2}, {4, 1},  {6, 1},  {2, 8},  {1, 8}, {22, 4},
                          {21, 4}, {10, 4}, {14, 4}, {5, 1},  {15, 4}, {16, 4}, {17, 4}, {9, 1}, {13, 1}};
const Fields kIpfixFields = {{8, 4},   {12, 4}, {7, 2},  {11, 2}, {4, 1},  {6, 1},  {2, 8},  {1, 8}, {152, 8},
                             {153, 8}, {10, 4}, {14, 4}, {5, 1},  {15, 4}, {16, 4}, {17, 4}, {9, 1}, {13, 1}};

int recordLength(const Fields& fields) {
  int n = 0;
  for (const auto& f : fields) n += f.second;
  return n;
}

void fields(Bytes& d, const Fields& fields) {
  for (const auto& [id, len] : fields) d.u16(id).u16(len);
}

void record(Bytes& d, int i, bool ipfix) {
  d.u32(0x0A000000 + i).u32(0xC6336401).u16(1024 + i).u16(443).u8(6).u8(0x18).u64(10 + i).u64(15000);
  if (ipfix) {
    d.u64(1'700'000'000'000ULL).u64(1'700'000'001'000ULL);
  } else {
    d.u32(90'000).u32(95'000);
  }
  d.u32(1).u32(2).u8(0).u32(0x0A0000FE).u32(65000).u32(65001).u8(24).u8(24);
}

std::vector<uint8_t> v9Template() {
  Bytes d;
  d.u16(9).u16(1).u32(100'000).u32(1'700'000'000).u32(1).u32(0);
  d.u16(0).u16(8 + kV9Fields.size() * 4).u16(256).u16(kV9Fields.size());
  fields(d, kV9Fields);
  return std::move(d.b);
}

std::vector<uint8_t> v9Data(int records) {
  Bytes d;
  d.u16(9).u16(records).u32(100'000).u32(1'700'000'000).u32(2).u32(0);
  d.u16(256).u16(4 + records * recordLength(kV9Fields));
  for (int i = 0; i < records; ++i) record(d, i, false);
  return std::move(d.b);
}

std::vector<uint8_t> ipfix(const Bytes& sets) {
  Bytes d;
  d.u16(10).u16(16 + sets.b.size()).u32(1'700'000'000).u32(1).u32(0);
  d.b.insert(d.b.end(), sets.b.begin(), sets.b.end());
  return std::move(d.b);
}

std::vector<uint8_t> ipfixTemplate() {
  Bytes s;
  s.u16(2).u16(8 + kIpfixFields.size() * 4).u16(256).u16(kIpfixFields.size());
  fields(s, kIpfixFields);
  return ipfix(s);
}

std::vector<uint8_t> ipfixData(int records) {
  Bytes s;
  s.u16(256).u16(4 + records * recordLength(kIpfixFields));
  for (int i = 0; i < records; ++i) record(s, i, true);
  return ipfix(s);
}

void run(benchmark::State& state, NetflowDecoder& dec, const std::vector<uint8_t>& datagram) {
  std::vector<rampart::core::FlowRecord> out;
  out.reserve(64);
  std::size_t records = 0;
  for (auto _ : state) {
    out.clear();
    if (dec.decode(kExporter, datagram, 1, out) != FlowError::kOk) state.SkipWithError("decode failed");
    records += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.counters["records/datagram"] = static_cast<double>(out.size());
}

void BM_NetflowV5(benchmark::State& state) {
  NetflowDecoder dec;
  run(state, dec, v5(30));
}
BENCHMARK(BM_NetflowV5);

void BM_NetflowV9(benchmark::State& state) {
  NetflowDecoder dec;
  std::vector<rampart::core::FlowRecord> out;
  if (dec.decode(kExporter, v9Template(), 0, out) != FlowError::kOk) state.SkipWithError("template failed");
  run(state, dec, v9Data(24));
}
BENCHMARK(BM_NetflowV9);

void BM_Ipfix(benchmark::State& state) {
  NetflowDecoder dec;
  std::vector<rampart::core::FlowRecord> out;
  if (dec.decode(kExporter, ipfixTemplate(), 0, out) != FlowError::kOk) state.SkipWithError("template failed");
  run(state, dec, ipfixData(20));
}
BENCHMARK(BM_Ipfix);

}  // namespace

BENCHMARK_MAIN();
