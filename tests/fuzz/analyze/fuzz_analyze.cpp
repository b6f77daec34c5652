// SPDX-License-Identifier: Apache-2.0
// The whole `analyze` path on hostile input: the bytes are a capture file (pcap or pcapng) read
// from memory, decoded, counted, judged with thresholds low enough that attacks are found, and
// rendered as both reports. Nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>

#include "pipeline/capture_analysis.h"
#include "report/analysis_report.h"
#include "sensor/pcap_file_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rampart;
  auto source = sensor::PcapFileSource::openMemory({data, size});
  if (!source) return 0;

  pipeline::AnalyzerSettings settings;
  settings.traffic.max_hosts = 64;  // small tables reach their limits quickly
  settings.traffic.max_prefixes = 16;
  settings.traffic.max_deep = 8;
  settings.traffic.sample_capacity = 32;
  for (auto& g : settings.detector.groups) {
    g.host.pps = 4;
    g.host.bps = 4000;
    g.prefix.pps = 8;
    g.carpet_min_hosts = 2;
  }
  settings.detector.hold_down_ns = 2'000'000'000;

  pipeline::CaptureAnalysis analyzer(settings);
  sensor::Packet packet;
  const decode::LinkType link = source.value().linkType();
  for (int i = 0; i < 100'000 && source.value().next(packet); ++i) {
    analyzer.addPacket(link, packet.frame, packet.timestamp_ns);
  }
  const pipeline::AnalysisResult result = analyzer.finish();
  report::CaptureSummary summary{{"fuzz"},       result.packets, result.first_ns,
                                 result.last_ns, result.decode,  result.traffic};
  (void)report::textReport(summary, result.attacks, {});
  (void)report::jsonReport(summary, result.attacks, {}).dump();
  return 0;
}
