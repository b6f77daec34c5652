// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/flow_record.h"
#include "core/ip_address.h"
#include "flow/netflow/netflow_decoder.h"
#include "support/shared_data.h"
#include "support/udp_payloads.h"

namespace rampart::flow::netflow::test {

inline std::filesystem::path flowDataDir(const std::string& sub) {
  return testing::sharedDataDir(RAMPART_SOURCE_DIR) / "flow-telemetry" / sub;
}

// Skips (or fails under CI=true) when the shared captures are absent.
#define RAMPART_REQUIRE_DIR(dir)                                               \
  do {                                                                         \
    if (!std::filesystem::exists(dir)) {                                       \
      if (rampart::testing::inCi()) FAIL() << "missing shared data " << (dir); \
      GTEST_SKIP() << "shared data absent: " << (dir);                         \
    }                                                                          \
  } while (0)

// Decodes every UDP datagram of a capture in order, exporter = its source address.
inline std::vector<core::FlowRecord> decodeCapture(NetflowDecoder& dec, const std::filesystem::path& pcap,
                                                   std::vector<FlowError>* errors = nullptr) {
  std::vector<core::FlowRecord> out;
  for (const auto& d : testing::udpDatagrams(pcap.string())) {
    const auto exporter = core::IpAddress::parse(d.src).value_or(core::IpAddress{});
    const FlowError e = dec.decode(exporter, d.payload, d.timestamp_ns, out);
    if (errors != nullptr) errors->push_back(e);
  }
  return out;
}

inline uint64_t errorCount(const NetflowStats& s) {
  uint64_t n = 0;
  for (std::size_t i = 1; i < s.errors.size(); ++i) n += s.errors[i];
  return n;
}

}  // namespace rampart::flow::netflow::test
