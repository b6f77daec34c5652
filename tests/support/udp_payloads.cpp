// SPDX-License-Identifier: Apache-2.0
#include "support/udp_payloads.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace rampart::testing {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// Offset of the IP header in a frame of link type `dlt`, or -1 when it carries no IP.
long ipOffset(int dlt, const uint8_t* p, uint32_t len) {
  if (dlt == DLT_EN10MB) {
    uint32_t off = 12;
    while (off + 2 <= len) {
      const uint16_t type = be16(p + off);
      if (type == 0x8100 || type == 0x88a8) {
        off += 4;
        continue;
      }
      return (type == 0x0800 || type == 0x86dd) ? static_cast<long>(off + 2) : -1;
    }
    return -1;
  }
  if (dlt == DLT_LINUX_SLL) return len >= 16 ? 16 : -1;
  if (dlt == DLT_LINUX_SLL2) return len >= 20 ? 20 : -1;
  if (dlt == DLT_RAW || dlt == 101) return 0;
  if (dlt == DLT_NULL || dlt == DLT_LOOP) return len >= 4 ? 4 : -1;
  return -1;
}

}  // namespace

std::vector<UdpDatagram> udpDatagrams(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pc = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  if (pc == nullptr) throw std::runtime_error(path + ": " + err);
  const int dlt = pcap_datalink(pc);
  std::vector<UdpDatagram> out;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(pc, &h, &data) == 1) {
    const long off = ipOffset(dlt, data, h->caplen);
    if (off < 0) continue;
    const uint8_t* ip = data + off;
    const uint32_t left = h->caplen - static_cast<uint32_t>(off);
    if (left < 20) continue;
    UdpDatagram d;
    d.timestamp_ns = uint64_t(h->ts.tv_sec) * 1'000'000'000ULL + uint64_t(h->ts.tv_usec);
    char buf[INET6_ADDRSTRLEN];
    uint32_t udp = 0;
    if ((ip[0] >> 4) == 4) {
      const uint32_t ihl = (ip[0] & 0x0f) * 4u;
      if (ip[9] != 17 || (be16(ip + 6) & 0x3fff) != 0 || left < ihl + 8) continue;
      d.src = inet_ntop(AF_INET, ip + 12, buf, sizeof buf);
      d.dst = inet_ntop(AF_INET, ip + 16, buf, sizeof buf);
      udp = ihl;
    } else if ((ip[0] >> 4) == 6) {
      if (left < 48 || ip[6] != 17) continue;
      d.src = inet_ntop(AF_INET6, ip + 8, buf, sizeof buf);
      d.dst = inet_ntop(AF_INET6, ip + 24, buf, sizeof buf);
      udp = 40;
    } else {
      continue;
    }
    const uint16_t udp_len = be16(ip + udp + 4);
    if (udp_len < 8 || udp + udp_len > left) continue;  // truncated by the snap length
    d.src_port = be16(ip + udp);
    d.dst_port = be16(ip + udp + 2);
    d.payload.assign(ip + udp + 8, ip + udp + udp_len);
    out.push_back(std::move(d));
  }
  pcap_close(pc);
  return out;
}

std::vector<uint8_t> readFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace rampart::testing
