// SPDX-License-Identifier: Apache-2.0
#include "sensor/pcap_file_source.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <limits>
#include <utility>

namespace rampart::sensor {
namespace {

constexpr const char* kMemoryName = "<memory>";

// libpcap's messages sometimes start with the file name already ("x.pcap: No such file or
// directory") and sometimes not ("unknown file format"): name the file exactly once.
std::string withName(const std::string& name, const char* reason) {
  std::string text = reason != nullptr && *reason != '\0' ? reason : "unknown libpcap error";
  if (text.rfind(name + ":", 0) == 0) return text;
  return name + ": " + text;
}

}  // namespace

core::Result<PcapFileSource, std::string> PcapFileSource::adopt(pcap* handle, std::string name) {
  const int dlt = pcap_datalink(handle);
  const std::optional<decode::LinkType> link = decode::linkTypeFromDlt(dlt);
  if (!link) {
    pcap_close(handle);
    const char* dlt_name = pcap_datalink_val_to_name(dlt);
    return core::Result<PcapFileSource, std::string>::failure(
        name + ": unsupported link type " + std::to_string(dlt) + " (" + (dlt_name != nullptr ? dlt_name : "unknown") +
        "); Rampart reads Ethernet, Linux cooked v1/v2, raw IP and BSD loopback captures");
  }
  return PcapFileSource(handle, std::move(name), *link, dlt);
}

core::Result<PcapFileSource, std::string> PcapFileSource::open(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) return core::Result<PcapFileSource, std::string>::failure(withName(path, errbuf));
  return adopt(handle, path);
}

core::Result<PcapFileSource, std::string> PcapFileSource::openMemory(std::span<const uint8_t> bytes) {
  if (bytes.empty()) {
    return core::Result<PcapFileSource, std::string>::failure(std::string(kMemoryName) + ": empty capture");
  }
  // fmemopen only reads through the pointer in "rb" mode; the cast is for its C signature.
  std::FILE* file = fmemopen(const_cast<uint8_t*>(bytes.data()), bytes.size(), "rb");
  if (file == nullptr) {
    return core::Result<PcapFileSource, std::string>::failure(std::string(kMemoryName) + ": fmemopen failed");
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) {
    std::fclose(file);  // on failure libpcap leaves the stream to its caller; on success pcap_close closes it
    return core::Result<PcapFileSource, std::string>::failure(withName(kMemoryName, errbuf));
  }
  return adopt(handle, kMemoryName);
}

PcapFileSource::~PcapFileSource() {
  if (pcap_ != nullptr) pcap_close(pcap_);
}

PcapFileSource::PcapFileSource(PcapFileSource&& other) noexcept
    : pcap_(std::exchange(other.pcap_, nullptr)),
      name_(std::move(other.name_)),
      error_(std::move(other.error_)),
      link_(other.link_),
      dlt_(other.dlt_),
      packets_(other.packets_) {}

PcapFileSource& PcapFileSource::operator=(PcapFileSource&& other) noexcept {
  if (this != &other) {
    if (pcap_ != nullptr) pcap_close(pcap_);
    pcap_ = std::exchange(other.pcap_, nullptr);
    name_ = std::move(other.name_);
    error_ = std::move(other.error_);
    link_ = other.link_;
    dlt_ = other.dlt_;
    packets_ = other.packets_;
  }
  return *this;
}

bool PcapFileSource::next(Packet& out) {
  if (pcap_ == nullptr) return false;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(pcap_, &header, &data);
  if (rc == 1) {
    // Opened with nanosecond precision, so tv_usec holds nanoseconds.
    out.timestamp_ns =
        static_cast<uint64_t>(header->ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(header->ts.tv_usec);
    out.frame = std::span<const uint8_t>(data, header->caplen);
    out.wire_length = header->len;
    return true;
  }
  if (rc == PCAP_ERROR) error_ = withName(name_, pcap_geterr(pcap_));
  return false;  // PCAP_ERROR_BREAK: end of the capture
}

// libpcap reuses its buffer at each packet: one frame a batch.
std::size_t PcapFileSource::read(int /*timeout_ms*/, const Take& take) {
  Packet packet;
  if (!next(packet)) return 0;
  take(Batch(&packet, 1));
  ++packets_;
  return 1;
}

core::Result<CaptureBuffer, std::string> loadCapture(const std::string& path) {
  auto source = PcapFileSource::open(path);
  if (!source) return core::Result<CaptureBuffer, std::string>::failure(source.error());
  CaptureBuffer capture;
  capture.link = source->linkType();
  capture.dlt = source->dlt();
  Packet packet;
  while (source.value().next(packet)) {
    if (capture.bytes.size() + packet.frame.size() > std::numeric_limits<uint32_t>::max()) {
      return core::Result<CaptureBuffer, std::string>::failure(path + ": capture larger than 4 GiB");
    }
    capture.packets.push_back({packet.timestamp_ns, static_cast<uint32_t>(capture.bytes.size()),
                               static_cast<uint32_t>(packet.frame.size()), packet.wire_length});
    capture.bytes.insert(capture.bytes.end(), packet.frame.begin(), packet.frame.end());
  }
  if (!source->error().empty()) return core::Result<CaptureBuffer, std::string>::failure(source->error());
  return capture;
}

}  // namespace rampart::sensor
