// SPDX-License-Identifier: Apache-2.0
#include "flow/netflow/netflow_v5.h"

#include <algorithm>

#include "flow/netflow/wire_reader.h"

namespace rampart::flow::netflow {

// Layout (Cisco NetFlow v5 export format):
//   header  version(2) count(2) sysUptime(4) unix_secs(4) unix_nsecs(4) flow_sequence(4)
//           engine_type(1) engine_id(1) sampling_interval(2)
//   record  srcaddr(4) dstaddr(4) nexthop(4) input(2) output(2) dPkts(4) dOctets(4) first(4)
//           last(4) srcport(2) dstport(2) pad1(1) tcp_flags(1) prot(1) tos(1) src_as(2) dst_as(2)
//           src_mask(1) dst_mask(1) pad2(2)
FlowError decodeV5(std::span<const uint8_t> datagram, uint64_t receive_ns, uint32_t default_rate,
                   std::vector<core::FlowRecord>& out) {
  const uint8_t* p = datagram.data();
  if (datagram.size() < kV5HeaderLength) return FlowError::kTruncated;
  const uint16_t count = wire::load16(p + 2);
  if (count == 0 || count > kV5MaxRecords) return FlowError::kBadHeader;
  if (datagram.size() < kV5HeaderLength + std::size_t{count} * kV5RecordLength) return FlowError::kTruncated;
  const uint32_t uptime_ms = wire::load32(p + 4);
  const uint64_t export_ns =
      uint64_t{wire::load32(p + 8)} * 1'000'000'000ULL + std::min(wire::load32(p + 12), 999'999'999U);
  const uint32_t interval = wire::load16(p + 22) & 0x3fffU;
  const uint32_t rate = interval != 0 ? interval : (default_rate == 0 ? 1 : default_rate);

  const auto atUptime = [&](uint32_t ms) -> uint64_t {
    const int64_t t =
        static_cast<int64_t>(export_ns) - (static_cast<int64_t>(uptime_ms) - static_cast<int64_t>(ms)) * 1'000'000LL;
    return t > 0 ? static_cast<uint64_t>(t) : 0;
  };

  out.reserve(out.size() + count);
  for (uint16_t i = 0; i < count; ++i) {
    const uint8_t* r = p + kV5HeaderLength + std::size_t{i} * kV5RecordLength;
    core::FlowRecord f;
    f.src = core::IpAddress::fromV4Bytes(r);
    f.dst = core::IpAddress::fromV4Bytes(r + 4);
    f.packets = wire::load32(r + 16);
    f.bytes = wire::load32(r + 20);
    const uint64_t first = atUptime(wire::load32(r + 24));
    const uint64_t last = atUptime(wire::load32(r + 28));
    f.timestamp_ns = first != 0 ? first : receive_ns;
    f.duration_ns = first != 0 && last > first ? last - first : 0;
    f.src_port = wire::load16(r + 32);
    f.dst_port = wire::load16(r + 34);
    f.tcp_flags = r[37];
    f.protocol = r[38];
    if (f.protocol == core::ip_proto::kIcmp) f.src_port = 0;  // exporters put type<<8|code in dstport
    f.ip_length = f.packets == 0 ? 0 : static_cast<uint16_t>(std::min<uint64_t>(f.bytes / f.packets, 65535));
    f.sampling_rate = rate;
    out.push_back(f);
  }
  return FlowError::kOk;
}

}  // namespace rampart::flow::netflow
