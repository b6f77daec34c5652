// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/prefix.h"
#include "detect/fingerprint.h"

namespace rampart::mitigate {

// What to drop, in the one form every data plane takes (XDP rules, nftables rules, Flowspec
// NLRI): traffic to `destination`, optionally from `source`, whose headers match every field set.
// Absent fields are wildcards. Field meanings follow detect::Fingerprint (ICMP type/code in
// dst_port; length = IP total length).
struct FilterRule {
  core::Prefix destination;
  std::optional<core::Prefix> source;
  std::optional<uint8_t> protocol;
  std::optional<uint16_t> src_port;
  std::optional<uint16_t> dst_port;
  std::optional<detect::Range<uint16_t>> length;
  std::optional<uint8_t> tcp_flags;  // all eight bits exactly
  std::optional<detect::Range<uint8_t>> ttl;
  bool fragments_only = false;

  // The rule that drops what `fp` describes, towards `destination`.
  [[nodiscard]] static FilterRule fromFingerprint(const detect::Fingerprint& fp, const core::Prefix& destination);

  // Header fields set, besides the destination (and source).
  [[nodiscard]] unsigned fieldCount() const noexcept;
  // "to 192.0.2.10/32 udp src-port 123 length 400-480": readable, and the identity of a rule.
  [[nodiscard]] std::string toString() const;

  friend bool operator==(const FilterRule&, const FilterRule&) = default;
};

}  // namespace rampart::mitigate
