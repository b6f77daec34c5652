// SPDX-License-Identifier: Apache-2.0
// Writes the sample capture that the README's first command analyses: ten seconds of ordinary web
// traffic with three attacks in it — a spoofed SYN flood on a web server, NTP amplification against
// a mail server, and carpet bombing spread over a whole /24 — so a newcomer sees a full report.
#include <cstdio>
#include <exception>

#include "scenario/attack_scenario.h"

int main(int argc, char** argv) {
  using rampart::testing::Flood;
  using rampart::testing::PacketSpec;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.pcap\n", argv[0]);
    return 2;
  }
  rampart::testing::AttackScenario s;
  s.background(10);
  s.add(Flood{
      .base =
          PacketSpec{
              .src = "0.0.0.0", .dst = "192.0.2.80", .protocol = 6, .dst_port = 443, .tcp_flags = 0x02, .ttl = 241},
      .start_s = 1,
      .seconds = 2,
      .pps = 30'000,
      .sources = Flood::Sources::kSpoofed,
      .random_src_port = true});
  s.add(Flood{.base = PacketSpec{.src = "0.0.0.0",
                                 .dst = "192.0.2.25",
                                 .protocol = 17,
                                 .src_port = 123,
                                 .dst_port = 80,
                                 .ttl = 52,
                                 .payload_len = 440},
              .start_s = 4.5,
              .seconds = 2,
              .pps = 15'000,
              .sources = Flood::Sources::kPool,
              .pool_size = 400,
              .pool_base = "8.8.0.0",
              .random_dst_port = true});
  s.add(Flood{.base = PacketSpec{.src = "0.0.0.0",
                                 .dst = "198.18.7.0",
                                 .protocol = 17,
                                 .src_port = 53,
                                 .dst_port = 0,
                                 .ttl = 50,
                                 .payload_len = 1200},
              .start_s = 7,
              .seconds = 2,
              .pps = 110'000,
              .sources = Flood::Sources::kPool,
              .pool_size = 2000,
              .pool_base = "1.0.0.0",
              .random_dst_port = true,
              .spread_dst_hosts = 250});
  try {
    const auto n = s.write(argv[1]);
    std::printf("wrote %llu packets to %s\n", static_cast<unsigned long long>(n), argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
