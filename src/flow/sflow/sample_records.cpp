// SPDX-License-Identifier: Apache-2.0
// Flow and counter record formats: sFlow Version 5 (sflow.org/sflow_version_5.txt), "Flow Data
// Types" and "Counter Data Types", all enterprise 0.
#include "flow/sflow/sample_records.h"

#include <algorithm>
#include <optional>
#include <span>

#include "decode/packet_decoder.h"

namespace rampart::flow::sflow {
namespace {

constexpr uint32_t kRawPacketHeader = 1;    // flow format 1
constexpr uint32_t kSampledIpv4 = 3;        // flow format 3
constexpr uint32_t kSampledIpv6 = 4;        // flow format 4
constexpr uint32_t kGenericInterface = 1;   // counter format 1
constexpr uint32_t kEthernetInterface = 2;  // counter format 2

constexpr std::size_t kMinRecordSize = 8;  // data_format + length

// header_protocol values of the raw packet header record.
constexpr uint32_t kHeaderEthernet = 1;  // ETHERNET-ISO88023
constexpr uint32_t kHeaderIpv4 = 11;
constexpr uint32_t kHeaderIpv6 = 12;

// Walks `num_records` records, calling `on(enterprise, format, body)` for each; `on` returns kOk
// or kMalformedRecord. Returns the first fault, or kMalformedSample / kTooManyRecords when the
// list itself is broken (see the header).
template <typename OnRecord>
SflowError forEachRecord(XdrReader& r, uint32_t num_records, OnRecord on) noexcept {
  if (num_records > r.remaining() / kMinRecordSize) return SflowError::kTooManyRecords;
  SflowError first = SflowError::kOk;
  for (uint32_t i = 0; i < num_records; ++i) {
    uint32_t data_format = 0;
    uint32_t length = 0;
    std::span<const uint8_t> body;
    if (!r.u32(data_format) || !r.u32(length) || length % 4 != 0 || !r.bytes(length, body)) {
      return SflowError::kMalformedSample;
    }
    const SflowError e = on(data_format >> 12, data_format & 0xfffU, body);
    if (e != SflowError::kOk && first == SflowError::kOk) first = e;
  }
  return first;
}

std::optional<decode::LinkType> linkOf(uint32_t header_protocol) noexcept {
  switch (header_protocol) {
    case kHeaderEthernet: return decode::LinkType::kEthernet;
    case kHeaderIpv4: return decode::LinkType::kIpv4;
    case kHeaderIpv6: return decode::LinkType::kIpv6;
    default: return std::nullopt;
  }
}

// Raw packet header: header_protocol, frame_length, stripped, header<> (opaque, padded).
// Bytes come from decodePacket: the IP total length of the sampled packet, which excludes the
// link header and the stripped bytes (FCS) that frame_length includes.
SflowError readRawHeader(std::span<const uint8_t> body, uint64_t receive_ns, SflowStats& stats, core::FlowRecord& out,
                         bool& produced) noexcept {
  XdrReader r(body);
  uint32_t protocol = 0;
  uint32_t frame_length = 0;
  uint32_t stripped = 0;
  uint32_t header_size = 0;
  std::span<const uint8_t> header;
  if (!r.u32(protocol) || !r.u32(frame_length) || !r.u32(stripped) || !r.u32(header_size) ||
      !r.opaque(header_size, header)) {
    return SflowError::kMalformedRecord;
  }
  const std::optional<decode::LinkType> link = linkOf(protocol);
  if (!link) {
    ++stats.unsupported_header_protocols;
    return SflowError::kOk;
  }
  core::FlowRecord record;
  const decode::DecodeResult result = decode::decodePacket(*link, header, receive_ns, record);
  stats.header_decode.add(result);
  if (result != decode::DecodeResult::kOk) {
    ++stats.header_decode_failures;
    return SflowError::kOk;
  }
  out = record;
  produced = true;
  return SflowError::kOk;
}

// Sampled IPv4 (32 bytes) and IPv6 (56 bytes): length, protocol, src, dst, src_port, dst_port,
// tcp_flags, tos / priority. `length` is the IP packet's length without lower layers.
SflowError readSampledIp(std::span<const uint8_t> body, std::size_t address_size, uint64_t receive_ns,
                         core::FlowRecord& out) noexcept {
  XdrReader r(body);
  uint32_t length = 0;
  uint32_t protocol = 0;
  std::span<const uint8_t> src;
  std::span<const uint8_t> dst;
  uint32_t src_port = 0;
  uint32_t dst_port = 0;
  uint32_t tcp_flags = 0;
  if (!r.u32(length) || !r.u32(protocol) || !r.bytes(address_size, src) || !r.bytes(address_size, dst) ||
      !r.u32(src_port) || !r.u32(dst_port) || !r.u32(tcp_flags) || !r.skip(4)) {
    return SflowError::kMalformedRecord;
  }
  core::FlowRecord record;
  const bool v4 = address_size == 4;
  record.src = v4 ? core::IpAddress::fromV4Bytes(src.data()) : core::IpAddress::fromV6Bytes(src.data());
  record.dst = v4 ? core::IpAddress::fromV4Bytes(dst.data()) : core::IpAddress::fromV6Bytes(dst.data());
  record.timestamp_ns = receive_ns;
  record.bytes = length;
  record.ip_length = static_cast<uint16_t>(std::min<uint32_t>(length, 65535));
  record.protocol = static_cast<uint8_t>(protocol);
  record.src_port = static_cast<uint16_t>(src_port);
  record.dst_port = static_cast<uint16_t>(dst_port);
  record.tcp_flags = static_cast<uint8_t>(tcp_flags);
  out = record;
  return SflowError::kOk;
}

bool readGeneric(std::span<const uint8_t> body, InterfaceCounters& c) noexcept {
  XdrReader r(body);
  uint32_t in_ucast = 0;
  uint32_t in_multicast = 0;
  uint32_t in_broadcast = 0;
  uint32_t in_discards = 0;
  uint32_t in_errors = 0;
  uint32_t in_unknown = 0;
  uint32_t out_ucast = 0;
  uint32_t out_multicast = 0;
  uint32_t out_broadcast = 0;
  uint32_t out_discards = 0;
  uint32_t out_errors = 0;
  const bool ok = r.u32(c.if_index) && r.u32(c.if_type) && r.u64(c.if_speed) && r.u32(c.if_direction) &&
                  r.u32(c.if_status) && r.u64(c.in_octets) && r.u32(in_ucast) && r.u32(in_multicast) &&
                  r.u32(in_broadcast) && r.u32(in_discards) && r.u32(in_errors) && r.u32(in_unknown) &&
                  r.u64(c.out_octets) && r.u32(out_ucast) && r.u32(out_multicast) && r.u32(out_broadcast) &&
                  r.u32(out_discards) && r.u32(out_errors) && r.u32(c.promiscuous_mode);
  c.in_ucast = in_ucast;
  c.in_multicast = in_multicast;
  c.in_broadcast = in_broadcast;
  c.in_discards = in_discards;
  c.in_errors = in_errors;
  c.in_unknown_protos = in_unknown;
  c.out_ucast = out_ucast;
  c.out_multicast = out_multicast;
  c.out_broadcast = out_broadcast;
  c.out_discards = out_discards;
  c.out_errors = out_errors;
  return ok;
}

bool readEthernet(std::span<const uint8_t> body, EthernetCounters& e) noexcept {
  XdrReader r(body);
  return r.u32(e.alignment_errors) && r.u32(e.fcs_errors) && r.u32(e.single_collision_frames) &&
         r.u32(e.multiple_collision_frames) && r.u32(e.sqe_test_errors) && r.u32(e.deferred_transmissions) &&
         r.u32(e.late_collisions) && r.u32(e.excessive_collisions) && r.u32(e.internal_mac_transmit_errors) &&
         r.u32(e.carrier_sense_errors) && r.u32(e.frame_too_longs) && r.u32(e.internal_mac_receive_errors) &&
         r.u32(e.symbol_errors);
}

}  // namespace

SflowError readFlowRecords(XdrReader& r, uint32_t num_records, uint64_t receive_ns, SflowStats& stats,
                           core::FlowRecord& out, bool& produced) noexcept {
  bool from_header = false;
  bool from_sampled_ip = false;
  core::FlowRecord sampled_ip;
  const SflowError e =
      forEachRecord(r, num_records, [&](uint32_t enterprise, uint32_t format, std::span<const uint8_t> body) noexcept {
        if (enterprise == 0 && format == kRawPacketHeader) {
          if (from_header) return SflowError::kOk;  // the first decodable header describes the sample
          return readRawHeader(body, receive_ns, stats, out, from_header);
        }
        if (enterprise == 0 && (format == kSampledIpv4 || format == kSampledIpv6)) {
          if (from_sampled_ip) return SflowError::kOk;
          const SflowError s = readSampledIp(body, format == kSampledIpv4 ? 4 : 16, receive_ns, sampled_ip);
          from_sampled_ip = s == SflowError::kOk;
          return s;
        }
        ++stats.unknown_record_types;  // extended data (switch, router, gateway, ...) and others
        return SflowError::kOk;
      });
  if (!from_header && from_sampled_ip) out = sampled_ip;
  produced = from_header || from_sampled_ip;
  return e;
}

SflowError readCounterRecords(XdrReader& r, uint32_t num_records, SflowStats& stats, InterfaceCounters& out,
                              bool& has_generic) noexcept {
  has_generic = false;
  return forEachRecord(r, num_records,
                       [&](uint32_t enterprise, uint32_t format, std::span<const uint8_t> body) noexcept {
                         if (enterprise == 0 && format == kGenericInterface) {
                           if (!readGeneric(body, out)) return SflowError::kMalformedRecord;
                           has_generic = true;
                           return SflowError::kOk;
                         }
                         if (enterprise == 0 && format == kEthernetInterface) {
                           if (!readEthernet(body, out.ethernet)) return SflowError::kMalformedRecord;
                           out.has_ethernet = true;
                           return SflowError::kOk;
                         }
                         ++stats.unknown_record_types;
                         return SflowError::kOk;
                       });
}

}  // namespace rampart::flow::sflow
