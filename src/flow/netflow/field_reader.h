// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/flow_record.h"
#include "core/ip_address.h"

namespace rampart::flow::netflow {

// What a template field means to us. Each (information element, length) pair is resolved once when
// the template is learned, so decoding a record is a walk over a small array. IANA IPFIX IE numbers
// (NetFlow v9 shares 1..127, RFC 3954 section 8) are given beside each kind.
enum class FieldKind : uint8_t {
  kSkip,                // anything else, and enterprise-specific fields
  kSrcV4,               // 8 sourceIPv4Address
  kDstV4,               // 12 destinationIPv4Address
  kSrcV6,               // 27 sourceIPv6Address
  kDstV6,               // 28 destinationIPv6Address
  kSrcPort,             // 7
  kDstPort,             // 11
  kProtocol,            // 4
  kTcpFlags,            // 6 (1 or 2 bytes; the low byte holds the classic flags)
  kDeltaBytes,          // 1 octetDeltaCount
  kDeltaPackets,        // 2 packetDeltaCount
  kOutBytes,            // 23 postOctetDeltaCount
  kOutPackets,          // 24 postPacketDeltaCount
  kTotalBytes,          // 85 octetTotalCount
  kTotalPackets,        // 86 packetTotalCount
  kMinTtl,              // 52 minimumTTL
  kIpTtl,               // 192 ipTTL
  kFirstUptimeMs,       // 22 flowStartSysUpTime (v9 FIRST_SWITCHED)
  kLastUptimeMs,        // 21 flowEndSysUpTime (v9 LAST_SWITCHED)
  kStartSec,            // 150
  kEndSec,              // 151
  kStartMs,             // 152
  kEndMs,               // 153
  kStartUs,             // 154 (NTP format, RFC 7011 section 6.1.9)
  kEndUs,               // 155
  kStartNs,             // 156 (NTP format)
  kEndNs,               // 157
  kSystemInitMs,        // 160 systemInitTimeMilliseconds: base of 21/22 in IPFIX
  kIcmpTypeCodeV4,      // 32
  kIcmpTypeCodeV6,      // 139
  kIcmpTypeV4,          // 176
  kIcmpCodeV4,          // 177
  kIcmpTypeV6,          // 178
  kIcmpCodeV6,          // 179
  kFragmentFlags,       // 197
  kFragmentOffset,      // 88
  kSamplingInterval,    // 34 samplingInterval, 50 samplerRandomInterval, 305 samplingPacketInterval
  kSamplingSpace,       // 306 samplingPacketSpace
  kSamplingSize,        // 309 samplingSize
  kSamplingPopulation,  // 310 samplingPopulation
  kSamplerId,           // 48 samplerId (v9 FLOW_SAMPLER_ID), 302 selectorId
  kDataLinkFrame,       // 315 dataLinkFrameSection: the first bytes of a sampled frame, from its MAC header
  kCount
};
static_assert(static_cast<int>(FieldKind::kCount) <= 64, "RecordValues::present is a 64-bit mask");

// The kind of information element `id` carried in `length` bytes (65535: variable length). A field
// whose length does not fit its kind (an address of 5 bytes, a counter of 9, a variable-length
// number) is skipped.
[[nodiscard]] FieldKind fieldKindOf(uint16_t id, uint16_t length, bool enterprise) noexcept;

// The values of one record that mean something to us.
struct RecordValues {
  uint64_t present = 0;  // bit per FieldKind
  std::array<uint64_t, static_cast<std::size_t>(FieldKind::kCount)> value{};
  core::IpAddress src;
  core::IpAddress dst;
  std::span<const uint8_t> frame;  // kDataLinkFrame: points into the datagram being decoded

  [[nodiscard]] bool has(FieldKind k) const noexcept { return (present >> static_cast<unsigned>(k)) & 1U; }
  // 0 when absent: `value` is not cleared between records, `present` is.
  [[nodiscard]] uint64_t get(FieldKind k) const noexcept { return has(k) ? value[static_cast<std::size_t>(k)] : 0; }
  void set(FieldKind k, uint64_t v) noexcept {
    present |= uint64_t{1} << static_cast<unsigned>(k);
    value[static_cast<std::size_t>(k)] = v;
  }
};

// Stores one field's bytes (already bounds-checked, `n` of them) into `values`.
void storeField(FieldKind kind, const uint8_t* p, std::size_t n, RecordValues& values) noexcept;

// The 1:N rate a record states itself (34/50/305 with 306, or 309/310), if any.
[[nodiscard]] std::optional<uint32_t> samplingRateOf(const RecordValues& v) noexcept;

// Times of the export packet the record came in, for the uptime-relative fields of NetFlow v9.
struct ExportContext {
  uint64_t export_ns = 0;        // header unix seconds (and v5 nanoseconds) in ns
  uint32_t sys_uptime_ms = 0;    // v9 header sysUpTime; 0 for IPFIX
  bool uptime_relative = false;  // 21/22 relative to the header's sysUpTime (v9) or to IE 160 (IPFIX)
  uint64_t system_init_ms = 0;   // IPFIX: IE 160 from the domain's options records, when a record lacks it
};

// A record that carries a frame section instead of address fields (IE 315, as switches that sample
// packets export them): the frame decoded as a captured packet, its counts from the record when
// it has them (else one packet of the frame's IP length). Nothing when the frame does not decode.
[[nodiscard]] std::optional<core::FlowRecord> frameToFlowRecord(const RecordValues& v, uint32_t sampling_rate,
                                                                uint64_t receive_ns) noexcept;

// The normalised record. `receive_ns` stands in for the start when the record carries no times.
[[nodiscard]] core::FlowRecord toFlowRecord(const RecordValues& v, const ExportContext& ctx, uint32_t sampling_rate,
                                            uint64_t receive_ns) noexcept;

}  // namespace rampart::flow::netflow
