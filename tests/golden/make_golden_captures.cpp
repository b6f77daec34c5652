// SPDX-License-Identifier: Apache-2.0
// Writes the inputs of the golden tests of `rampart analyze`: one capture per attack vector (and a
// few shapes around them), each a 2 s flood over 4 s of ordinary traffic, the floods of
// tests/unit/app/vectors_test.cpp. Fixed seeds: the same build always writes the same bytes, so the
// reports committed in tests/golden/result/ hold. The captures are build output, never committed.
//
// Usage: make_golden_captures OUTDIR CASE...
// The cases named must be exactly the cases below (tests/golden/CMakeLists.txt lists them once more,
// for ctest): a case added on one side only is an error here, not a golden test that never runs.
#include <cstdio>
#include <exception>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scenario/attack_scenario.h"
#include "scenario/vector_floods.h"

namespace {

using rampart::testing::AttackScenario;
using rampart::testing::Flood;
using rampart::testing::PacketSpec;
using Sources = Flood::Sources;

constexpr uint64_t kSeed = 42;

using rampart::testing::vectors::flood;
using rampart::testing::vectors::tcp;
using rampart::testing::vectors::udp;

// Reflectors answering from their service port to random ports of the victim, 300 of them.
Flood amplification(uint16_t service_port, uint16_t payload) {
  return flood(udp(service_port, 0, payload), 12'000, Sources::kPool, false, true);
}

struct GoldenCase {
  std::string name;
  std::function<void(AttackScenario&)> script;  // what comes on top of 4 s of background
};

std::vector<GoldenCase> goldenCases() {
  auto one = [](const Flood& f) { return [f](AttackScenario& s) { s.add(f); }; };
  PacketSpec icmp{.dst = "192.0.2.10", .protocol = 1, .ttl = 64, .payload_len = 56, .icmp_type = 8};
  PacketSpec fragment{.dst = "192.0.2.10",
                      .protocol = 17,
                      .ttl = 64,
                      .payload_len = 1000,
                      .more_fragments = true,
                      .fragment_offset = 185};
  PacketSpec ipv6_syn{
      .src = "2001:db8:bad::1", .dst = "2001:db8::10", .protocol = 6, .dst_port = 443, .tcp_flags = 0x02, .ttl = 60};
  PacketSpec vlan_syn = tcp(0x02, 80);
  vlan_syn.vlan_ids = {100, 200};  // QinQ
  // Carpet bombing: no host of 203.0.113.0/24 crosses its own limit, the prefix crosses 100 kpps.
  Flood carpet = flood(udp(0, 0, 60), 110'000, Sources::kSpoofed, true, true);
  carpet.base.dst = "203.0.113.0";
  carpet.spread_dst_hosts = 200;
  Flood second_host = amplification(123, 440);
  second_host.base.dst = "192.0.2.20";
  second_host.start_s = 1.5;

  return {
      {"syn_flood_spoofed", one(flood(tcp(0x02, 80), 25'000, Sources::kSpoofed, true, false))},
      {"syn_flood_single_source", one(flood(tcp(0x02, 80), 25'000, Sources::kFixed, true, false))},
      {"syn_flood_qinq", one(flood(vlan_syn, 25'000, Sources::kSpoofed, true, false))},
      {"syn_flood_ipv6", one(flood(ipv6_syn, 25'000, Sources::kFixed, true, false))},
      {"syn_ack_reflection", one(flood(tcp(0x12, 0, 443), 25'000, Sources::kPool, false, true))},
      {"ack_flood", one(flood(tcp(0x10, 443), 70'000, Sources::kSpoofed, true, false))},
      {"rst_flood", one(flood(tcp(0x04, 80), 12'000, Sources::kSpoofed, true, false))},
      {"tcp_flag_abuse_xmas", one(flood(tcp(0x29, 22), 12'000, Sources::kSpoofed, true, false))},
      {"udp_flood", one(flood(udp(0, 27000, 100), 70'000, Sources::kSpoofed, true, false))},
      {"icmp_flood", one(flood(icmp, 12'000, Sources::kSpoofed, false, false))},
      {"fragment_flood", one(flood(fragment, 12'000, Sources::kSpoofed, false, false))},
      {"ntp_amplification", one(amplification(123, 440))},
      {"dns_amplification", one(amplification(53, 1200))},
      {"memcached_amplification", one(amplification(11211, 1400))},
      {"ssdp_amplification", one(amplification(1900, 300))},
      {"cldap_amplification", one(amplification(389, 1400))},
      {"other_reflection", one(flood(udp(27015, 0, 600), 70'000, Sources::kPool, false, true))},
      {"carpet_bombing", one(carpet)},
      {"two_targets",
       [=](AttackScenario& s) {
         s.add(flood(tcp(0x02, 80), 20'000, Sources::kSpoofed, true, false)).add(second_host);
       }},
      {"below_threshold", one(flood(tcp(0x02, 80), 8'000, Sources::kSpoofed, true, false))},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUTDIR CASE...\n", argv[0]);
    return 2;
  }
  const std::string out_dir = argv[1];
  const std::set<std::string> requested(argv + 2, argv + argc);
  const std::vector<GoldenCase> cases = goldenCases();
  std::set<std::string> known;
  for (const auto& c : cases) known.insert(c.name);
  bool agree = true;
  for (const auto& name : requested) {
    if (!known.contains(name)) {
      std::fprintf(stderr, "%s: no such golden case here\n", name.c_str());
      agree = false;
    }
  }
  for (const auto& name : known) {
    if (!requested.contains(name)) {
      std::fprintf(stderr, "%s: a golden case not listed in tests/golden/CMakeLists.txt\n", name.c_str());
      agree = false;
    }
  }
  if (!agree) return 2;
  try {
    for (const auto& c : cases) {
      AttackScenario s(kSeed);
      s.background(4);
      c.script(s);
      const std::string path = out_dir + "/" + c.name + ".pcap";
      const auto n = s.write(path);
      std::printf("wrote %llu packets to %s\n", static_cast<unsigned long long>(n), path.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
