// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rampart::testing {

// One UDP datagram found in a capture: what a flow collector's socket would have received.
struct UdpDatagram {
  uint64_t timestamp_ns = 0;
  std::string src;  // exporter address, text (IPv4 or IPv6)
  std::string dst;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  std::vector<uint8_t> payload;
};

// Every UDP datagram (IPv4 or IPv6, Ethernet/VLAN, Linux cooked or raw IP links) in a pcap or
// pcapng file, in capture order. Fragmented or truncated datagrams are skipped. Throws
// std::runtime_error when the file cannot be read.
std::vector<UdpDatagram> udpDatagrams(const std::string& capture_path);

// The bytes of a whole file (for the raw-payload .dat files of ../shared/data).
std::vector<uint8_t> readFileBytes(const std::string& path);

}  // namespace rampart::testing
