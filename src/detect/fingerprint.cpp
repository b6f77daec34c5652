// SPDX-License-Identifier: Apache-2.0
#include "detect/fingerprint.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/flow_record.h"

namespace rampart::detect {
namespace {

using traffic::SampledPacket;

// Widest length and TTL ranges still worth stating; wider says little about the attack.
constexpr uint16_t kMaxLengthSpan = 128;
constexpr uint8_t kMaxTtlSpan = 16;

enum class Field { kProtocol, kDstPort, kSrcPort, kTcpFlags, kFragment, kLength, kTtl };
constexpr std::array kFields = {Field::kProtocol, Field::kDstPort, Field::kSrcPort, Field::kTcpFlags,
                                Field::kFragment, Field::kLength,  Field::kTtl};

struct Candidate {
  Field field{};
  uint32_t value = 0;  // exact value
  uint32_t high = 0;   // == value unless a range
  uint64_t kept = 0;
};

uint32_t fieldValue(const SampledPacket& p, Field f) {
  switch (f) {
    case Field::kProtocol: return p.protocol;
    case Field::kDstPort: return p.dst_port;
    case Field::kSrcPort: return p.src_port;
    case Field::kTcpFlags: return p.tcp_flags;
    case Field::kFragment: return (p.fragment & core::FlowRecord::kFragmented) ? 1 : 0;
    case Field::kLength: return p.ip_length;
    case Field::kTtl: return p.ttl;
  }
  return 0;
}

bool fieldApplies(Field f, const std::vector<const SampledPacket*>& set) {
  // Ports and flags say nothing when the packets have no such header.
  const auto all = [&](auto pred) { return std::all_of(set.begin(), set.end(), pred); };
  switch (f) {
    case Field::kSrcPort:  // ICMP has no source port; its type and code stand in the destination port
      return all([](const SampledPacket* p) {
        return !(p->fragment & core::FlowRecord::kNonFirstFragment) &&
               (p->protocol == core::ip_proto::kTcp || p->protocol == core::ip_proto::kUdp);
      });
    case Field::kDstPort:
      return all([](const SampledPacket* p) {
        return !(p->fragment & core::FlowRecord::kNonFirstFragment) &&
               (p->protocol == core::ip_proto::kTcp || p->protocol == core::ip_proto::kUdp ||
                p->protocol == core::ip_proto::kIcmp || p->protocol == core::ip_proto::kIcmpV6);
      });
    case Field::kTcpFlags:
      return all([](const SampledPacket* p) {
        return p->protocol == core::ip_proto::kTcp && !(p->fragment & core::FlowRecord::kNonFirstFragment);
      });
    case Field::kTtl:  // 0: the sensor did not see it (flow records without IE 192); no packet arrives with TTL 0
      return all([](const SampledPacket* p) { return p->ttl != 0; });
    default: return true;
  }
}

// The best exact value of a field, and for length/TTL also the narrowest range keeping `needed`.
std::vector<Candidate> candidatesFor(Field f, const std::vector<const SampledPacket*>& set, uint64_t needed) {
  std::vector<Candidate> out;
  std::unordered_map<uint32_t, uint64_t> weights;
  for (const SampledPacket* p : set) weights[fieldValue(*p, f)] += p->weight;
  Candidate best{f};
  for (const auto& [v, w] : weights) {
    if (w > best.kept || (w == best.kept && v < best.value)) best = {f, v, v, w};
  }
  if (f == Field::kFragment && best.value == 0) return out;  // "not a fragment" is no signature
  if (best.kept >= needed) out.push_back(best);
  if ((f == Field::kLength || f == Field::kTtl) && weights.size() > 1) {
    std::vector<std::pair<uint32_t, uint64_t>> sorted(weights.begin(), weights.end());
    std::sort(sorted.begin(), sorted.end());
    const uint32_t max_span = f == Field::kLength ? kMaxLengthSpan : kMaxTtlSpan;
    Candidate range{f};
    uint64_t w = 0;
    std::size_t lo = 0;
    for (std::size_t hi = 0; hi < sorted.size(); ++hi) {  // sliding window over sorted values
      w += sorted[hi].second;
      while (sorted[hi].first - sorted[lo].first > max_span) w -= sorted[lo++].second;
      if (w >= needed && (range.kept == 0 || sorted[hi].first - sorted[lo].first < range.high - range.value)) {
        range = {f, sorted[lo].first, sorted[hi].first, w};
      }
    }
    if (range.kept >= needed && range.high != range.value && (out.empty() || range.kept > out[0].kept)) {
      out.push_back(range);
    }
  }
  return out;
}

void apply(Fingerprint& fp, const Candidate& c) {
  switch (c.field) {
    case Field::kProtocol: fp.protocol = static_cast<uint8_t>(c.value); break;
    case Field::kDstPort: fp.dst_port = static_cast<uint16_t>(c.value); break;
    case Field::kSrcPort: fp.src_port = static_cast<uint16_t>(c.value); break;
    case Field::kTcpFlags: fp.tcp_flags = static_cast<uint8_t>(c.value); break;
    case Field::kFragment: fp.fragments_only = true; break;
    case Field::kLength:
      fp.ip_length = Range<uint16_t>{static_cast<uint16_t>(c.value), static_cast<uint16_t>(c.high)};
      break;
    case Field::kTtl: fp.ttl = Range<uint8_t>{static_cast<uint8_t>(c.value), static_cast<uint8_t>(c.high)}; break;
  }
}

std::string flagNames(uint8_t f) {
  static constexpr std::array<const char*, 8> kNames = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
  std::string out;
  for (unsigned i = 0; i < 8; ++i) {
    if (f & (1u << i)) out += (out.empty() ? "" : "|") + std::string(kNames[i]);
  }
  return out.empty() ? "none" : out;
}

template <typename T>
std::string rangeText(const Range<T>& r) {
  return r.low == r.high ? fmt::format("{}", r.low) : fmt::format("{}-{}", r.low, r.high);
}

bool isIcmp(const std::optional<uint8_t>& p) {
  return p && (*p == core::ip_proto::kIcmp || *p == core::ip_proto::kIcmpV6);
}

}  // namespace

bool Fingerprint::matches(const SampledPacket& p) const noexcept {
  if (protocol && p.protocol != *protocol) return false;
  if (src_port && p.src_port != *src_port) return false;
  if (dst_port && p.dst_port != *dst_port) return false;
  if (tcp_flags && p.tcp_flags != *tcp_flags) return false;
  if (fragments_only && !(p.fragment & core::FlowRecord::kFragmented)) return false;
  if (ip_length && !ip_length->contains(p.ip_length)) return false;
  if (ttl && !ttl->contains(p.ttl)) return false;
  return true;
}

unsigned Fingerprint::fieldCount() const noexcept {
  return unsigned{protocol.has_value()} + src_port.has_value() + dst_port.has_value() + ip_length.has_value() +
         tcp_flags.has_value() + ttl.has_value() + (fragments_only ? 1 : 0);
}

std::string Fingerprint::toString() const {
  std::vector<std::string> parts;
  if (protocol) parts.push_back(core::protocolName(*protocol));
  if (fragments_only) parts.emplace_back("fragments");
  if (isIcmp(protocol) && dst_port) {
    parts.push_back(fmt::format("type {} code {}", *dst_port >> 8, *dst_port & 0xff));
  } else {
    if (src_port) parts.push_back(fmt::format("src-port {}", *src_port));
    if (dst_port) parts.push_back(fmt::format("dst-port {}", *dst_port));
  }
  if (tcp_flags) parts.push_back(fmt::format("flags {}", flagNames(*tcp_flags)));
  if (ip_length) parts.push_back(fmt::format("length {}", rangeText(*ip_length)));
  if (ttl) parts.push_back(fmt::format("ttl {}", rangeText(*ttl)));
  return parts.empty() ? "any" : fmt::format("{}", fmt::join(parts, " "));
}

std::string Fingerprint::toBpf(const std::string& dst, bool is_net) const {
  const bool v6 = dst.find(':') != std::string::npos;
  std::vector<std::string> parts{fmt::format("dst {} {}", is_net ? "net" : "host", dst)};
  if (protocol) {
    parts.push_back(*protocol == core::ip_proto::kTcp      ? "tcp"
                    : *protocol == core::ip_proto::kUdp    ? "udp"
                    : *protocol == core::ip_proto::kIcmp   ? "icmp"
                    : *protocol == core::ip_proto::kIcmpV6 ? "icmp6"
                                                           : fmt::format("{} proto {}", v6 ? "ip6" : "ip", *protocol));
  }
  if (fragments_only) parts.emplace_back(v6 ? "ip6[6] == 44" : "(ip[6:2] & 0x3fff) != 0");
  // libpcap's tcp[] works on IPv4 only (flags below); icmp6[] counts from the fixed IPv6 header.
  if (isIcmp(protocol) && dst_port) {
    const char* base = *protocol == core::ip_proto::kIcmp ? "icmp" : "icmp6";
    parts.push_back(fmt::format("{}[0] == {} and {}[1] == {}", base, *dst_port >> 8, base, *dst_port & 0xff));
  } else {
    if (src_port) parts.push_back(fmt::format("src port {}", *src_port));
    if (dst_port) parts.push_back(fmt::format("dst port {}", *dst_port));
  }
  if (tcp_flags) {  // IPv6: byte 13 of a TCP header right after the fixed 40-byte header
    parts.push_back(v6 ? fmt::format("ip6[53] == {:#04x}", *tcp_flags)
                       : fmt::format("tcp[tcpflags] == {:#04x}", *tcp_flags));
  }
  if (ip_length) {
    const char* len = v6 ? "(ip6[4:2] + 40)" : "ip[2:2]";
    parts.push_back(ip_length->low == ip_length->high
                        ? fmt::format("{} == {}", len, ip_length->low)
                        : fmt::format("{} >= {} and {} <= {}", len, ip_length->low, len, ip_length->high));
  }
  if (ttl) {
    const char* t = v6 ? "ip6[7]" : "ip[8]";
    parts.push_back(ttl->low == ttl->high ? fmt::format("{} == {}", t, ttl->low)
                                          : fmt::format("{} >= {} and {} <= {}", t, ttl->low, t, ttl->high));
  }
  return fmt::format("{}", fmt::join(parts, " and "));
}

Fingerprint buildFingerprint(std::span<const SampledPacket> sample, const ClassFilter& classes, double min_share) {
  std::vector<const SampledPacket*> set;
  uint64_t total = 0;
  for (const SampledPacket& p : sample) {
    if (!classes.test(static_cast<std::size_t>(p.cls))) continue;
    set.push_back(&p);
    total += p.weight;
  }
  Fingerprint fp;
  fp.sample_size = static_cast<uint32_t>(set.size());
  if (total == 0) return fp;
  const auto needed = static_cast<uint64_t>(std::llround(static_cast<double>(total) * std::clamp(min_share, 0.0, 1.0)));
  uint64_t kept = total;
  std::array<bool, kFields.size()> used{};
  while (true) {
    std::optional<Candidate> best;
    std::size_t best_index = 0;
    for (std::size_t i = 0; i < kFields.size(); ++i) {
      if (used[i] || !fieldApplies(kFields[i], set)) continue;
      for (const Candidate& c : candidatesFor(kFields[i], set, needed)) {
        // Most packets kept first; an exact value beats a range; field order breaks the rest.
        const bool exact = c.value == c.high;
        const bool best_exact = best && best->value == best->high;
        if (!best || c.kept > best->kept || (c.kept == best->kept && exact && !best_exact)) {
          best = c;
          best_index = i;
        }
      }
    }
    if (!best) break;
    used[best_index] = true;
    apply(fp, *best);
    const Candidate c = *best;
    std::erase_if(set, [&](const SampledPacket* p) {
      const uint32_t v = fieldValue(*p, c.field);
      return v < c.value || v > c.high;
    });
    kept = best->kept;
  }
  fp.coverage = static_cast<double>(kept) / static_cast<double>(total);
  return fp;
}

}  // namespace rampart::detect
