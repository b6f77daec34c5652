// SPDX-License-Identifier: Apache-2.0
#include "mitigate/xdp/xdp_sample_reader.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

namespace rampart::mitigate::xdp {
namespace {

int64_t nowNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

core::Result<XdpSampleReader, std::string> XdpSampleReader::open(int ringbuf_fd) {
  auto state = std::make_unique<State>();
  state->mono_to_unix_ns = nowNs(CLOCK_REALTIME) - nowNs(CLOCK_MONOTONIC);
  ring_buffer* rb = ring_buffer__new(ringbuf_fd, &XdpSampleReader::onSample, state.get(), nullptr);
  if (rb == nullptr) {
    return core::Result<XdpSampleReader, std::string>::failure(std::string("XDP sample ring buffer: ") +
                                                               std::strerror(errno));
  }
  return XdpSampleReader(rb, std::move(state));
}

XdpSampleReader::~XdpSampleReader() {
  if (rb_ != nullptr) ring_buffer__free(rb_);
}

XdpSampleReader::XdpSampleReader(XdpSampleReader&& other) noexcept
    : rb_(std::exchange(other.rb_, nullptr)), state_(std::move(other.state_)) {}

XdpSampleReader& XdpSampleReader::operator=(XdpSampleReader&& other) noexcept {
  if (this != &other) {
    if (rb_ != nullptr) ring_buffer__free(rb_);
    rb_ = std::exchange(other.rb_, nullptr);
    state_ = std::move(other.state_);
  }
  return *this;
}

int XdpSampleReader::fd() const noexcept { return ring_buffer__epoll_fd(rb_); }

int XdpSampleReader::pollRaw(int timeout_ms) { return ring_buffer__poll(rb_, timeout_ms); }

int XdpSampleReader::onSample(void* ctx, void* data, std::size_t size) {
  const auto* st = static_cast<const State*>(ctx);
  if (size < sizeof(rampart_sample) || st->call == nullptr) return 0;  // a record of another shape: skipped
  const auto& s = *static_cast<const rampart_sample*>(data);           // ring records are 8-byte aligned
  if (s.captured > RAMPART_SAMPLE_BYTES) return 0;
  st->call(st->visit, s, static_cast<uint64_t>(static_cast<int64_t>(s.timestamp_ns) + st->mono_to_unix_ns));
  return 0;
}

}  // namespace rampart::mitigate::xdp
