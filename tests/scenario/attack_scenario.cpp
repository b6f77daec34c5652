// SPDX-License-Identifier: Apache-2.0
#include "scenario/attack_scenario.h"

#include <arpa/inet.h>

#include <algorithm>
#include <random>

#include "support/pcap_writer.h"

namespace rampart::testing {
namespace {

std::string v4Text(uint32_t host_order) {
  in_addr a{htonl(host_order)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

uint32_t v4Value(const std::string& text) {
  in_addr a{};
  inet_pton(AF_INET, text.c_str(), &a);
  return ntohl(a.s_addr);
}

// A random unicast IPv4 address outside 0/8, 10/8, 127/8, 224/3: what spoofing tools draw.
uint32_t randomPublicV4(std::mt19937_64& rng) {
  while (true) {
    const auto a = static_cast<uint32_t>(rng());
    const uint32_t first = a >> 24;
    if (first != 0 && first != 10 && first != 127 && first < 224) return a;
  }
}

}  // namespace

AttackScenario& AttackScenario::background(double seconds, uint64_t pps) {
  // Clients fetching pages: data from two servers, ACKs back; light enough never to count.
  Flood down;
  down.base = PacketSpec{.src = "192.0.2.80",
                         .dst = "198.51.100.20",
                         .protocol = 6,
                         .src_port = 443,
                         .dst_port = 51000,
                         .tcp_flags = 0x18,
                         .ttl = 57,
                         .payload_len = 1200};
  down.seconds = seconds;
  down.pps = pps;
  down.random_dst_port = true;
  Flood up = down;
  up.base = PacketSpec{.src = "198.51.100.20",
                       .dst = "192.0.2.80",
                       .protocol = 6,
                       .src_port = 51000,
                       .dst_port = 443,
                       .tcp_flags = 0x10,
                       .ttl = 64};
  up.pps = pps / 2;
  up.random_dst_port = false;
  up.random_src_port = true;
  Flood dns;
  dns.base = PacketSpec{.src = "198.51.100.53",
                        .dst = "192.0.2.80",
                        .protocol = 17,
                        .src_port = 53,
                        .dst_port = 40000,
                        .ttl = 60,
                        .payload_len = 90};
  dns.seconds = seconds;
  dns.pps = std::max<uint64_t>(pps / 20, 1);
  dns.random_dst_port = true;
  floods_.push_back(down);
  floods_.push_back(up);
  floods_.push_back(dns);
  return *this;
}

uint64_t AttackScenario::write(const std::string& path, uint64_t start_ns) const {
  std::mt19937_64 rng(seed_);
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> packets;
  for (const Flood& f : floods_) {
    const auto count = static_cast<uint64_t>(f.seconds * static_cast<double>(f.pps));
    const uint64_t first = start_ns + static_cast<uint64_t>(f.start_s * 1e9);
    const uint32_t pool_base = f.sources == Flood::Sources::kPool ? v4Value(f.pool_base) : 0;
    const uint32_t dst_net = f.spread_dst_hosts ? (v4Value(f.base.dst) & 0xffffff00u) : 0;
    PacketSpec spec = f.base;
    for (uint64_t i = 0; i < count; ++i) {
      switch (f.sources) {
        case Flood::Sources::kFixed: break;
        case Flood::Sources::kSpoofed: spec.src = v4Text(randomPublicV4(rng)); break;
        case Flood::Sources::kPool: spec.src = v4Text(pool_base + static_cast<uint32_t>(rng() % f.pool_size)); break;
      }
      if (f.random_src_port) spec.src_port = static_cast<uint16_t>(1024 + rng() % 64000);
      if (f.random_dst_port) spec.dst_port = static_cast<uint16_t>(1024 + rng() % 64000);
      if (f.spread_dst_hosts) spec.dst = v4Text(dst_net + 1 + static_cast<uint32_t>(rng() % f.spread_dst_hosts));
      const uint64_t ts = first + i * 1'000'000'000ULL / f.pps;
      packets.emplace_back(ts, buildEthernetFrame(spec));
    }
  }
  std::stable_sort(packets.begin(), packets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Headers are all Rampart reads: a short snap length keeps large floods small on disk.
  constexpr std::size_t kSnapLength = 128;
  PcapWriter writer(path, 1, kSnapLength);
  for (const auto& [ts, frame] : packets) {
    writer.write(ts, std::span<const uint8_t>(frame.data(), std::min(frame.size(), kSnapLength)),
                 static_cast<uint32_t>(frame.size()));
  }
  writer.close();
  return packets.size();
}

}  // namespace rampart::testing
