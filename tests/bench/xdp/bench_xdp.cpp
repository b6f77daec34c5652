// SPDX-License-Identifier: Apache-2.0
// The XDP program's cost per packet, as the kernel measures it with BPF_PROG_TEST_RUN (its mean
// over 100,000 runs of one frame), with 10, 10 k and 100 k entries in each map at once: fingerprint
// rules for as many destination hosts, blocked source hosts, and as many blocked source /24s and
// destination-prefix rules in the LPM tries. For each size: a frame a fingerprint rule drops, one a
// source block drops, one a prefix block drops, passing frames near rules, the worst case a sender
// can choose, and the worse one it can only meet by chance (host-filter collisions). Needs root;
// prints why and exits otherwise.
#include <benchmark/benchmark.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "mitigate/xdp/xdp_program.h"
#include "mitigate/xdp/xdp_rule.h"
#include "support/packet_builder.h"

namespace {

using rampart::mitigate::FilterRule;
using rampart::mitigate::xdp::XdpProgram;
using rampart::testing::buildEthernetFrame;

std::string v4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}
rampart::core::Prefix net(const std::string& text) { return *rampart::core::Prefix::parse(text); }

// The collision case's addresses: a source just past the last of n blocked hosts (in its /24), and
// a destination beside a host with rules.
uint32_t collidingSource(int n) { return 0x64000000u + static_cast<uint32_t>(n) + 1; }
constexpr uint32_t kCollidingDestination = 0xC000004Eu;  // 192.0.0.78

// One loaded program per map size, filled once: n fingerprint rules (10.x hosts), n blocked source
// hosts (100.x), n blocked source /24s (128.x) and n destination /24 rule sets (192.x), so every
// IPv4 lookup tries two prefix lengths, /32 then /24, where the prefilter lets it.
XdpProgram& programWith(int n) {
  static std::map<int, std::unique_ptr<XdpProgram>> programs;
  auto& p = programs[n];
  if (p) return *p;
  p = std::make_unique<XdpProgram>(XdpProgram::load().value());
  for (int i = 0; i < n; ++i) {
    FilterRule r;
    r.destination = net(v4(0x0A000000u + static_cast<uint32_t>(i)) + "/32");  // 10.x.y.z hosts
    r.protocol = 17;
    r.src_port = 123;
    r.length = rampart::detect::Range<uint16_t>{400, 480};
    rampart_rule_set set{};
    set.count = 1;
    set.rules[0] = rampart::mitigate::xdp::toXdpRule(r, static_cast<uint32_t>(i), 0);
    (void)p->putRules(r.destination, set);
    (void)p->putBlock(net(v4(0x64000000u + static_cast<uint32_t>(i)) + "/32"), {0, 1, 0});         // 100.x sources
    (void)p->putBlock(net(v4(0x80000000u + (static_cast<uint32_t>(i) << 8)) + "/24"), {0, 2, 0});  // 128.x /24s
    rampart::mitigate::FilterRule pr;
    pr.destination = net(v4(0xC0000000u + (static_cast<uint32_t>(i) << 8)) + "/24");  // 192.x /24s
    pr.protocol = 6;
    pr.dst_port = 9;
    set.rules[0] = rampart::mitigate::xdp::toXdpRule(pr, 3, 0);
    (void)p->putRules(pr.destination, set);
  }
  // One host rule inside the first destination /24 with rules of its own: the worst cases below.
  FilterRule host;
  host.destination = net("192.0.0.77/32");
  host.protocol = 6;
  rampart_rule_set one{};
  one.count = 1;
  one.rules[0] = rampart::mitigate::xdp::toXdpRule(host, 4, 0);
  (void)p->putRules(host.destination, one);
  // For the collision case: a blocked host elsewhere whose host-filter bit is that of the source
  // collidingSource(n), and a host with rules whose bit is that of kCollidingDestination.
  const auto collider = [&p](uint32_t address, uint32_t from) {
    const uint32_t bit = p->hostFilterBit(address);
    for (uint32_t a = from;; ++a) {
      if (p->hostFilterBit(a) == bit) return a;
    }
  };
  (void)p->putBlock(net(v4(collider(collidingSource(n), 0x65000000u)) + "/32"), {0, 1, 0});  // in 101.x and up
  host.destination = net(v4(collider(kCollidingDestination, 0x0B000000u)) + "/32");          // in 11.x and up
  one.rules[0] = rampart::mitigate::xdp::toXdpRule(host, 4, 0);
  (void)p->putRules(host.destination, one);
  return *p;
}

