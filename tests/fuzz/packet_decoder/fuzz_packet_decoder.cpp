// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for decodePacket. Input: one byte choosing the link type (its value modulo 8,
// where 7 is not a LinkType at all), then the frame. Besides not crashing, a result must be in
// range and a decoded record self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "decode/packet_decoder.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rampart::core::FlowRecord;
  using rampart::decode::DecodeResult;
  if (size == 0) return 0;
  const auto link = static_cast<rampart::decode::LinkType>(data[0] % 8);
  const std::span<const uint8_t> frame(data + 1, size - 1);
  FlowRecord record;
  const DecodeResult result = rampart::decode::decodePacket(link, frame, 42, record);
  check(static_cast<std::size_t>(result) < rampart::decode::kDecodeResultCount);
  check(!rampart::decode::toString(result).empty());
  if (result != DecodeResult::kOk) return 0;
  check(record.packets == 1 && record.sampling_rate == 1 && record.timestamp_ns == 42);
  check(record.bytes >= 20);  // at least an IPv4 header
  check(record.ip_length == (record.bytes > 65535 ? 65535 : record.bytes));
  check(record.tunnel <= FlowRecord::kTunnelVxlan);
  check(record.tcp_payload_empty <= 1);
  if (record.isNonFirstFragment()) {
    check(record.isFragment());
    check(record.src_port == 0 && record.dst_port == 0 && record.tcp_flags == 0);
  }
  return 0;
}
