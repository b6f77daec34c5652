// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for PcapFileSource::openMemory and next(): any bytes as a pcap or pcapng file,
// every packet read is then decoded. A damaged capture must end with an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "decode/packet_decoder.h"
#include "sensor/pcap_file_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto source = rampart::sensor::PcapFileSource::openMemory(std::span<const uint8_t>(data, size));
  if (!source.ok()) {
    if (source.error().empty()) std::abort();
    return 0;
  }
  rampart::sensor::Packet packet;
  rampart::core::FlowRecord record;
  rampart::decode::DecodeStats stats;
  for (int i = 0; i < 10'000 && source.value().next(packet); ++i) {
    stats.add(rampart::decode::decodePacket(source->linkType(), packet.frame, packet.timestamp_ns, record));
  }
  return 0;
}
