// SPDX-License-Identifier: Apache-2.0
// Datagram and sample layout: sFlow Version 5, "sFlow Datagram Format" (XDR, RFC 4506):
//   datagram: version (5), agent address (type 0 unknown / 1 IPv4 / 2 IPv6, then 0/4/16 bytes),
//             sub_agent_id, sequence_number, uptime (ms), samples<>
//   sample:   data_format (enterprise << 12 | format), length, opaque data
//   flow_sample (0:1): sequence, source_id, sampling_rate, sample_pool, drops, input, output, flow_records<>
//   counters_sample (0:2): sequence, source_id, counter_records<>
//   flow_sample_expanded (0:3): sequence, source_id type, index, sampling_rate, sample_pool, drops,
//                               input format, value, output format, value, flow_records<>
//   counters_sample_expanded (0:4): sequence, source_id type, index, counter_records<>
#include "flow/sflow/sflow_decoder.h"

#include "flow/sflow/sample_records.h"
#include "flow/sflow/xdr_reader.h"

namespace rampart::flow::sflow {
namespace {

constexpr uint32_t kVersion5 = 5;
constexpr uint32_t kAddressUnknown = 0;
constexpr uint32_t kAddressIpv4 = 1;
constexpr uint32_t kAddressIpv6 = 2;
constexpr std::size_t kMinSampleSize = 8;  // data_format + length

constexpr uint32_t kFlowSample = 1;
constexpr uint32_t kCounterSample = 2;
constexpr uint32_t kExpandedFlowSample = 3;
constexpr uint32_t kExpandedCounterSample = 4;

struct Header {
  core::IpAddress agent;
  uint32_t sub_agent = 0;
  uint32_t sequence = 0;
  uint32_t uptime_ms = 0;
  uint32_t num_samples = 0;
};

SflowError readHeader(XdrReader& r, Header& h) noexcept {
  uint32_t version = 0;
  uint32_t address_type = 0;
  if (!r.u32(version)) return SflowError::kTruncatedHeader;
  if (version != kVersion5) return SflowError::kBadVersion;
  if (!r.u32(address_type)) return SflowError::kTruncatedHeader;
  std::span<const uint8_t> address;
  switch (address_type) {
    case kAddressUnknown: break;  // XDR void: no address bytes; the agent stays ::
    case kAddressIpv4:
      if (!r.bytes(4, address)) return SflowError::kTruncatedHeader;
      h.agent = core::IpAddress::fromV4Bytes(address.data());
      break;
    case kAddressIpv6:
      if (!r.bytes(16, address)) return SflowError::kTruncatedHeader;
      h.agent = core::IpAddress::fromV6Bytes(address.data());
      break;
    default: return SflowError::kBadAgentAddressType;
  }
  if (!r.u32(h.sub_agent) || !r.u32(h.sequence) || !r.u32(h.uptime_ms) || !r.u32(h.num_samples)) {
    return SflowError::kTruncatedHeader;
  }
  return SflowError::kOk;
}

}  // namespace

SflowError SflowDecoder::decode(std::span<const uint8_t> datagram, uint64_t receive_ns,
                                std::vector<core::FlowRecord>& records_out,
                                std::vector<InterfaceCounters>* counters_out) noexcept {
  ++stats_.datagrams;
  XdrReader r(datagram);
  Header h;
  if (const SflowError e = readHeader(r, h); e != SflowError::kOk) {
    stats_.add(e);
    return e;
  }
  agents_.observe(h.agent, h.sub_agent, h.sequence, h.uptime_ms, receive_ns);
  if (h.num_samples > r.remaining() / kMinSampleSize) {
    stats_.add(SflowError::kTooManySamples);
    return SflowError::kTooManySamples;
  }

  const Datagram d{h.agent, h.sub_agent, receive_ns, &records_out, counters_out};
  SflowError first = SflowError::kOk;
  const auto note = [&](SflowError e) {
    stats_.add(e);
    if (first == SflowError::kOk) first = e;
  };
  // Bytes after the last declared sample are ignored, as every collector does.
  for (uint32_t i = 0; i < h.num_samples; ++i) {
    uint32_t data_format = 0;
    uint32_t length = 0;
    std::span<const uint8_t> body;
    if (!r.u32(data_format) || !r.u32(length)) {
      note(SflowError::kTruncatedSample);
      break;
    }
    if (length % 4 != 0) {
      note(SflowError::kMisalignedLength);
      break;
    }
    if (!r.bytes(length, body)) {
      note(SflowError::kSampleLengthBeyondDatagram);
      break;
    }
    ++stats_.samples;
    if (const SflowError e = decodeSample(d, data_format, body); e != SflowError::kOk) note(e);
  }
  if (first == SflowError::kOk) stats_.add(SflowError::kOk);
  return first;
}

SflowError SflowDecoder::decodeSample(const Datagram& d, uint32_t data_format, std::span<const uint8_t> body) noexcept {
  const uint32_t enterprise = data_format >> 12;
  const uint32_t format = data_format & 0xfffU;
  if (enterprise == 0) {
    switch (format) {
      case kFlowSample: return decodeFlowSample(d, false, body);
      case kExpandedFlowSample: return decodeFlowSample(d, true, body);
      case kCounterSample: return decodeCounterSample(d, false, body);
      case kExpandedCounterSample: return decodeCounterSample(d, true, body);
      default: break;
    }
  }
  ++stats_.unknown_sample_types;
  return SflowError::kOk;
}

SflowError SflowDecoder::decodeFlowSample(const Datagram& d, bool expanded, std::span<const uint8_t> body) noexcept {
  XdrReader r(body);
  uint32_t sampling_rate = 0;
  uint32_t num_records = 0;
  // Compact: sequence, source_id, (rate), pool, drops, input, output.
  // Expanded: sequence, source type, source index, (rate), pool, drops, 2 x (format, value).
  const std::size_t before_rate = expanded ? 12 : 8;
  const std::size_t after_rate = expanded ? 24 : 16;
  if (!r.skip(before_rate) || !r.u32(sampling_rate) || !r.skip(after_rate) || !r.u32(num_records)) {
    return SflowError::kMalformedSample;
  }
  core::FlowRecord record;
  bool produced = false;
  const SflowError e = readFlowRecords(r, num_records, d.receive_ns, stats_, record, produced);
  if (e == SflowError::kTooManyRecords || e == SflowError::kMalformedSample) return e;
  ++stats_.flow_samples;
  if (!produced) {
    ++stats_.flow_samples_without_record;
    return e;
  }
  record.packets = 1;
  record.sampling_rate = sampling_rate == 0 ? 1 : sampling_rate;
  record.timestamp_ns = d.receive_ns;
  d.records->push_back(record);
  ++stats_.flow_records;
  return e;
}

SflowError SflowDecoder::decodeCounterSample(const Datagram& d, bool expanded, std::span<const uint8_t> body) noexcept {
  XdrReader r(body);
  InterfaceCounters c;
  uint32_t num_records = 0;
  if (expanded) {
    if (!r.u32(c.sample_sequence) || !r.u32(c.source_type) || !r.u32(c.source_index) || !r.u32(num_records)) {
      return SflowError::kMalformedSample;
    }
  } else {
    uint32_t source_id = 0;
    if (!r.u32(c.sample_sequence) || !r.u32(source_id) || !r.u32(num_records)) return SflowError::kMalformedSample;
    c.source_type = source_id >> 24;
    c.source_index = source_id & 0xffffffU;
  }
  bool has_generic = false;
  const SflowError e = readCounterRecords(r, num_records, stats_, c, has_generic);
  if (e == SflowError::kTooManyRecords || e == SflowError::kMalformedSample) return e;
  ++stats_.counter_samples;
  if (has_generic && d.counters != nullptr) {
    c.agent = d.agent;
    c.sub_agent = d.sub_agent;
    c.timestamp_ns = d.receive_ns;
    d.counters->push_back(c);
    ++stats_.interface_counters;
  }
  return e;
}

}  // namespace rampart::flow::sflow
