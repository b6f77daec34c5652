// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/flow_record.h"
#include "core/ip_address.h"
#include "decode/packet_decoder.h"

namespace rampart::decode::test {

// Decodes from a heap buffer of exactly the frame's size, so that ASan reports any read past it.
inline DecodeResult decodeExact(LinkType link, const std::vector<uint8_t>& frame, core::FlowRecord& out,
                                uint64_t timestamp_ns = 1'000) {
  auto exact = std::make_unique<uint8_t[]>(frame.size());
  if (!frame.empty()) std::memcpy(exact.get(), frame.data(), frame.size());
  return decodePacket(link, std::span<const uint8_t>(exact.get(), frame.size()), timestamp_ns, out);
}

inline core::IpAddress ip(const std::string& text) { return core::IpAddress::parse(text).value(); }

// One IPv6 extension header: its type and total length in bytes (a multiple of 8; of 4 for AH).
struct Extension {
  uint8_t type;
  std::size_t length;
};

// Inserts `extensions` between the fixed header and the upper-layer header of an IPv6 packet made
// by buildIpPacket, chaining the next-header fields and fixing the payload length. Bodies are
// zeros (Pad1 options).
inline std::vector<uint8_t> withIpv6Extensions(const std::vector<uint8_t>& packet,
                                               const std::vector<Extension>& extensions) {
  std::vector<uint8_t> out(packet.begin(), packet.begin() + 40);
  const uint8_t upper = packet[6];
  for (std::size_t i = 0; i < extensions.size(); ++i) {
    const Extension& e = extensions[i];
    std::vector<uint8_t> header(e.length, 0);
    header[0] = i + 1 < extensions.size() ? extensions[i + 1].type : upper;
    header[1] = static_cast<uint8_t>(e.type == 51 ? e.length / 4 - 2 : e.length / 8 - 1);
    out.insert(out.end(), header.begin(), header.end());
  }
  if (!extensions.empty()) out[6] = extensions.front().type;
  out.insert(out.end(), packet.begin() + 40, packet.end());
  const std::size_t payload = out.size() - 40;
  out[4] = static_cast<uint8_t>(payload >> 8);
  out[5] = static_cast<uint8_t>(payload);
  return out;
}

}  // namespace rampart::decode::test
