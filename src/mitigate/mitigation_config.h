// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/prefix.h"

namespace rampart::mitigate {

// What the policy may do, and the limits it never crosses.
struct MitigationConfig {
  bool enabled = false;
  bool dry_run = false;  // log what would be done; touch nothing

  bool drop_fingerprint = true;
  double min_fingerprint_coverage = 0.8;  // a fingerprint matching less of the attack is not used
  unsigned min_fingerprint_fields = 1;    // "all UDP to the host" (protocol alone) is the least allowed

  bool drop_sources = true;          // block the top sources ...
  uint64_t max_attack_sources = 64;  // ... when the attack has at most this many distinct ones ...
  double min_source_share = 0.01;    // ... each with at least this share, and is not spoofed

  bool flowspec = false;  // announce the fingerprint upstream
  bool blackhole = false;
  uint64_t blackhole_min_bps = 0;  // RTBH only for attacks at or above this rate (0: any attack)

  uint64_t hold_ns = 60'000'000'000ULL;  // actions outlive their attack by this long
  uint64_t ttl_ns = 600'000'000'000ULL;  // data-plane expiry, renewed while in force: rules of a
                                         // daemon that died lapse by themselves
  std::size_t max_rules = 1000;          // fingerprint and Flowspec rules in force
  std::size_t max_sources = 10000;       // blocked sources
  std::size_t max_announcements = 100;   // BGP announcements (Flowspec and blackholes)
  std::size_t history = 1000;            // past actions kept for the record

  // Never blocked as a source, never the target of a drop or a blackhole: the organisation's own
  // routers, resolvers, monitoring.
  std::vector<core::Prefix> whitelist;
};

}  // namespace rampart::mitigate
