// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <vector>

// Builders of sFlow v5 datagrams for tests and benchmarks (XDR, sflow.org/sflow_version_5.txt):
// every length and padding is right, so a test breaks only the field it is about.
namespace rampart::testing::sflow {

using Bytes = std::vector<uint8_t>;

class Xdr {
 public:
  Xdr& u32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes_.push_back(static_cast<uint8_t>(v >> shift));
    return *this;
  }
  Xdr& u64(uint64_t v) { return u32(static_cast<uint32_t>(v >> 32)).u32(static_cast<uint32_t>(v)); }
  Xdr& raw(std::span<const uint8_t> b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }
  // XDR variable-length opaque: length, bytes, zero padding to a multiple of 4.
  Xdr& opaque(std::span<const uint8_t> b) {
    u32(static_cast<uint32_t>(b.size())).raw(b);
    while (bytes_.size() % 4 != 0) bytes_.push_back(0);
    return *this;
  }
  [[nodiscard]] const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

// A sample or a record: data_format (enterprise << 12 | format), length, body.
inline Bytes tagged(uint32_t enterprise, uint32_t format, const Bytes& body) {
  return Xdr().u32((enterprise << 12) | format).u32(static_cast<uint32_t>(body.size())).raw(body).bytes();
}

inline Bytes rawHeaderRecord(uint32_t header_protocol, uint32_t frame_length, uint32_t stripped,
                             std::span<const uint8_t> header) {
  return tagged(0, 1, Xdr().u32(header_protocol).u32(frame_length).u32(stripped).opaque(header).bytes());
}

inline Bytes sampledIpv4Record(uint32_t length, uint8_t protocol, uint32_t src, uint32_t dst, uint16_t src_port,
                               uint16_t dst_port, uint8_t tcp_flags) {
  return tagged(
      0, 3,
      Xdr().u32(length).u32(protocol).u32(src).u32(dst).u32(src_port).u32(dst_port).u32(tcp_flags).u32(0).bytes());
}

inline Bytes sampledIpv6Record(uint32_t length, uint8_t protocol, std::span<const uint8_t> src,
                               std::span<const uint8_t> dst, uint16_t src_port, uint16_t dst_port) {
  return tagged(0, 4,
                Xdr().u32(length).u32(protocol).raw(src).raw(dst).u32(src_port).u32(dst_port).u32(0).u32(0).bytes());
}

// Extended switch data (0:1001): skipped by the decoder.
inline Bytes extendedSwitchRecord() { return tagged(0, 1001, Xdr().u32(100).u32(0).u32(200).u32(0).bytes()); }

inline Bytes genericCountersRecord(uint32_t if_index, uint64_t in_octets, uint32_t in_ucast, uint64_t out_octets,
                                   uint32_t out_ucast) {
  Xdr x;
  x.u32(if_index).u32(6).u64(10'000'000'000ULL).u32(1).u32(3);
  x.u64(in_octets).u32(in_ucast).u32(2).u32(3).u32(4).u32(5).u32(6);
  x.u64(out_octets).u32(out_ucast).u32(7).u32(8).u32(9).u32(10).u32(0);
  return tagged(0, 1, x.bytes());
}

inline Bytes ethernetCountersRecord(uint32_t fcs_errors) {
  Xdr x;
  x.u32(0).u32(fcs_errors);
  for (int i = 0; i < 11; ++i) x.u32(0);
  return tagged(0, 2, x.bytes());
}

inline Bytes concat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Compact flow sample (0:1) or expanded flow sample (0:3), source ifIndex 7, input 3, output 7.
inline Bytes flowSample(uint32_t sequence, uint32_t sampling_rate, const std::vector<Bytes>& records,
                        bool expanded = false) {
  Xdr x;
  if (expanded) {
    x.u32(sequence).u32(0).u32(7).u32(sampling_rate).u32(sequence * sampling_rate).u32(0);
    x.u32(0).u32(3).u32(0).u32(7);
  } else {
    x.u32(sequence).u32(7).u32(sampling_rate).u32(sequence * sampling_rate).u32(0).u32(3).u32(7);
  }
  x.u32(static_cast<uint32_t>(records.size())).raw(concat(records));
  return tagged(0, expanded ? 3 : 1, x.bytes());
}

// Compact counter sample (0:2) or expanded counter sample (0:4) of ifIndex `source_index`.
inline Bytes counterSample(uint32_t sequence, uint32_t source_index, const std::vector<Bytes>& records,
                           bool expanded = false) {
  Xdr x;
  if (expanded) {
    x.u32(sequence).u32(0).u32(source_index);
  } else {
    x.u32(sequence).u32(source_index);
  }
  x.u32(static_cast<uint32_t>(records.size())).raw(concat(records));
  return tagged(0, expanded ? 4 : 2, x.bytes());
}

// Datagram from an IPv4 agent (host-order address).
inline Bytes datagram(uint32_t agent, uint32_t sub_agent, uint32_t sequence, uint32_t uptime_ms,
                      const std::vector<Bytes>& samples) {
  return Xdr()
      .u32(5)
      .u32(1)
      .u32(agent)
      .u32(sub_agent)
      .u32(sequence)
      .u32(uptime_ms)
      .u32(static_cast<uint32_t>(samples.size()))
      .raw(concat(samples))
      .bytes();
}

}  // namespace rampart::testing::sflow
