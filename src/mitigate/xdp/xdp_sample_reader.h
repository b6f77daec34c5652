// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"
#include "rampart_xdp_abi.h"

struct ring_buffer;

namespace rampart::mitigate::xdp {

// Frames the XDP program sampled (one in N, before any drop decision) from its BPF ring buffer:
// `rampart run`'s "xdp" sensor, which sees traffic at rates AF_PACKET cannot, attack traffic the
// program drops included. Move-only; not thread-safe.
class XdpSampleReader {
 public:
  static core::Result<XdpSampleReader, std::string> open(int ringbuf_fd);

  ~XdpSampleReader();
  XdpSampleReader(XdpSampleReader&& other) noexcept;
  XdpSampleReader& operator=(XdpSampleReader&& other) noexcept;
  XdpSampleReader(const XdpSampleReader&) = delete;
  XdpSampleReader& operator=(const XdpSampleReader&) = delete;

  // Waits up to `timeout_ms`, then hands every waiting sample to
  // visit(std::span<const uint8_t> captured, uint32_t frame_length, uint64_t unix_ns).
  // Returns the samples visited, or -1 on error.
  template <typename Visit>
  int poll(int timeout_ms, Visit&& visit) {
    state_->visit = &visit;
    state_->call = [](void* v, const rampart_sample& s, uint64_t unix_ns) {
      (*static_cast<std::remove_reference_t<Visit>*>(v))(std::span<const uint8_t>(s.data, s.captured), s.frame_length,
                                                         unix_ns);
    };
    return pollRaw(timeout_ms);
  }
  [[nodiscard]] int fd() const noexcept;  // readable when samples wait (for poll(2)/epoll)

 private:
  struct State {
    void* visit = nullptr;
    void (*call)(void*, const rampart_sample&, uint64_t) = nullptr;
    int64_t mono_to_unix_ns = 0;  // bpf_ktime_get_ns() is CLOCK_MONOTONIC
  };
  XdpSampleReader(ring_buffer* rb, std::unique_ptr<State> state) noexcept : rb_(rb), state_(std::move(state)) {}
  int pollRaw(int timeout_ms);
  static int onSample(void* ctx, void* data, std::size_t size);

  ring_buffer* rb_ = nullptr;
  std::unique_ptr<State> state_;  // stable address: libbpf keeps a pointer to it
};

}  // namespace rampart::mitigate::xdp
