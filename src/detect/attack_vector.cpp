// SPDX-License-Identifier: Apache-2.0
#include "detect/attack_vector.h"

#include <array>

namespace rampart::detect {
namespace {

struct VectorInfo {
  std::string_view name;
  std::string_view description;
};

constexpr std::array<VectorInfo, kAttackVectorCount> kInfo = {{
    {"syn-flood", "TCP SYN flood"},
    {"syn-ack-reflection", "TCP SYN-ACK reflection"},
    {"ack-flood", "TCP ACK flood"},
    {"rst-flood", "TCP RST flood"},
    {"tcp-flag-abuse", "TCP flag abuse (invalid flag combinations)"},
    {"tcp-flood", "TCP flood"},
    {"udp-flood", "UDP flood"},
    {"dns-amplification", "DNS amplification"},
    {"ntp-amplification", "NTP amplification"},
    {"ssdp-amplification", "SSDP amplification"},
    {"memcached-amplification", "memcached amplification"},
    {"cldap-amplification", "CLDAP amplification"},
    {"snmp-amplification", "SNMP amplification"},
    {"chargen-amplification", "CharGEN amplification"},
    {"qotd-amplification", "QOTD amplification"},
    {"ws-discovery-amplification", "WS-Discovery amplification"},
    {"arms-amplification", "Apple Remote Desktop (ARMS) amplification"},
    {"ike-amplification", "IKE amplification"},
    {"bacnet-amplification", "BACnet amplification"},
    {"ubiquiti-amplification", "Ubiquiti discovery amplification"},
    {"portmap-amplification", "RPC portmap amplification"},
    {"netbios-amplification", "NetBIOS amplification"},
    {"mdns-amplification", "mDNS amplification"},
    {"rdp-amplification", "RDP (UDP) amplification"},
    {"coap-amplification", "CoAP amplification"},
    {"tftp-amplification", "TFTP amplification"},
    {"slp-amplification", "SLP amplification"},
    {"stun-amplification", "STUN amplification"},
    {"icmp-flood", "ICMP flood"},
    {"fragment-flood", "IP fragment flood"},
    {"other-reflection", "UDP reflection from a single source port"},
    {"carpet-bombing", "carpet bombing (attack spread over a prefix)"},
    {"unclassified", "unclassified flood"},
}};

// Packet classes and vectors run in the same order from SYN to fragments (checked below), with
// kTcpOther/kTcpFlood and kUdp/kUdpFlood in matching places.
static_assert(static_cast<int>(AttackVector::kStunAmplification) - static_cast<int>(AttackVector::kSynFlood) ==
              static_cast<int>(traffic::PacketClass::kUdpStun) - static_cast<int>(traffic::PacketClass::kTcpSyn));
static_assert(static_cast<int>(AttackVector::kFragmentFlood) - static_cast<int>(AttackVector::kSynFlood) ==
              static_cast<int>(traffic::PacketClass::kFragment) - static_cast<int>(traffic::PacketClass::kTcpSyn));

}  // namespace

std::string_view toString(AttackVector v) noexcept {
  const auto i = static_cast<std::size_t>(v);
  return i < kInfo.size() ? kInfo[i].name : "invalid";
}

std::string_view describe(AttackVector v) noexcept {
  const auto i = static_cast<std::size_t>(v);
  return i < kInfo.size() ? kInfo[i].description : "invalid";
}

std::optional<AttackVector> vectorFromString(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kInfo.size(); ++i) {
    if (kInfo[i].name == name) return static_cast<AttackVector>(i);
  }
  return std::nullopt;
}

AttackVector vectorOf(traffic::PacketClass c) noexcept {
  if (c == traffic::PacketClass::kOther || c >= traffic::PacketClass::kCount) return AttackVector::kUnclassified;
  return static_cast<AttackVector>(static_cast<int>(c));
}

bool isAmplification(AttackVector v) noexcept {
  return (v >= AttackVector::kDnsAmplification && v <= AttackVector::kStunAmplification) ||
         v == AttackVector::kOtherReflection;
}

}  // namespace rampart::detect
