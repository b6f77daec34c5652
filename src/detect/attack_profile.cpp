// SPDX-License-Identifier: Apache-2.0
#include "detect/attack_profile.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace rampart::detect {
namespace {

// A spoofed flood draws a new source for almost every packet; a botnet or reflectors reuse theirs.
constexpr uint64_t kSpoofMinSources = 1000;
constexpr double kSpoofSourcesPerPacket = 0.1;
constexpr double kSinglePortShare = 0.8;
constexpr std::size_t kSinglePortMinSources = 8;

template <typename Key, typename Hash = std::hash<Key>>
std::vector<std::pair<Key, double>> topShares(const std::unordered_map<Key, uint64_t, Hash>& weights, uint64_t total,
                                              std::size_t n) {
  std::vector<std::pair<Key, double>> out;
  out.reserve(weights.size());
  for (const auto& [k, w] : weights) out.emplace_back(k, static_cast<double>(w) / static_cast<double>(total));
  const auto by_share = [](const auto& a, const auto& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  };
  if (out.size() > n) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), by_share);
    out.resize(n);
  } else {
    std::sort(out.begin(), out.end(), by_share);
  }
  return out;
}

}  // namespace

ClassFilter classesOf(const VectorSet& vectors) {
  ClassFilter f;
  if (vectors.test(static_cast<std::size_t>(AttackVector::kCarpetBombing)) ||
      vectors.test(static_cast<std::size_t>(AttackVector::kUnclassified))) {
    return f.set();
  }
  for (std::size_t c = 0; c < traffic::kPacketClassCount; ++c) {
    if (vectors.test(static_cast<std::size_t>(vectorOf(static_cast<traffic::PacketClass>(c))))) f.set(c);
  }
  if (vectors.test(static_cast<std::size_t>(AttackVector::kOtherReflection))) {
    f.set(static_cast<std::size_t>(traffic::PacketClass::kUdp));
  }
  return f.any() ? f : f.set();
}

uint16_t singleReflectorPort(const traffic::DeepStats& deep) {
  std::unordered_map<uint16_t, uint64_t> ports;
  std::unordered_map<core::IpAddress, uint64_t, core::IpAddressHash> sources;
  uint64_t total = 0;
  for (const auto& p : deep.sample.items()) {
    if (p.cls != traffic::PacketClass::kUdp) continue;
    ports[p.src_port] += p.weight;
    ++sources[p.src];
    total += p.weight;
  }
  if (total == 0 || sources.size() < kSinglePortMinSources) return 0;
  const auto top =
      std::max_element(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return static_cast<double>(top->second) >= kSinglePortShare * static_cast<double>(total) ? top->first : 0;
}

void profileAttack(Attack& attack, const traffic::DeepStats& deep, double fingerprint_min_share, std::size_t top_n) {
  const ClassFilter classes = classesOf(attack.vectorSet());
  std::unordered_map<core::IpAddress, uint64_t, core::IpAddressHash> sources;
  std::unordered_map<uint16_t, uint64_t> dst_ports;
  std::unordered_map<uint16_t, uint64_t> src_ports;
  uint64_t total = 0;
  for (const auto& p : deep.sample.items()) {
    if (!classes.test(static_cast<std::size_t>(p.cls))) continue;
    sources[p.src] += p.weight;
    const bool has_ports = p.protocol == core::ip_proto::kTcp || p.protocol == core::ip_proto::kUdp;
    if (has_ports && !(p.fragment & core::FlowRecord::kNonFirstFragment)) {
      dst_ports[p.dst_port] += p.weight;
      src_ports[p.src_port] += p.weight;
    }
    total += p.weight;
  }
  attack.distinct_sources = static_cast<uint64_t>(std::llround(deep.sources.estimate()));
  if (total == 0) return;
  attack.top_sources.clear();
  for (const auto& [addr, share] : topShares<core::IpAddress, core::IpAddressHash>(sources, total, top_n)) {
    attack.top_sources.push_back({addr, share});
  }
  attack.top_dst_ports.clear();
  for (const auto& [port, share] : topShares(dst_ports, total, top_n)) attack.top_dst_ports.push_back({port, share});
  attack.top_src_ports.clear();
  for (const auto& [port, share] : topShares(src_ports, total, top_n)) attack.top_src_ports.push_back({port, share});

  bool reflection = false;
  for (const auto& v : attack.vectors)
    reflection = reflection || isAmplification(v.vector) || v.vector == AttackVector::kSynAckReflection;
  // Sources per record, not per packet: a sampled flow record stands for many packets but was sent
  // by one source, so records are what a spoofing tool multiplies.
  attack.spoofing_likely =
      !reflection && attack.distinct_sources >= kSpoofMinSources &&
      static_cast<double>(attack.distinct_sources) >= kSpoofSourcesPerPacket * static_cast<double>(deep.sample.seen());
  attack.fingerprint = buildFingerprint(deep.sample.items(), classes, fingerprint_min_share);
}

}  // namespace rampart::detect
