// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/result.h"
#include "geo/asn_record.h"

struct MMDB_s;  // libmaxminddb; kept out of this header so users need not see maxminddb.h

namespace rampart::geo {

// A MaxMind DB file (https://maxmind.github.io/MaxMind-DB/), memory-mapped by libmaxminddb.
// Move-only; lookups are const and safe from many threads at once. Strings returned as views point
// into the mapping and live as long as the reader (moving the reader does not move the mapping).
class MmdbReader {
 public:
  // The error names the file and libmaxminddb's reason (and errno's for I/O failures).
  static core::Result<MmdbReader, std::string> open(const std::string& path);

  MmdbReader(MmdbReader&&) noexcept = default;
  MmdbReader& operator=(MmdbReader&&) noexcept = default;
  MmdbReader(const MmdbReader&) = delete;
  MmdbReader& operator=(const MmdbReader&) = delete;
  ~MmdbReader() = default;

  // ISO 3166-1 alpha-2 code, or empty when the address is not in the database or its record has
  // no country. Reads `country.iso_code` (GeoLite2/GeoIP2), then `country_code` (ip-location-db,
  // IPinfo), then `registered_country.iso_code` (GeoLite2 networks with no located country).
  [[nodiscard]] std::string_view country(const core::IpAddress& address) const;

  // Reads `autonomous_system_number` / `autonomous_system_organization` (GeoLite2-ASN, DB-IP and
  // ip-location-db's asn-mmdb all use these names), then IPinfo's `asn` ("AS13335") / `as_name`.
  // Number 0 when unknown.
  [[nodiscard]] AsnRecord asn(const core::IpAddress& address) const;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  // The metadata's database_type, e.g. "GeoLite2-Country".
  [[nodiscard]] std::string_view databaseType() const noexcept;
  // 4 or 6. A version-6 database answers IPv4 queries through its IPv4 subtree (::/96).
  [[nodiscard]] unsigned ipVersion() const noexcept;

 private:
  struct Closer {
    void operator()(MMDB_s* db) const noexcept;
  };
  MmdbReader(std::unique_ptr<MMDB_s, Closer> db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  std::unique_ptr<MMDB_s, Closer> db_;
  std::string path_;
};

}  // namespace rampart::geo
