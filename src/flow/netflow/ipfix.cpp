// SPDX-License-Identifier: Apache-2.0
// IPFIX messages (RFC 7011): a 16-byte header whose length bounds the message, then Sets. Set id 2
// holds templates, 3 options templates, 256 and above data; 4..255 are reserved and skipped.
#include "flow/netflow/netflow_decoder.h"
#include "flow/netflow/wire_reader.h"

namespace rampart::flow::netflow {
namespace {

constexpr std::size_t kIpfixHeaderLength = 16;  // version length export_time sequence domain
constexpr uint16_t kTemplateSetId = 2;
constexpr uint16_t kOptionsTemplateSetId = 3;
constexpr uint16_t kFirstDataSetId = 256;

}  // namespace

FlowError NetflowDecoder::decodeIpfix(const core::IpAddress& exporter, std::span<const uint8_t> d, uint64_t receive_ns,
                                      std::vector<core::FlowRecord>& out) {
  if (d.size() < kIpfixHeaderLength) return FlowError::kTruncated;
  const uint16_t length = wire::load16(d.data() + 2);
  if (length < kIpfixHeaderLength) return FlowError::kBadHeader;
  if (length > d.size()) return FlowError::kTruncated;
  d = d.first(length);
  SetOrigin o;
  o.exporter = exporter;
  o.domain = wire::load32(d.data() + 12);
  o.ctx.export_ns = uint64_t{wire::load32(d.data() + 4)} * 1'000'000'000ULL;
  o.ctx.uptime_relative = false;  // 21/22 only with systemInitTimeMilliseconds in the record
  o.receive_ns = receive_ns;
  FlowError first = FlowError::kOk;
  std::size_t off = kIpfixHeaderLength;
  while (d.size() - off >= 4) {
    const uint16_t id = wire::load16(d.data() + off);
    const uint16_t len = wire::load16(d.data() + off + 2);
    if (len < 4) {
      first = FlowError::kBadSetLength;
      break;
    }
    if (len > d.size() - off) {
      first = FlowError::kTruncated;
      break;
    }
    const std::span<const uint8_t> body = d.subspan(off + 4, len - 4U);
    FlowError e = FlowError::kOk;
    if (id == kTemplateSetId || id == kOptionsTemplateSetId) {
      e = ipfixTemplateSet(o, body, id == kOptionsTemplateSetId, out);
    } else if (id >= kFirstDataSetId) {
      e = dataSet(o, id, body, out);
    } else {
      ++stats_.sets_skipped;
    }
    if (first == FlowError::kOk) first = e;
    off += len;
  }
  if (first == FlowError::kOk && off != d.size()) first = FlowError::kTruncated;
  return first;
}

// Template record (section 3.4.1): id(2) field_count(2) [scope_field_count(2) for options], then
// field specifiers id(2) length(2) [enterprise(4) when the id's top bit is set]. A record with
// field count 0 withdraws a template (section 8.1); id equal to the set id withdraws them all.
FlowError NetflowDecoder::ipfixTemplateSet(const SetOrigin& o, std::span<const uint8_t> body, bool options,
                                           std::vector<core::FlowRecord>& out) {
  FlowError first = FlowError::kOk;
  std::size_t off = 0;
  while (body.size() - off >= 4) {
    const uint8_t* p = body.data() + off;
    const uint16_t id = wire::load16(p);
    const uint16_t count = wire::load16(p + 2);
    if (count == 0) {
      off += 4;
      if (id >= kFirstDataSetId) {
        stats_.templates_withdrawn += templates_.withdraw(TemplateKey{o.exporter, o.domain, id});
      } else if (id == (options ? kOptionsTemplateSetId : kTemplateSetId)) {
        stats_.templates_withdrawn += templates_.withdrawAll(o.exporter, o.domain, options);
      } else if (id == 0) {
        break;  // padding
      } else if (first == FlowError::kOk) {
        first = FlowError::kBadTemplate;
      }
      continue;
    }
    std::size_t pos = 4;
    std::size_t scope = 0;
    if (options) {
      if (body.size() - off < 6) return first == FlowError::kOk ? FlowError::kTruncated : first;
      scope = wire::load16(p + 4);
      pos = 6;
    }
    if (id < kFirstDataSetId || count > templates_.limits().max_fields || (options && (scope == 0 || scope > count))) {
      // The record's length is unknown without walking it; the rest of the set is not trusted.
      return first == FlowError::kOk ? FlowError::kBadTemplate : first;
    }
    Template t;
    t.options = options;
    t.fields.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      if (body.size() - off - pos < 4) return first == FlowError::kOk ? FlowError::kTruncated : first;
      const uint16_t ie = wire::load16(p + pos);
      const uint16_t len = wire::load16(p + pos + 2);
      pos += 4;
      const bool enterprise = (ie & 0x8000U) != 0;
      if (enterprise) {
        if (body.size() - off - pos < 4) return first == FlowError::kOk ? FlowError::kTruncated : first;
        pos += 4;  // enterprise number: the field is someone else's, skipped by its length
      }
      t.add(static_cast<uint16_t>(ie & 0x7fffU), len, enterprise);
    }
    off += pos;
    const FlowError e = learn(o, id, std::move(t), out);
    if (first == FlowError::kOk) first = e;
  }
  return first;
}

}  // namespace rampart::flow::netflow
