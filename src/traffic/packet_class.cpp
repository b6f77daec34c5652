// SPDX-License-Identifier: Apache-2.0
#include "traffic/packet_class.h"

namespace rampart::traffic {
namespace {

struct ClassInfo {
  std::string_view name;
  uint16_t port;  // reflector source port, 0 when not a reflection class
};

// Ports from the reflection vectors documented by US-CERT TA14-017A, Cloudflare and Akamai.
constexpr std::array<ClassInfo, kPacketClassCount> kInfo = {{
    {"tcp-syn", 0},
    {"tcp-syn-ack", 0},
    {"tcp-ack", 0},
    {"tcp-rst", 0},
    {"tcp-flag-abuse", 0},
    {"tcp-other", 0},
    {"udp", 0},
    {"udp-dns", 53},
    {"udp-ntp", 123},
    {"udp-ssdp", 1900},
    {"udp-memcached", 11211},
    {"udp-cldap", 389},
    {"udp-snmp", 161},
    {"udp-chargen", 19},
    {"udp-qotd", 17},
    {"udp-ws-discovery", 3702},
    {"udp-arms", 3283},
    {"udp-ike", 500},
    {"udp-bacnet", 47808},
    {"udp-ubiquiti", 10001},
    {"udp-portmap", 111},
    {"udp-netbios", 137},
    {"udp-mdns", 5353},
    {"udp-rdp", 3389},
    {"udp-coap", 5683},
    {"udp-tftp", 69},
    {"udp-slp", 427},
    {"udp-stun", 3478},
    {"icmp", 0},
    {"fragment", 0},
    {"other", 0},
}};

}  // namespace

std::string_view toString(PacketClass c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < kInfo.size() ? kInfo[i].name : "invalid";
}

uint16_t reflectorPort(PacketClass c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < kInfo.size() ? kInfo[i].port : 0;
}

ReflectorPorts::ReflectorPorts() {
  table_.fill(PacketClass::kUdp);
  for (std::size_t i = 0; i < kPacketClassCount; ++i) {
    if (kInfo[i].port != 0) table_[kInfo[i].port] = static_cast<PacketClass>(i);
  }
}

}  // namespace rampart::traffic
