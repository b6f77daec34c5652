// SPDX-License-Identifier: Apache-2.0
#include <ctime>

#include <fmt/format.h>

#include "metrics/json_writer.h"
#include "report/analysis_report.h"

namespace rampart::report {
namespace {

using nlohmann::json;

json range(const auto& r) { return json{{"min", r.low}, {"max", r.high}}; }

json fingerprintJson(const detect::Attack& a) {
  const detect::Fingerprint& f = a.fingerprint;
  const auto opt = [](const auto& o) { return o ? json(*o) : json(nullptr); };
  return json{{"protocol", opt(f.protocol)},
              {"src_port", opt(f.src_port)},
              {"dst_port", opt(f.dst_port)},
              {"ip_length", f.ip_length ? range(*f.ip_length) : json(nullptr)},
              {"tcp_flags", opt(f.tcp_flags)},
              {"ttl", f.ttl ? range(*f.ttl) : json(nullptr)},
              {"fragments_only", f.fragments_only},
              {"coverage", f.coverage},
              {"sample_size", f.sample_size},
              {"summary", f.toString()},
              {"bpf", f.toBpf(a.target.toString(), a.target.isPrefix())}};
}

json attributed(const core::IpAddress& address, const AttributeFn& attribute) {
  json j{{"address", address.toString()}};
  if (attribute) {
    const geo::Attribution at = attribute(address);
    j["country"] = at.country.empty() ? json(nullptr) : json(at.country);
    j["asn"] = at.asn == 0 ? json(nullptr) : json(at.asn);
    j["as_org"] = at.as_org.empty() ? json(nullptr) : json(at.as_org);
  }
  return j;
}

json ports(const std::vector<detect::PortShare>& list) {
  json out = json::array();
  for (const auto& p : list) out.push_back({{"port", p.port}, {"share", p.share}});
  return out;
}

}  // namespace

std::string isoTime(uint64_t ns) {
  const auto secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, (ns / 1'000'000) % 1000);
}

json attackJson(const detect::Attack& a, const AttributeFn& attribute) {
  json vectors = json::array();
  for (const auto& v : a.vectors) {
    vectors.push_back({{"name", detect::toString(v.vector)},
                       {"description", detect::describe(v.vector)},
                       {"packets", v.packets},
                       {"bytes", v.bytes},
                       {"peak_pps", v.peak_pps}});
  }
  json sources = json::array();
  for (const auto& s : a.top_sources) {
    json j = attributed(s.address, attribute);
    j["share"] = s.share;
    sources.push_back(std::move(j));
  }
  return json{{"id", a.id},
              {"target", a.target.toString()},
              {"target_kind", a.target.isPrefix() ? "prefix" : "host"},
              {"direction", traffic::toString(a.target.direction)},
              {"group", a.group},
              {"active", a.active},
              {"start", isoTime(a.start_ns)},
              {"end", isoTime(a.end_ns)},
              {"start_ns", a.start_ns},
              {"end_ns", a.end_ns},
              {"duration_s", a.durationSeconds()},
              {"packets", a.packets},
              {"bytes", a.bytes},
              {"peak_pps", a.peak_pps},
              {"peak_bps", a.peak_bps},
              {"mean_pps", a.meanPps()},
              {"mean_bps", a.meanBps()},
              {"vectors", std::move(vectors)},
              {"distinct_sources", a.distinct_sources},
              {"spoofing_likely", a.spoofing_likely},
              {"top_sources", std::move(sources)},
              {"top_destination_ports", ports(a.top_dst_ports)},
              {"top_source_ports", ports(a.top_src_ports)},
              {"peak_hosts", a.peak_hosts},
              {"normal_pps", a.normal_pps},
              {"fingerprint", fingerprintJson(a)}};
}

json jsonReport(const CaptureSummary& s, std::span<const detect::Attack> attacks, const AttributeFn& attribute) {
  json errors = metrics::toJson(s.decode)["results"];
  errors.erase(std::string(decode::toString(decode::DecodeResult::kOk)));
  json list = json::array();
  for (const auto& a : attacks) list.push_back(attackJson(a, attribute));
  return json{{"schema", "rampart.analyze/1"},
              {"captures", s.captures},
              {"summary",
               {{"packets", s.packets},
                {"decoded", s.decode.decoded()},
                {"rejected", errors},
                {"first_seen", s.packets ? json(isoTime(s.first_ns)) : json(nullptr)},
                {"last_seen", s.packets ? json(isoTime(s.last_ns)) : json(nullptr)},
                {"unprotected", s.traffic.unprotected},
                {"untracked_hosts", s.traffic.untracked_hosts},
                {"attacks", attacks.size()}}},
              {"attacks", std::move(list)}};
}

}  // namespace rampart::report