void run(benchmark::State& state, const rampart::testing::PacketSpec& spec, uint32_t expected) {
  if (geteuid() != 0) {
    state.SkipWithError("needs root to load the XDP program");
    return;
  }
  XdpProgram& p = programWith(static_cast<int>(state.range(0)));
  const auto frame = buildEthernetFrame(spec);
  uint64_t ns_total = 0;
  uint64_t runs = 0;
  for (auto _ : state) {
    auto r = p.testRun(frame, 100'000);
    if (!r || r->action != expected) {
      state.SkipWithError(r ? "unexpected verdict" : r.error().c_str());
      return;
    }
    ns_total += r->duration_ns;
    ++runs;
  }
  state.counters["ns_per_packet"] = static_cast<double>(ns_total) / static_cast<double>(runs);
  state.counters["entries_per_map"] = static_cast<double>(state.range(0));
}

void BM_XdpRuleDrop(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  run(state,
      {.src = "203.0.113.1",
       .dst = v4(0x0A000000u + static_cast<uint32_t>(n - 1)),
       .protocol = 17,
       .src_port = 123,
       .payload_len = 440},
      XDP_DROP);
}
void BM_XdpSourceHostDrop(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  run(state, {.src = v4(0x64000000u + static_cast<uint32_t>(n - 1)), .dst = "198.51.100.10"}, XDP_DROP);
}
void BM_XdpSourcePrefixDrop(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  run(state, {.src = v4(0x80000000u + (static_cast<uint32_t>(n - 1) << 8) + 7), .dst = "198.51.100.10"}, XDP_DROP);
}
void BM_XdpPrefixRuleDrop(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  run(state, {.src = "203.0.113.1", .dst = v4(0xC0000000u + (static_cast<uint32_t>(n - 1) << 8) + 9), .dst_port = 9},
      XDP_DROP);
}
// A packet to a host beside hosts with rules, from a source no block is near: the prefilter
// skips the block lookups, the rule lookups miss.
void BM_XdpPassNearRules(benchmark::State& state) {
  run(state, {.src = "203.0.113.1", .dst = "10.0.0.200", .protocol = 17, .src_port = 53}, XDP_PASS);
}
// The worst case for a packet that passes: to a host with rules that do not match it, in a /24
// with rules of its own that do not match either (two lookups, both hits), from a source beside
// blocked hosts (its /24 marked, but the host filter says no entry is its own, so no lookup). A
// source whose /24 a shorter block covers would be dropped, so no passing packet costs more, but
// for the collision below.
void BM_XdpPassAfterEveryLookup(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));  // just past the last blocked host, in its /24
  run(state, {.src = v4(0x64000000u + n), .dst = "192.0.0.77", .protocol = 17, .src_port = 53}, XDP_PASS);
}
// As above, from and to addresses whose host-filter bits collide with listed hosts', so their own
// /32 lookups are made (and miss) too: three lookups in all. A sender cannot aim at this (the
// filter's seed is chosen at load); it meets it by chance, one address in 2^24 / (hosts listed).
void BM_XdpPassHostFilterCollision(benchmark::State& state) {
  run(state,
      {.src = v4(collidingSource(static_cast<int>(state.range(0)))),
       .dst = v4(kCollidingDestination),
       .protocol = 17,
       .src_port = 53},
      XDP_PASS);
}
// The floor: no entry anywhere, so parsing and the program's own bookkeeping alone (and the test
// run's ~6 ns per run, which every figure here includes).
void BM_XdpNothingInstalled(benchmark::State& state) {
  run(state, {.src = "203.0.113.1", .dst = "10.0.0.1", .protocol = 17, .src_port = 53}, XDP_PASS);
}

#define SIZES Arg(10)->Arg(10'000)->Arg(100'000)->Iterations(20)
BENCHMARK(BM_XdpNothingInstalled)->Arg(0)->Iterations(20);
BENCHMARK(BM_XdpRuleDrop)->SIZES;
BENCHMARK(BM_XdpSourceHostDrop)->SIZES;
BENCHMARK(BM_XdpSourcePrefixDrop)->SIZES;
BENCHMARK(BM_XdpPrefixRuleDrop)->SIZES;
BENCHMARK(BM_XdpPassNearRules)->SIZES;
BENCHMARK(BM_XdpPassAfterEveryLookup)->SIZES;
BENCHMARK(BM_XdpPassHostFilterCollision)->SIZES;

}  // namespace

BENCHMARK_MAIN();
