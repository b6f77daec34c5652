// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "core/ip_address.h"

namespace rampart::sensor {

// One flow-telemetry datagram (sFlow, NetFlow, IPFIX): its payload, valid only during the call
// that hands it over, the exporter that sent it and when it arrived.
struct Datagram {
  std::span<const uint8_t> payload;
  core::IpAddress exporter;
  uint64_t receive_ns = 0;
};

// Whatever yields flow datagrams (a UDP socket today; a file of captured exports could be another).
// Datagrams come in batches, one indirect call per batch.
class FlowSource {
 public:
  using Batch = std::span<const Datagram>;
  using Take = std::function<void(Batch)>;

  virtual ~FlowSource() = default;
  // Readable when datagrams wait (for poll(2)).
  [[nodiscard]] virtual int fd() const noexcept = 0;
  // Hands every datagram waiting now to take(), stamped `now_ns`; never blocks. Returns how many.
  virtual std::size_t read(uint64_t now_ns, const Take& take) = 0;
};

}  // namespace rampart::sensor
