// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for NetflowDecoder. One decoder lives across inputs so templates learned from
// one input shape how later ones decode. An input is a sequence of frames:
//   exporter(1) length(2, big-endian) datagram(length)
// The exporter byte picks one of four addresses (two IPv4, two IPv6), so templates and data of
// several exporters interleave. A short last frame takes what is left. Each input advances the clock
// by one second and every 64th input expires state. Besides not crashing, results must be in range
// and records self-consistent; the caps bound the state however long the run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "flow/netflow/netflow_decoder.h"

namespace {

using rampart::flow::netflow::FlowError;
using rampart::flow::netflow::NetflowConfig;
using rampart::flow::netflow::NetflowDecoder;

void check(bool condition, int line) {
  if (condition) return;
  std::fprintf(stderr, "check failed at line %d\n", line);
  std::abort();
}

NetflowDecoder& decoder() {
  static NetflowDecoder dec = [] {
    NetflowConfig cfg;
    cfg.template_timeout_ns = 120ULL * 1'000'000'000ULL;
    cfg.templates.max_per_exporter = 64;
    cfg.templates.max_total = 192;
    cfg.pending_total = 16;
    cfg.pending_per_domain = 4;
    return NetflowDecoder(cfg);
  }();
  return dec;
}

rampart::core::IpAddress exporter(uint8_t b) {
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  switch (b & 3U) {
    case 0: return rampart::core::IpAddress::fromV4(0xC0000201);
    case 1: return rampart::core::IpAddress::fromV4(0xC0000202);
    case 2: return rampart::core::IpAddress::fromV6Bytes(v6);
    default: return {};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint64_t now_ns = 0;
  static uint64_t inputs = 0;
  now_ns += 1'000'000'000ULL;
  NetflowDecoder& dec = decoder();
  std::vector<rampart::core::FlowRecord> out;
  std::size_t off = 0;
  while (size - off >= 3) {
    const uint8_t which = data[off];
    std::size_t len = (std::size_t{data[off + 1]} << 8) | data[off + 2];
    off += 3;
    len = std::min(len, size - off);
    const std::size_t before = out.size();
    const FlowError e = dec.decode(exporter(which), std::span<const uint8_t>(data + off, len), now_ns, out);
    check(static_cast<std::size_t>(e) < rampart::flow::netflow::kFlowErrorCount, __LINE__);
    check(!toString(e).empty(), __LINE__);
    for (std::size_t i = before; i < out.size(); ++i) {
      const auto& r = out[i];
      check(r.sampling_rate >= 1, __LINE__);
      // The mean uses the true packet count, which may exceed the saturated 32-bit field.
      check(r.packets == 0 || r.packets == UINT32_MAX || r.ip_length == std::min<uint64_t>(r.bytes / r.packets, 65535),
            __LINE__);
      if (r.isNonFirstFragment()) check(r.isFragment() && r.src_port == 0 && r.dst_port == 0, __LINE__);
    }
    off += len;
  }
  if (++inputs % 64 == 0) dec.expire(now_ns);
  check(dec.templateCount() <= 192, __LINE__);
  check(dec.pendingCount() <= 16, __LINE__);
  return 0;
}
