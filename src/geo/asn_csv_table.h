// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"
#include "geo/asn_record.h"

namespace rampart::geo {

// Address ranges to autonomous systems, loaded from the CSV files of ip-location-db's ASN data
// (npm @ip-location-db/asn: asn-ipv4.csv, asn-ipv6.csv). One row per inclusive range:
//
//   range_start,range_end,as_number,as_organization
//   1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
//   2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project
//
// Fields follow RFC 4180 quoting ("" inside a quoted field is one quote); an unquoted organisation
// runs to the end of the line. The number may carry an "AS" prefix. IPv4 rows are held v4-mapped,
// as core::IpAddress does, so one sorted table answers both families by binary search.
//
// Malformed rows (bad address, mixed families, start after end, bad number, broken quoting) are
// counted and skipped. Ranges must be disjoint; a row overlapping an earlier-starting one is counted
// and dropped so that lookups stay a single binary search. Immutable after load: lookups are const
// and safe from many threads at once.
class AsnCsvTable {
 public:
  struct LoadStats {
    std::size_t rows = 0;         // ranges in the table
    std::size_t malformed = 0;    // lines skipped as unreadable
    std::size_t overlapping = 0;  // rows dropped because an earlier range covers their start
    std::string first_malformed;  // "file:line" of the first malformed line, for the operator
  };

  // Loads and merges the given files. Fails, naming the file, when one cannot be read or yields no
  // range at all (an empty file, or one in another format such as asn-ipv4-num.csv). A first line
  // that is not a row is taken for a header and not counted as malformed.
  static core::Result<AsnCsvTable, std::string> load(std::span<const std::string> paths);
  static core::Result<AsnCsvTable, std::string> load(const std::string& path) { return load({&path, 1}); }

  // The range holding `address`; number 0 when none does.
  [[nodiscard]] AsnRecord lookup(const core::IpAddress& address) const;

  [[nodiscard]] const LoadStats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::size_t size() const noexcept { return ranges_.size(); }

 private:
  struct Range {
    core::IpAddress first;
    core::IpAddress last;
    uint32_t number;
    uint32_t organization;  // index into organizations_
  };
  class Loader;

  AsnCsvTable() = default;

  std::vector<Range> ranges_;  // sorted by first, disjoint
  // Each distinct name once (a few large networks own thousands of ranges). A deque, so the
  // strings never move while the loader indexes them by view.
  std::deque<std::string> organizations_;
  LoadStats stats_;
};

}  // namespace rampart::geo
