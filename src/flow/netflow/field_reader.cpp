// SPDX-License-Identifier: Apache-2.0
#include "flow/netflow/field_reader.h"

#include <algorithm>
#include <limits>

#include "decode/packet_decoder.h"
#include "flow/netflow/wire_reader.h"

namespace rampart::flow::netflow {
namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000ULL;
constexpr uint64_t kNsPerMs = 1'000'000ULL;
constexpr uint64_t kNtpToUnixSec = 2'208'988'800ULL;  // 1900-01-01 to 1970-01-01

bool isNumeric(uint16_t length) { return length >= 1 && length <= 8; }

FieldKind numeric(FieldKind k, uint16_t length) { return isNumeric(length) ? k : FieldKind::kSkip; }

FieldKind exact(FieldKind k, uint16_t length, uint16_t want) { return length == want ? k : FieldKind::kSkip; }

// NTP timestamp (seconds since 1900 in the high word, fraction in the low word) in Unix ns.
uint64_t ntpToUnixNs(uint64_t ntp) {
  const uint64_t sec = ntp >> 32;
  const uint64_t frac = ntp & 0xffffffffULL;
  if (sec < kNtpToUnixSec) return 0;
  return (sec - kNtpToUnixSec) * kNsPerSec + ((frac * kNsPerSec) >> 32);
}

uint64_t saturatingMul(uint64_t a, uint64_t b) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a) return std::numeric_limits<uint64_t>::max();
  return a * b;
}

// Start and end of the flow in Unix ns; 0 where unknown.
void flowTimes(const RecordValues& v, const ExportContext& ctx, uint64_t& start, uint64_t& end) {
  start = 0;
  end = 0;
  if (v.has(FieldKind::kStartNs)) {
    start = ntpToUnixNs(v.get(FieldKind::kStartNs));
  } else if (v.has(FieldKind::kStartUs)) {
    start = ntpToUnixNs(v.get(FieldKind::kStartUs));
  } else if (v.has(FieldKind::kStartMs)) {
    start = saturatingMul(v.get(FieldKind::kStartMs), kNsPerMs);
  } else if (v.has(FieldKind::kStartSec)) {
    start = saturatingMul(v.get(FieldKind::kStartSec), kNsPerSec);
  }
  if (v.has(FieldKind::kEndNs)) {
    end = ntpToUnixNs(v.get(FieldKind::kEndNs));
  } else if (v.has(FieldKind::kEndUs)) {
    end = ntpToUnixNs(v.get(FieldKind::kEndUs));
  } else if (v.has(FieldKind::kEndMs)) {
    end = saturatingMul(v.get(FieldKind::kEndMs), kNsPerMs);
  } else if (v.has(FieldKind::kEndSec)) {
    end = saturatingMul(v.get(FieldKind::kEndSec), kNsPerSec);
  }
  if (start != 0) return;
  // Uptime-relative times (RFC 3954 section 8: FIRST_SWITCHED/LAST_SWITCHED in ms of sysUpTime).
  // IPFIX: relative to systemInitTimeMilliseconds (IE 160), in the record or from the domain's
  // options records (RFC 7011 section 4 and IANA IE 22: "relative to systemInitTimeMilliseconds"). v9: the header's
  // sysUpTime corresponds to its unix seconds.
  const uint64_t init_ms = v.has(FieldKind::kSystemInitMs) ? v.get(FieldKind::kSystemInitMs) : ctx.system_init_ms;
  if (init_ms == 0 && !ctx.uptime_relative) return;
  const auto fromUptime = [&](uint64_t uptime_ms) -> uint64_t {
    if (init_ms != 0) return saturatingMul(init_ms + (uptime_ms & 0xffffffffULL), kNsPerMs);
    const int64_t delta_ms = static_cast<int64_t>(ctx.sys_uptime_ms) - static_cast<int64_t>(uptime_ms & 0xffffffffULL);
    const int64_t t = static_cast<int64_t>(ctx.export_ns) - delta_ms * static_cast<int64_t>(kNsPerMs);
    return t > 0 ? static_cast<uint64_t>(t) : 0;
  };
  if (v.has(FieldKind::kFirstUptimeMs)) start = fromUptime(v.get(FieldKind::kFirstUptimeMs));
  if (v.has(FieldKind::kLastUptimeMs)) end = fromUptime(v.get(FieldKind::kLastUptimeMs));
}

}  // namespace

