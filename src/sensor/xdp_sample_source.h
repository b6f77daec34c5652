// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "sensor/packet_source.h"

struct ring_buffer;

namespace rampart::sensor {

// Frames the XDP program sampled (one in N, before any drop decision) from its BPF ring buffer:
// `rampart run`'s "xdp" sensor, which sees traffic at rates AF_PACKET cannot, attack traffic the
// program drops included. Each frame's first bytes only (RAMPART_SAMPLE_BYTES - 1) with its wire
// length; the IP header's own length is what counts. Not movable (libbpf keeps its address); not
// thread-safe.
class XdpSampleSource final : public PacketSource {
 public:
  // `ringbuf_fd`: the program's sample ring; `sample_one_in`: the rate the program samples at.
  static core::Result<std::unique_ptr<XdpSampleSource>, std::string> open(int ringbuf_fd, uint32_t sample_one_in);

  ~XdpSampleSource() override;
  XdpSampleSource(const XdpSampleSource&) = delete;
  XdpSampleSource& operator=(const XdpSampleSource&) = delete;

  // Samples are copied out of the ring (it is reused as soon as each is consumed) and handed
  // over in batches of up to kBatch.
  std::size_t read(int timeout_ms, const Take& take) override;
  [[nodiscard]] decode::LinkType linkType() const noexcept override { return decode::LinkType::kEthernet; }
  [[nodiscard]] uint32_t sampleOneIn() const noexcept override { return sample_one_in_; }
  [[nodiscard]] int fd() const noexcept override;  // readable when samples wait
  [[nodiscard]] const std::string& error() const noexcept override { return error_; }
  [[nodiscard]] CaptureStats stats() override { return totals_; }

  static constexpr std::size_t kBatch = 64;

 private:
  explicit XdpSampleSource(uint32_t sample_one_in);
  static int onSample(void* ctx, void* data, std::size_t size);
  void flush();

  ring_buffer* rb_ = nullptr;
  uint32_t sample_one_in_ = 1;
  int64_t mono_to_unix_ns_ = 0;  // bpf_ktime_get_ns() is CLOCK_MONOTONIC
  std::vector<uint8_t> bytes_;   // kBatch copies of a sample's bytes
  std::vector<Packet> batch_;
  const Take* take_ = nullptr;  // during read()
  CaptureStats totals_;
  std::string error_;
};

}  // namespace rampart::sensor
