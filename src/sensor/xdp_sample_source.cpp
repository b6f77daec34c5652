// SPDX-License-Identifier: Apache-2.0
#include "sensor/xdp_sample_source.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "rampart_xdp_abi.h"

namespace rampart::sensor {
namespace {

int64_t nowNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

XdpSampleSource::XdpSampleSource(uint32_t sample_one_in)
    : sample_one_in_(sample_one_in),
      mono_to_unix_ns_(nowNs(CLOCK_REALTIME) - nowNs(CLOCK_MONOTONIC)),
      bytes_(kBatch * RAMPART_SAMPLE_BYTES) {
  batch_.reserve(kBatch);
}

core::Result<std::unique_ptr<XdpSampleSource>, std::string> XdpSampleSource::open(int ringbuf_fd,
                                                                                  uint32_t sample_one_in) {
  using R = core::Result<std::unique_ptr<XdpSampleSource>, std::string>;
  std::unique_ptr<XdpSampleSource> source(new XdpSampleSource(sample_one_in));
  source->rb_ = ring_buffer__new(ringbuf_fd, &XdpSampleSource::onSample, source.get(), nullptr);
  if (source->rb_ == nullptr) return R::failure(std::string("XDP sample ring buffer: ") + std::strerror(errno));
  return source;
}

XdpSampleSource::~XdpSampleSource() {
  if (rb_ != nullptr) ring_buffer__free(rb_);
}

int XdpSampleSource::fd() const noexcept { return ring_buffer__epoll_fd(rb_); }

std::size_t XdpSampleSource::read(int timeout_ms, const Take& take) {
  take_ = &take;
  const uint64_t before = totals_.packets;
  if (const int rc = ring_buffer__poll(rb_, timeout_ms); rc < 0 && rc != -EINTR) {
    error_ = std::string("XDP sample ring buffer: ") + std::strerror(-rc);
  }
  flush();
  take_ = nullptr;
  return totals_.packets - before;
}

void XdpSampleSource::flush() {
  if (!batch_.empty()) (*take_)(batch_);
  batch_.clear();
}

int XdpSampleSource::onSample(void* ctx, void* data, std::size_t size) {
  auto& self = *static_cast<XdpSampleSource*>(ctx);
  if (size < sizeof(rampart_sample) || self.take_ == nullptr) return 0;  // a record of another shape: skipped
  const auto& s = *static_cast<const rampart_sample*>(data);             // ring records are 8-byte aligned
  if (s.captured > RAMPART_SAMPLE_BYTES) return 0;
  uint8_t* copy = self.bytes_.data() + self.batch_.size() * RAMPART_SAMPLE_BYTES;
  std::memcpy(copy, s.data, s.captured);
  self.batch_.push_back(Packet{std::span<const uint8_t>(copy, s.captured),
                               static_cast<uint64_t>(static_cast<int64_t>(s.timestamp_ns) + self.mono_to_unix_ns_),
                               s.frame_length});
  ++self.totals_.packets;
  if (self.batch_.size() == kBatch) self.flush();
  return 0;
}

}  // namespace rampart::sensor
