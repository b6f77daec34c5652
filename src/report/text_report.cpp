// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include "report/analysis_report.h"

namespace rampart::report {
namespace {

std::string portList(const std::vector<detect::PortShare>& ports, std::size_t n) {
  std::string out;
  // Ports below 1 % are noise (random ports of a spoofed or reflected flood), not worth a line.
  for (std::size_t i = 0; i < ports.size() && i < n && ports[i].share >= 0.01; ++i) {
    out += fmt::format("{}{} ({:.0f}%)", i ? ", " : "", ports[i].port, ports[i].share * 100);
  }
  return out.empty() ? "random" : out;
}

void appendAttack(std::string& out, const detect::Attack& a, const AttributeFn& attribute) {
  out += fmt::format("\nAttack #{} on {} {} ({}, group {})\n", a.id, a.target.isPrefix() ? "prefix" : "host",
                     a.target.toString(), traffic::toString(a.target.direction), a.group);
  std::string vectors;
  for (const auto& v : a.vectors)
    vectors += fmt::format("{}{}", vectors.empty() ? "" : ", ", detect::describe(v.vector));
  out += fmt::format("  vectors      {}\n", vectors);
  out +=
      fmt::format("  time         {} .. {} ({:.1f} s)\n", isoTime(a.start_ns), isoTime(a.end_ns), a.durationSeconds());
  out += fmt::format("  peak         {}, {}\n", humanRate(static_cast<double>(a.peak_pps), "pps"),
                     humanRate(static_cast<double>(a.peak_bps), "bps"));
  out += fmt::format("  mean         {}, {}\n", humanRate(a.meanPps(), "pps"), humanRate(a.meanBps(), "bps"));
  out += fmt::format("  traffic      {} packets, {} bytes\n", a.packets, a.bytes);
  if (a.target.isPrefix()) out += fmt::format("  hosts hit    {} at peak\n", a.peak_hosts);
  out += fmt::format("  sources      ~{} distinct{}\n", a.distinct_sources,
                     a.spoofing_likely ? " (spoofing likely: sources are random)" : "");
  for (const auto& s : a.top_sources) {
    std::string where;
    if (attribute) {
      const geo::Attribution at = attribute(s.address);
      if (!at.country.empty()) where += " " + at.country;
      if (at.asn != 0) where += fmt::format(" AS{}", at.asn);
      if (!at.as_org.empty()) where += " " + at.as_org;
    }
    out += fmt::format("    {:>6.2f}%  {}{}\n", s.share * 100, s.address.toString(), where);
  }
  out += fmt::format("  dst ports    {}\n", portList(a.top_dst_ports, 5));
  out += fmt::format("  src ports    {}\n", portList(a.top_src_ports, 5));
  const detect::Fingerprint& f = a.fingerprint;
  if (f.sample_size == 0) {
    out += "  fingerprint  (no sample)\n";
  } else {
    out += fmt::format("  fingerprint  {}  [covers {:.1f}% of {} sampled packets]\n", f.toString(), f.coverage * 100,
                       f.sample_size);
    out += fmt::format("  filter       {}\n", f.toBpf(a.target.toString(), a.target.isPrefix()));
  }
}

}  // namespace

std::string humanRate(double value, const char* unit) {
  static constexpr std::array<const char*, 5> kPrefixes = {"", "k", "M", "G", "T"};
  std::size_t i = 0;
  while (value >= 1000 && i + 1 < kPrefixes.size()) {
    value /= 1000;
    ++i;
  }
  return fmt::format("{:.{}f} {}{}", value, i == 0 ? 0 : 1, kPrefixes[i], unit);
}

std::string textReport(const CaptureSummary& s, std::span<const detect::Attack> attacks, const AttributeFn& attribute) {
  std::string out;
  out += fmt::format("Rampart analysis of {}\n", fmt::join(s.captures, ", "));
  out += fmt::format("  {} packets", s.packets);
  if (s.packets != 0) out += fmt::format(", {} .. {}", isoTime(s.first_ns), isoTime(s.last_ns));
  out += "\n";
  const uint64_t rejected = s.decode.rejected();
  if (rejected != 0) {
    std::string reasons;
    for (std::size_t i = 1; i < decode::kDecodeResultCount; ++i) {
      if (s.decode.results[i] == 0) continue;
      reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", s.decode.results[i],
                             decode::toString(static_cast<decode::DecodeResult>(i)));
    }
    out += fmt::format("  {} not counted: {}\n", rejected, reasons);
  }
  if (attacks.empty()) {
    out += "\nNo attack found.\n";
    return out;
  }
  out += fmt::format("\n{} attack{} found.\n", attacks.size(), attacks.size() == 1 ? "" : "s");
  for (const auto& a : attacks) appendAttack(out, a, attribute);
  return out;
}

}  // namespace rampart::report