FieldKind fieldKindOf(uint16_t id, uint16_t length, bool enterprise) noexcept {
  if (enterprise) return FieldKind::kSkip;
  switch (id) {
    case 8: return exact(FieldKind::kSrcV4, length, 4);
    case 12: return exact(FieldKind::kDstV4, length, 4);
    case 27: return exact(FieldKind::kSrcV6, length, 16);
    case 28: return exact(FieldKind::kDstV6, length, 16);
    case 7: return numeric(FieldKind::kSrcPort, length);
    case 11: return numeric(FieldKind::kDstPort, length);
    case 4: return numeric(FieldKind::kProtocol, length);
    case 6: return numeric(FieldKind::kTcpFlags, length);
    case 1: return numeric(FieldKind::kDeltaBytes, length);
    case 2: return numeric(FieldKind::kDeltaPackets, length);
    case 23: return numeric(FieldKind::kOutBytes, length);
    case 24: return numeric(FieldKind::kOutPackets, length);
    case 85: return numeric(FieldKind::kTotalBytes, length);
    case 86: return numeric(FieldKind::kTotalPackets, length);
    case 52: return numeric(FieldKind::kMinTtl, length);
    case 192: return numeric(FieldKind::kIpTtl, length);
    case 22: return numeric(FieldKind::kFirstUptimeMs, length);
    case 21: return numeric(FieldKind::kLastUptimeMs, length);
    case 150: return numeric(FieldKind::kStartSec, length);
    case 151: return numeric(FieldKind::kEndSec, length);
    case 152: return numeric(FieldKind::kStartMs, length);
    case 153: return numeric(FieldKind::kEndMs, length);
    case 154: return exact(FieldKind::kStartUs, length, 8);
    case 155: return exact(FieldKind::kEndUs, length, 8);
    case 156: return exact(FieldKind::kStartNs, length, 8);
    case 157: return exact(FieldKind::kEndNs, length, 8);
    case 160: return numeric(FieldKind::kSystemInitMs, length);
    case 32: return exact(FieldKind::kIcmpTypeCodeV4, length, 2);
    case 139: return exact(FieldKind::kIcmpTypeCodeV6, length, 2);
    case 176: return numeric(FieldKind::kIcmpTypeV4, length);
    case 177: return numeric(FieldKind::kIcmpCodeV4, length);
    case 178: return numeric(FieldKind::kIcmpTypeV6, length);
    case 179: return numeric(FieldKind::kIcmpCodeV6, length);
    case 197: return numeric(FieldKind::kFragmentFlags, length);
    case 88: return numeric(FieldKind::kFragmentOffset, length);
    case 34:
    case 50:
    case 305: return numeric(FieldKind::kSamplingInterval, length);
    case 306: return numeric(FieldKind::kSamplingSpace, length);
    case 309: return numeric(FieldKind::kSamplingSize, length);
    case 310: return numeric(FieldKind::kSamplingPopulation, length);
    case 48:
    case 302: return numeric(FieldKind::kSamplerId, length);
    case 315: return FieldKind::kDataLinkFrame;
    default: return FieldKind::kSkip;
  }
}

void storeField(FieldKind kind, const uint8_t* p, std::size_t n, RecordValues& values) noexcept {
  switch (kind) {
    case FieldKind::kSkip: return;
    // A template may carry both families (IEs 8/12 and 27/28) and fill the unused pair with
    // zeros; an all-zero address never overwrites the other family's.
    case FieldKind::kSrcV4:
    case FieldKind::kDstV4: {
      if (wire::load32(p) == 0) return;
      (kind == FieldKind::kSrcV4 ? values.src : values.dst) = core::IpAddress::fromV4Bytes(p);
      break;
    }
    case FieldKind::kSrcV6:
    case FieldKind::kDstV6: {
      if (std::all_of(p, p + 16, [](uint8_t b) { return b == 0; })) return;
      (kind == FieldKind::kSrcV6 ? values.src : values.dst) = core::IpAddress::fromV6Bytes(p);
      break;
    }
    case FieldKind::kDataLinkFrame: values.frame = std::span<const uint8_t>(p, n); break;
    default: values.set(kind, wire::loadUint(p, n)); return;
  }
  values.present |= uint64_t{1} << static_cast<unsigned>(kind);
}

std::optional<uint32_t> samplingRateOf(const RecordValues& v) noexcept {
  // samplingSize of samplingPopulation (RFC 5477) is the most explicit; Cisco sends it beside a
  // samplingPacketInterval of 1. Then interval and space, then a bare interval (IEs 34/50/305).
  uint64_t rate = 0;
  if (v.has(FieldKind::kSamplingSize) && v.has(FieldKind::kSamplingPopulation) &&
      v.get(FieldKind::kSamplingSize) != 0) {
    rate = v.get(FieldKind::kSamplingPopulation) / v.get(FieldKind::kSamplingSize);
  } else if (v.has(FieldKind::kSamplingInterval)) {
    const uint64_t interval = v.get(FieldKind::kSamplingInterval);
    if (v.has(FieldKind::kSamplingSpace) && interval != 0) {
      rate = (interval + v.get(FieldKind::kSamplingSpace)) / interval;
    } else {
      rate = interval;
    }
  }
  if (rate == 0) return std::nullopt;
  return static_cast<uint32_t>(std::min<uint64_t>(rate, std::numeric_limits<uint32_t>::max()));
}

