// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace rampart::testing {

// Writes a classic pcap file with nanosecond timestamps (magic 0xa1b23c4d, host byte order), as
// tcpdump --time-stamp-precision=nano does. Frames longer than the snap length are cut to it, the
// original length kept, as a capture with a short snap length would. Throws std::runtime_error when
// the file cannot be opened or written.
class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path, int dlt = 1 /*DLT_EN10MB*/, uint32_t snaplen = 262144);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;

  void write(uint64_t timestamp_ns, std::span<const uint8_t> frame);
  // `wire_length` is the length the frame had on the wire (at least frame.size()).
  void write(uint64_t timestamp_ns, std::span<const uint8_t> frame, uint32_t wire_length);
  void close();

 private:
  void put(const void* data, std::size_t n);
  std::string path_;
  std::FILE* file_ = nullptr;
  uint32_t snaplen_ = 0;
};

// A minimal pcapng file: one Section Header Block, one Interface Description Block with
// if_tsresol = 9 (nanoseconds) and one Enhanced Packet Block per packet (timestamp ns, frame).
// Throws std::runtime_error when the file cannot be written.
void writePcapng(const std::string& path, int dlt,
                 const std::vector<std::pair<uint64_t, std::vector<uint8_t>>>& packets);

}  // namespace rampart::testing
