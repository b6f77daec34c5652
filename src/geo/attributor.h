// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ip_address.h"
#include "core/result.h"
#include "geo/asn_csv_table.h"
#include "geo/mmdb_reader.h"

namespace rampart::geo {

// Where an attack source comes from. Empty strings and number 0 mean unknown or not configured.
struct Attribution {
  std::string country;  // ISO 3166-1 alpha-2, e.g. "US"
  uint32_t asn = 0;
  std::string as_org;

  [[nodiscard]] bool empty() const noexcept { return country.empty() && asn == 0 && as_org.empty(); }
  friend bool operator==(const Attribution&, const Attribution&) = default;
};

// Empty path = that part disabled.
struct AttributorConfig {
  std::string country_db;  // a MaxMind DB with country.iso_code or country_code
  // Either one MaxMind DB (*.mmdb) or a comma-separated list of ip-location-db CSV files
  // (*.csv), e.g. "asn-ipv4.csv,asn-ipv6.csv". The extension decides, case-insensitively.
  std::string asn_db;
};

// Country and ASN attribution from whichever databases are configured. Optional by design: with
// nothing configured every lookup is empty and enabled() is false. Immutable once open, so one
// instance may serve many threads.
class Attributor {
 public:
  Attributor() = default;  // nothing configured

  // Fails, naming the setting and the file, when a configured database cannot be used.
  static core::Result<Attributor, std::string> open(const AttributorConfig& config);

  // The databases found in `dir` (the default data dir that scripts/fetch-geoip fills):
  // geolite2-country.mmdb (or MaxMind's GeoLite2-Country.mmdb) for countries; for ASNs a file
  // whose name contains "asn" and ends in .mmdb when there is one, which opens at once, else
  // asn-ipv4.csv and/or asn-ipv6.csv. Missing files, or a missing dir, leave their part empty.
  static AttributorConfig discover(const std::string& dir);

  [[nodiscard]] Attribution lookup(const core::IpAddress& address) const;

  [[nodiscard]] bool enabled() const noexcept { return hasCountry() || hasAsn(); }
  [[nodiscard]] bool hasCountry() const noexcept { return country_.has_value(); }
  [[nodiscard]] bool hasAsn() const noexcept { return asn_mmdb_.has_value() || asn_csv_.has_value(); }
  // One line for the start-up log: which files serve which part, and CSV load statistics.
  [[nodiscard]] std::string describe() const;

 private:
  std::optional<MmdbReader> country_;
  std::optional<MmdbReader> asn_mmdb_;
  std::optional<AsnCsvTable> asn_csv_;
  std::string asn_csv_paths_;  // for describe()
};

}  // namespace rampart::geo
