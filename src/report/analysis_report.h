// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "decode/packet_decoder.h"
#include "detect/attack.h"
#include "geo/attributor.h"
#include "traffic/traffic_counters.h"

namespace rampart::report {

// What was read, beside the attacks found in it.
struct CaptureSummary {
  std::vector<std::string> captures;
  uint64_t packets = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
  decode::DecodeStats decode;
  traffic::TrafficStats traffic;
};

using AttributeFn = std::function<geo::Attribution(const core::IpAddress&)>;
// A callback over `attributor`, or an empty one when no database is configured.
[[nodiscard]] AttributeFn attributeWith(const geo::Attributor& attributor);

// The `rampart analyze` report for a person at a terminal.
[[nodiscard]] std::string textReport(const CaptureSummary& summary, std::span<const detect::Attack> attacks,
                                     const AttributeFn& attribute);

// The same as JSON, schema "rampart.analyze/1" (docs/analyze-json.md).
[[nodiscard]] nlohmann::json jsonReport(const CaptureSummary& summary, std::span<const detect::Attack> attacks,
                                        const AttributeFn& attribute);

// One attack as JSON: shared by the report and the daemon's event stream.
[[nodiscard]] nlohmann::json attackJson(const detect::Attack& attack, const AttributeFn& attribute);

// RFC 3339 UTC time with milliseconds, e.g. 2026-11-22T04:15:11.123Z.
[[nodiscard]] std::string isoTime(uint64_t ns);
// 1.5 Mpps, 12.3 Gbps: rates for people.
[[nodiscard]] std::string humanRate(double value, const char* unit);

}  // namespace rampart::report
