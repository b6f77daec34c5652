// SPDX-License-Identifier: Apache-2.0
#include "app/analyze_files.h"

#include "sensor/pcap_file_source.h"

namespace rampart::app {

core::Result<pipeline::AnalysisResult, std::string> analyzeCaptureFiles(const std::vector<std::string>& paths,
                                                                        const pipeline::AnalyzerSettings& settings) {
  using R = core::Result<pipeline::AnalysisResult, std::string>;
  pipeline::CaptureAnalysis analysis(settings);
  for (const std::string& path : paths) {
    auto source = sensor::PcapFileSource::open(path);
    if (!source) return R::failure(source.error());
    sensor::PcapFileSource& s = source.value();
    const decode::LinkType link = s.linkType();
    sensor::Packet packet;
    while (s.next(packet)) analysis.addPacket(link, packet.frame, packet.timestamp_ns);
    if (!s.error().empty()) return R::failure(s.error());
  }
  return analysis.finish();
}

}  // namespace rampart::app
