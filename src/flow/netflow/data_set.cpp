// SPDX-License-Identifier: Apache-2.0
// Data sets of NetFlow v9 (RFC 3954 section 5.4) and IPFIX (RFC 7011 section 3.4.3): records laid
// out by a template, back to back, then optional padding shorter than one record.
#include <algorithm>

#include "flow/netflow/netflow_decoder.h"
#include "flow/netflow/wire_reader.h"

namespace rampart::flow::netflow {

FlowError NetflowDecoder::dataSet(const SetOrigin& o, uint16_t template_id, std::span<const uint8_t> body,
                                  std::vector<core::FlowRecord>& out) {
  const Template* t = templates_.find(TemplateKey{o.exporter, o.domain, template_id});
  if (t == nullptr) {
    hold(o, template_id, body);
    held_in_datagram_ = true;
    return FlowError::kOk;
  }
  return decodeRecords(o, *t, body, out);
}

FlowError NetflowDecoder::decodeRecords(const SetOrigin& o, const Template& t, std::span<const uint8_t> body,
                                        std::vector<core::FlowRecord>& out) {
  const uint8_t* const base = body.data();
  const std::size_t size = body.size();
  ExportContext ctx = o.ctx;
  if (!t.options && !ctx.uptime_relative) ctx.system_init_ms = sampling_.systemInit(o.exporter, o.domain);
  std::size_t off = 0;
  RecordValues& v = scratch_;
  while (t.min_record_length != 0 && size - off >= t.min_record_length) {
    const uint8_t* p = base + off;
    const std::size_t remaining = size - off;
    std::size_t pos = 0;
    bool complete = true;
    v.present = 0;
    v.src = core::IpAddress{};
    v.dst = core::IpAddress{};
    for (const TemplateField& f : t.fields) {
      std::size_t len = f.length;
      if (len == kVariableLength) {  // RFC 7011 section 7: 1-byte length, or 255 then 2 bytes
        if (remaining - pos < 1) {
          complete = false;
          break;
        }
        len = p[pos++];
        if (len == 255) {
          if (remaining - pos < 2) {
            complete = false;
            break;
          }
          len = wire::load16(p + pos);
          pos += 2;
        }
      }
      if (remaining - pos < len) {
        complete = false;
        break;
      }
      storeField(f.kind, p + pos, len, v);
      pos += len;
    }
    if (!complete) {
      // Zero padding after the last record is allowed (RFC 7011 section 3.3.1); anything else is
      // a record cut short.
      const bool padding = std::all_of(p, base + size, [](uint8_t b) { return b == 0; });
      return padding ? FlowError::kOk : FlowError::kTruncated;
    }
    off += pos;
    ++records_in_datagram_;
    stats_.enterprise_fields_skipped += t.enterprise_fields;
    if (t.options) {
      optionsRecord(o, v);
      continue;
    }
    const bool has_address = v.src != core::IpAddress{} || v.dst != core::IpAddress{};
    if (!has_address && !v.has(FieldKind::kDataLinkFrame)) {
      ++stats_.records_without_address;
      continue;
    }
    std::optional<uint32_t> rate = samplingRateOf(v);
    if (!rate) {
      const std::optional<uint64_t> sampler =
          v.has(FieldKind::kSamplerId) ? std::optional<uint64_t>(v.get(FieldKind::kSamplerId)) : std::nullopt;
      rate = sampling_.find(o.exporter, o.domain, sampler);
    }
    if (has_address) {
      out.push_back(toFlowRecord(v, ctx, rate.value_or(cfg_.default_sampling_rate), o.receive_ns));
    } else if (auto r = frameToFlowRecord(v, rate.value_or(cfg_.default_sampling_rate), o.receive_ns)) {
      out.push_back(*r);
    } else {
      ++stats_.frames_not_decoded;
      continue;
    }
    ++stats_.records;
  }
  return FlowError::kOk;
}

void NetflowDecoder::optionsRecord(const SetOrigin& o, const RecordValues& v) {
  ++stats_.options_records;
  if (v.has(FieldKind::kSystemInitMs)) {
    (void)sampling_.setSystemInit(o.exporter, o.domain, v.get(FieldKind::kSystemInitMs), o.receive_ns);
  }
  const std::optional<uint32_t> rate = samplingRateOf(v);
  if (!rate) return;
  const std::optional<uint64_t> sampler =
      v.has(FieldKind::kSamplerId) ? std::optional<uint64_t>(v.get(FieldKind::kSamplerId)) : std::nullopt;
  if (sampling_.set(o.exporter, o.domain, sampler, *rate, o.receive_ns)) ++stats_.sampling_rates_learned;
}

}  // namespace rampart::flow::netflow
