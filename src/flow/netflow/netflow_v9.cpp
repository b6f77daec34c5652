// SPDX-License-Identifier: Apache-2.0
// NetFlow v9 export packets (RFC 3954): a 20-byte header, then FlowSets. FlowSet id 0 holds
// templates, 1 options templates, 256 and above data; 2..255 are reserved and skipped.
#include <algorithm>

#include "flow/netflow/netflow_decoder.h"
#include "flow/netflow/wire_reader.h"

namespace rampart::flow::netflow {
namespace {

constexpr std::size_t kV9HeaderLength = 20;  // version count sysUpTime unix_secs sequence source_id
constexpr uint16_t kFirstDataSetId = 256;

bool allZero(std::span<const uint8_t> s) {
  return std::all_of(s.begin(), s.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

FlowError NetflowDecoder::decodeV9(const core::IpAddress& exporter, std::span<const uint8_t> d, uint64_t receive_ns,
                                   std::vector<core::FlowRecord>& out) {
  if (d.size() < kV9HeaderLength) return FlowError::kTruncated;
  SetOrigin o;
  o.exporter = exporter;
  o.domain = wire::load32(d.data() + 16);
  o.ctx.sys_uptime_ms = wire::load32(d.data() + 4);
  o.ctx.export_ns = uint64_t{wire::load32(d.data() + 8)} * 1'000'000'000ULL;
  o.ctx.uptime_relative = true;
  o.receive_ns = receive_ns;
  // The header's count (records of all kinds) is unreliable across exporters; the FlowSet lengths
  // are what bound the walk.
  FlowError first = FlowError::kOk;
  records_in_datagram_ = 0;
  held_in_datagram_ = false;
  std::size_t off = kV9HeaderLength;
  while (d.size() - off >= 4) {
    const uint16_t id = wire::load16(d.data() + off);
    const uint16_t len = wire::load16(d.data() + off + 2);
    if (len < 4) {
      // Some exporters zero-fill the datagram after the last FlowSet.
      if (!allZero(d.subspan(off))) first = FlowError::kBadSetLength;
      break;
    }
    if (len > d.size() - off) {
      first = FlowError::kTruncated;
      break;
    }
    const std::span<const uint8_t> body = d.subspan(off + 4, len - 4U);
    FlowError e = FlowError::kOk;
    if (id == 0 || id == 1) {
      e = v9TemplateSet(o, body, id == 1, out);
    } else if (id >= kFirstDataSetId) {
      e = dataSet(o, id, body, out);
    } else {
      ++stats_.sets_skipped;
    }
    if (first == FlowError::kOk) first = e;
    off += len;
  }
  if (!held_in_datagram_ && records_in_datagram_ != wire::load16(d.data() + 2)) ++stats_.header_count_mismatch;
  return first;
}

// Template record: id(2) field_count(2) {type(2) length(2)}*. Options template record: id(2)
// scope_length(2) option_length(2), then scope fields and option fields, lengths in bytes.
FlowError NetflowDecoder::v9TemplateSet(const SetOrigin& o, std::span<const uint8_t> body, bool options,
                                        std::vector<core::FlowRecord>& out) {
  FlowError first = FlowError::kOk;
  const std::size_t header = options ? 6 : 4;
  std::size_t off = 0;
  while (body.size() - off >= header) {
    const uint8_t* p = body.data() + off;
    const uint16_t id = wire::load16(p);
    if (id == 0) break;  // padding
    std::size_t scope_fields = 0;
    std::size_t fields = 0;
    std::size_t length = 0;
    if (options) {
      scope_fields = wire::load16(p + 2) / 4U;
      fields = scope_fields + wire::load16(p + 4) / 4U;
      length = header + std::size_t{wire::load16(p + 2)} + wire::load16(p + 4);
    } else {
      fields = wire::load16(p + 2);
      length = header + fields * 4;
    }
    if (length > body.size() - off) return first == FlowError::kOk ? FlowError::kTruncated : first;
    if (id < kFirstDataSetId || fields == 0 || fields > templates_.limits().max_fields) {
      if (first == FlowError::kOk) first = FlowError::kBadTemplate;
      off += length;
      continue;
    }
    ++records_in_datagram_;
    Template t;
    t.options = options;
    t.fields.reserve(fields);
    for (std::size_t i = 0; i < fields; ++i) {
      const uint8_t* f = p + header + i * 4;
      if (i < scope_fields) {
        t.addIgnored(wire::load16(f + 2));  // scope types are not IEs
      } else {
        t.add(wire::load16(f), wire::load16(f + 2), false);
      }
    }
    off += length;
    const FlowError e = learn(o, id, std::move(t), out);
    if (first == FlowError::kOk) first = e;
  }
  return first;
}

}  // namespace rampart::flow::netflow
