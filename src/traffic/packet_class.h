// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/flow_record.h"

namespace rampart::traffic {

// Every record falls into exactly one class; counters keep packets and bytes per class, so the
// per-packet cost is one table look-up and two additions whatever the number of attack vectors.
// Reflection services are classes of their own because their volume is what defines an
// amplification attack (a UDP source port of a known reflector).
enum class PacketClass : uint8_t {
  kTcpSyn,        // SYN without ACK
  kTcpSynAck,     // SYN+ACK: reflected handshakes
  kTcpAck,        // bare ACK without data
  kTcpRst,        // RST with or without ACK
  kTcpFlagAbuse,  // flag sets no stack sends: NULL, SYN+FIN, SYN+RST, FIN or URG without ACK, ...
  kTcpOther,      // ordinary segments (data, FIN+ACK, ...)
  kUdp,           // UDP from no known reflector port
  kUdpDns,        // the classes from here to kUdpPortmap are "UDP from reflector port X"
  kUdpNtp,
  kUdpSsdp,
  kUdpMemcached,
  kUdpCldap,
  kUdpSnmp,
  kUdpChargen,
  kUdpQotd,
  kUdpWsDiscovery,
  kUdpArms,
  kUdpIke,
  kUdpBacnet,
  kUdpUbiquiti,
  kUdpPortmap,
  kUdpNetbios,
  kUdpMdns,
  kUdpRdp,
  kUdpCoap,
  kUdpTftp,
  kUdpSlp,
  kUdpStun,
  kIcmp,      // ICMP and ICMPv6
  kFragment,  // non-first fragments (no transport header)
  kOther,     // GRE, ESP, other protocols
  kCount
};

inline constexpr std::size_t kPacketClassCount = static_cast<std::size_t>(PacketClass::kCount);
inline constexpr PacketClass kFirstReflectionClass = PacketClass::kUdpDns;
inline constexpr PacketClass kLastReflectionClass = PacketClass::kUdpStun;

[[nodiscard]] constexpr bool isReflection(PacketClass c) noexcept {
  return c >= kFirstReflectionClass && c <= kLastReflectionClass;
}

[[nodiscard]] std::string_view toString(PacketClass c) noexcept;

// The well-known UDP source port of a reflection class (0 for other classes).
[[nodiscard]] uint16_t reflectorPort(PacketClass c) noexcept;

// Maps UDP source ports to reflection classes. A dense 64 Ki table: one load per UDP packet.
class ReflectorPorts {
 public:
  ReflectorPorts();
  [[nodiscard]] PacketClass classOf(uint16_t src_port) const noexcept { return table_[src_port]; }

 private:
  std::array<PacketClass, 65536> table_;
};

[[nodiscard]] constexpr bool isTcpFlagAbuse(uint8_t flags) noexcept {
  using namespace core::tcp_flag;
  const uint8_t f = flags & (kFin | kSyn | kRst | kPsh | kAck | kUrg);
  if (f == 0) return true;                                     // NULL scan / flood
  if ((f & kSyn) && (f & (kFin | kRst))) return true;          // SYN+FIN, SYN+RST
  if ((f & kRst) && (f & kFin)) return true;                   // RST+FIN
  if (!(f & kAck) && (f & (kFin | kPsh | kUrg))) return true;  // FIN/PSH/URG without ACK (XMAS, FIN scan)
  return false;
}

// The class of one record. Pure and branch-light: it runs for every packet.
[[nodiscard]] inline PacketClass classify(const core::FlowRecord& r, const ReflectorPorts& reflectors) noexcept {
  using namespace core::tcp_flag;
  if (r.isNonFirstFragment()) return PacketClass::kFragment;
  switch (r.protocol) {
    case core::ip_proto::kTcp: {
      const uint8_t f = r.tcp_flags;
      if (isTcpFlagAbuse(f)) return PacketClass::kTcpFlagAbuse;
      if (f & kRst) return PacketClass::kTcpRst;
      if (f & kSyn) return (f & kAck) ? PacketClass::kTcpSynAck : PacketClass::kTcpSyn;
      if ((f & (kAck | kFin | kPsh)) == kAck && r.tcp_payload_empty) return PacketClass::kTcpAck;
      return PacketClass::kTcpOther;
    }
    case core::ip_proto::kUdp: return reflectors.classOf(r.src_port);
    case core::ip_proto::kIcmp:
    case core::ip_proto::kIcmpV6: return PacketClass::kIcmp;
    default: return PacketClass::kOther;
  }
}

}  // namespace rampart::traffic