std::optional<core::FlowRecord> frameToFlowRecord(const RecordValues& v, uint32_t sampling_rate,
                                                  uint64_t receive_ns) noexcept {
  core::FlowRecord r;
  if (decode::decodePacket(decode::LinkType::kEthernet, v.frame, receive_ns, r) != decode::DecodeResult::kOk) {
    return std::nullopt;
  }
  const uint64_t packets = v.has(FieldKind::kDeltaPackets) ? v.get(FieldKind::kDeltaPackets) : 1;
  if (v.has(FieldKind::kDeltaBytes)) r.bytes = v.get(FieldKind::kDeltaBytes);
  r.packets = static_cast<uint32_t>(std::clamp<uint64_t>(packets, 1, std::numeric_limits<uint32_t>::max()));
  // As for every flow record, the length is the mean over what the record counts.
  r.ip_length = static_cast<uint16_t>(std::min<uint64_t>(r.bytes / r.packets, 65535));
  r.sampling_rate = sampling_rate == 0 ? 1 : sampling_rate;
  return r;
}

core::FlowRecord toFlowRecord(const RecordValues& v, const ExportContext& ctx, uint32_t sampling_rate,
                              uint64_t receive_ns) noexcept {
  core::FlowRecord r;
  r.src = v.src;
  r.dst = v.dst;
  r.protocol = static_cast<uint8_t>(v.get(FieldKind::kProtocol));
  r.tcp_flags = static_cast<uint8_t>(v.get(FieldKind::kTcpFlags));
  r.src_port = static_cast<uint16_t>(v.get(FieldKind::kSrcPort));
  r.dst_port = static_cast<uint16_t>(v.get(FieldKind::kDstPort));
  if (r.protocol == core::ip_proto::kIcmp || r.protocol == core::ip_proto::kIcmpV6) {
    const bool v6 = r.protocol == core::ip_proto::kIcmpV6;
    const FieldKind type_code = v6 ? FieldKind::kIcmpTypeCodeV6 : FieldKind::kIcmpTypeCodeV4;
    const FieldKind type = v6 ? FieldKind::kIcmpTypeV6 : FieldKind::kIcmpTypeV4;
    const FieldKind code = v6 ? FieldKind::kIcmpCodeV6 : FieldKind::kIcmpCodeV4;
    if (v.has(type_code)) {
      r.dst_port = static_cast<uint16_t>(v.get(type_code));
    } else if (v.has(type)) {
      r.dst_port = static_cast<uint16_t>(((v.get(type) & 0xff) << 8) | (v.get(code) & 0xff));
    }
    r.src_port = 0;  // FlowRecord: ICMP carries type/code in dst_port only
  }

  uint64_t bytes = 0;
  uint64_t packets = 0;
  if (v.has(FieldKind::kDeltaBytes)) {
    bytes = v.get(FieldKind::kDeltaBytes);
  } else if (v.has(FieldKind::kTotalBytes)) {
    bytes = v.get(FieldKind::kTotalBytes);
  } else {
    bytes = v.get(FieldKind::kOutBytes);
  }
  if (v.has(FieldKind::kDeltaPackets)) {
    packets = v.get(FieldKind::kDeltaPackets);
  } else if (v.has(FieldKind::kTotalPackets)) {
    packets = v.get(FieldKind::kTotalPackets);
  } else {
    packets = v.get(FieldKind::kOutPackets);
  }
  r.bytes = bytes;
  r.packets = static_cast<uint32_t>(std::min<uint64_t>(packets, std::numeric_limits<uint32_t>::max()));
  r.ip_length = packets == 0 ? 0 : static_cast<uint16_t>(std::min<uint64_t>(bytes / packets, 65535));
  r.sampling_rate = sampling_rate == 0 ? 1 : sampling_rate;

  if (v.has(FieldKind::kIpTtl)) {
    r.ttl = static_cast<uint8_t>(v.get(FieldKind::kIpTtl));
  } else {
    r.ttl = static_cast<uint8_t>(v.get(FieldKind::kMinTtl));
  }

  // fragmentFlags (IE 197): bit 0x01 is MF ("more fragments"), 0x02 DF; with fragmentOffset (IE 88).
  const uint64_t offset = v.get(FieldKind::kFragmentOffset);
  if ((v.get(FieldKind::kFragmentFlags) & 0x01U) != 0 || offset != 0) r.fragment |= core::FlowRecord::kFragmented;
  if (offset != 0) {
    r.fragment |= core::FlowRecord::kNonFirstFragment;
    r.src_port = 0;
    r.dst_port = 0;
    r.tcp_flags = 0;
  }

  uint64_t start = 0;
  uint64_t end = 0;
  flowTimes(v, ctx, start, end);
  if (start == 0) {
    r.timestamp_ns = receive_ns;
  } else {
    r.timestamp_ns = start;
    r.duration_ns = end > start ? end - start : 0;
  }
  return r;
}

}  // namespace rampart::flow::netflow
