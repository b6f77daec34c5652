// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "decode/packet_decoder.h"
#include "sensor/packet_source.h"

struct pcap;  // libpcap's pcap_t, kept out of this header

namespace rampart::sensor {

// Reads a pcap or pcapng capture through libpcap, with nanosecond timestamps whatever the file's
// own resolution. Move-only; closes the capture when destroyed.
class PcapFileSource final : public PacketSource {
 public:
  // Fails with "<path>: <libpcap's reason>" (missing file, unknown format) or, for a link type
  // Rampart does not decode, "<path>: unsupported link type <dlt> (<name>)".
  static core::Result<PcapFileSource, std::string> open(const std::string& path);
  // The same from a capture held in memory (fuzz targets, embedded test data). `bytes` must outlive
  // the source. Messages name the source "<memory>".
  static core::Result<PcapFileSource, std::string> openMemory(std::span<const uint8_t> bytes);

  ~PcapFileSource() override;
  PcapFileSource(PcapFileSource&& other) noexcept;
  PcapFileSource& operator=(PcapFileSource&& other) noexcept;
  PcapFileSource(const PcapFileSource&) = delete;
  PcapFileSource& operator=(const PcapFileSource&) = delete;

  [[nodiscard]] decode::LinkType linkType() const noexcept override { return link_; }
  [[nodiscard]] uint32_t sampleOneIn() const noexcept override { return 1; }
  [[nodiscard]] int fd() const noexcept override { return -1; }
  // One frame a batch (libpcap reuses its buffer); 0 at the end or on a read error.
  std::size_t read(int timeout_ms, const Take& take) override;
  [[nodiscard]] CaptureStats stats() override { return CaptureStats{.packets = packets_}; }
  [[nodiscard]] int dlt() const noexcept { return dlt_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  // The next packet; false at the end of the capture or on a read error, after which error() says
  // what went wrong ("<path>: truncated dump file; ...") and is empty at a clean end.
  [[nodiscard]] bool next(Packet& out);
  [[nodiscard]] const std::string& error() const noexcept override { return error_; }

 private:
  PcapFileSource(pcap* handle, std::string name, decode::LinkType link, int dlt)
      : pcap_(handle), name_(std::move(name)), link_(link), dlt_(dlt) {}
  static core::Result<PcapFileSource, std::string> adopt(pcap* handle, std::string name);

  pcap* pcap_ = nullptr;
  std::string name_;
  std::string error_;
  decode::LinkType link_ = decode::LinkType::kEthernet;
  int dlt_ = 0;
  uint64_t packets_ = 0;  // handed over by read()
};

// A whole capture in memory, frames back to back in one buffer: benchmarks and tests iterate it
// without I/O or per-packet allocation.
struct CaptureBuffer {
  struct Packet {
    uint64_t ts_ns = 0;
    uint32_t offset = 0;  // into `bytes`
    uint32_t length = 0;  // captured bytes
    uint32_t wire_length = 0;
  };
  decode::LinkType link = decode::LinkType::kEthernet;
  int dlt = 0;
  std::vector<uint8_t> bytes;
  std::vector<Packet> packets;

  [[nodiscard]] std::span<const uint8_t> frame(const Packet& p) const noexcept {
    return std::span<const uint8_t>(bytes).subspan(p.offset, p.length);
  }
};

// Reads every packet of `path`; fails as PcapFileSource::open does, on a damaged file with
// next()'s error, and on a capture of more than 4 GiB.
core::Result<CaptureBuffer, std::string> loadCapture(const std::string& path);

}  // namespace rampart::sensor
