// SPDX-License-Identifier: Apache-2.0
#include "support/pcap_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rampart::testing {
namespace {

std::runtime_error ioError(const std::string& path, const char* what) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

PcapWriter::PcapWriter(const std::string& path, int dlt, uint32_t snaplen) : path_(path), snaplen_(snaplen) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) throw ioError(path, "cannot open for writing");
  // pcap file header: magic, version 2.4, thiszone, sigfigs, snaplen, link type.
  const uint32_t magic = 0xa1b23c4d;
  const uint16_t version[2] = {2, 4};
  const int32_t zone = 0;
  const uint32_t sigfigs = 0;
  const auto link = static_cast<uint32_t>(dlt);
  put(&magic, 4);
  put(version, 4);
  put(&zone, 4);
  put(&sigfigs, 4);
  put(&snaplen_, 4);
  put(&link, 4);
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : path_(std::move(other.path_)), file_(std::exchange(other.file_, nullptr)), snaplen_(other.snaplen_) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
    snaplen_ = other.snaplen_;
  }
  return *this;
}

void PcapWriter::write(uint64_t timestamp_ns, std::span<const uint8_t> frame) {
  write(timestamp_ns, frame, static_cast<uint32_t>(frame.size()));
}

void PcapWriter::write(uint64_t timestamp_ns, std::span<const uint8_t> frame, uint32_t wire_length) {
  if (file_ == nullptr) throw std::runtime_error(path_ + ": write after close");
  const auto captured = static_cast<uint32_t>(std::min<std::size_t>(frame.size(), snaplen_));
  const uint32_t record[4] = {static_cast<uint32_t>(timestamp_ns / 1'000'000'000),
                              static_cast<uint32_t>(timestamp_ns % 1'000'000'000), captured,
                              std::max(wire_length, static_cast<uint32_t>(frame.size()))};
  put(record, sizeof record);
  put(frame.data(), captured);
}

void PcapWriter::close() {
  if (file_ == nullptr) return;
  const int rc = std::fclose(std::exchange(file_, nullptr));
  if (rc != 0) throw ioError(path_, "cannot close");
}

void PcapWriter::put(const void* data, std::size_t n) {
  if (n != 0 && std::fwrite(data, 1, n, file_) != n) throw ioError(path_, "cannot write");
}

namespace {

// pcapng blocks (draft-ietf-opsawg-pcapng section 4), written in host byte order.
class BlockWriter {
 public:
  void u16(uint16_t x) { raw(&x, 2); }
  void u32(uint32_t x) { raw(&x, 4); }
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    body_.insert(body_.end(), b, b + n);
  }
  void pad() {
    while (body_.size() % 4 != 0) body_.push_back(0);
  }
  // Type, total length, body, total length again.
  std::vector<uint8_t> finish(uint32_t type) {
    pad();
    const auto total = static_cast<uint32_t>(body_.size() + 12);
    BlockWriter out;
    out.u32(type);
    out.u32(total);
    out.raw(body_.data(), body_.size());
    out.u32(total);
    return std::move(out.body_);
  }

 private:
  std::vector<uint8_t> body_;
};

}  // namespace

void writePcapng(const std::string& path, int dlt,
                 const std::vector<std::pair<uint64_t, std::vector<uint8_t>>>& packets) {
  std::vector<uint8_t> out;
  auto add = [&out](const std::vector<uint8_t>& block) { out.insert(out.end(), block.begin(), block.end()); };

  BlockWriter shb;  // Section Header Block
  shb.u32(0x1a2b3c4d);
  shb.u16(1);
  shb.u16(0);
  shb.u32(0xffffffff);  // section length unknown (-1)
  shb.u32(0xffffffff);
  add(shb.finish(0x0a0d0d0a));

  BlockWriter idb;  // Interface Description Block
  idb.u16(static_cast<uint16_t>(dlt));
  idb.u16(0);
  idb.u32(262144);
  idb.u16(9);  // if_tsresol
  idb.u16(1);
  const uint8_t nanoseconds = 9;
  idb.raw(&nanoseconds, 1);
  idb.pad();
  idb.u16(0);  // opt_endofopt
  idb.u16(0);
  add(idb.finish(1));

  for (const auto& [ts, frame] : packets) {
    BlockWriter epb;  // Enhanced Packet Block
    epb.u32(0);       // interface id
    epb.u32(static_cast<uint32_t>(ts >> 32));
    epb.u32(static_cast<uint32_t>(ts));
    epb.u32(static_cast<uint32_t>(frame.size()));
    epb.u32(static_cast<uint32_t>(frame.size()));
    epb.raw(frame.data(), frame.size());
    add(epb.finish(6));
  }

  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw ioError(path, "cannot open for writing");
  const bool written = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  if (std::fclose(f) != 0 || !written) throw ioError(path, "cannot write");
}

}  // namespace rampart::testing
