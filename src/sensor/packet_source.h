// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "decode/packet_decoder.h"
#include "metrics/counters.h"

namespace rampart::sensor {

#define RAMPART_CAPTURE_COUNTERS(COUNT, BY, PART)                              \
  COUNT(packets, "frames handed over by the capture")                          \
  COUNT(drops, "frames the kernel dropped because a ring was full (tp_drops)") \
  COUNT(freezes, "times a ring ran full (tp_freeze_q_cnt)")
struct CaptureStats {
  RAMPART_COUNTERS(CaptureStats, RAMPART_CAPTURE_COUNTERS)
};

// One frame as a source hands it over. `frame` points into the source's buffer or ring and stays
// valid only during the call that hands it over.
struct Packet {
  std::span<const uint8_t> frame;  // the captured bytes, possibly cut by the snap length
  uint64_t timestamp_ns = 0;       // Unix time
  uint32_t wire_length = 0;        // the frame's length on the wire
};

// Whatever yields frames: an AF_PACKET ring, a capture file, the XDP program's sample ring. Frames
// come in batches (a ring block, a run of a file), so the consumer's per-frame loop is its own,
// inlined code and the interface costs one indirect call per batch, not per frame.
class PacketSource {
 public:
  using Batch = std::span<const Packet>;
  using Take = std::function<void(Batch)>;

  virtual ~PacketSource() = default;

  [[nodiscard]] virtual decode::LinkType linkType() const noexcept = 0;
  // Each frame stands for this many on the wire (1 unless the source samples).
  [[nodiscard]] virtual uint32_t sampleOneIn() const noexcept = 0;
  // Readable when frames wait (for poll(2)); -1 for a file, which is always ready until its end.
  [[nodiscard]] virtual int fd() const noexcept = 0;
  // Waits up to `timeout_ms` for frames (a file never waits), then hands every frame waiting to
  // take(), batch by batch. Returns the frames handed over; 0 from a file means its end, after
  // which error() says whether the end was clean ("").
  virtual std::size_t read(int timeout_ms, const Take& take) = 0;
  [[nodiscard]] virtual const std::string& error() const noexcept = 0;
  // What the source counted since it opened (for a ring, with the kernel's counters).
  [[nodiscard]] virtual CaptureStats stats() = 0;
};

}  // namespace rampart::sensor
