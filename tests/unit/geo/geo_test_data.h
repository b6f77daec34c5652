// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/ip_address.h"

namespace rampart::geo::test {

// A directory private to this test process (support/temp_dir.h), removed when the process exits.
const std::filesystem::path& tempDir();
std::string writeFile(const std::string& name, const std::string& content);  // returns the path

core::IpAddress ip(const char* text);  // parses or fails the test loudly

// Small MaxMind DB files built once per process by a Perl script using MaxMind::DB::Writer::Tree
// (Debian: libmaxmind-db-writer-perl), so the reader is tested against what real writers produce.
// Networks are from the documentation ranges (RFC 5737, RFC 3849) and ASNs from RFC 5398.
struct TestDatabases {
  std::string geolite2_country;     // v6 tree, country.iso_code (and registered_country only)
  std::string location_db_country;  // v6 tree, top-level country_code (ip-location-db layout)
  std::string ipv4_only_country;    // v4 tree, country_code
  std::string asn;                  // v6 tree, GeoLite2-ASN layout
  std::string ipinfo;               // v6 tree, asn "AS64499", as_name, country_code
};

// Skips the test (fails it when CI=true) when Perl or the writer module is missing.
class MmdbTest : public ::testing::Test {
 protected:
  void SetUp() override;
  const TestDatabases& db() const { return *db_; }

 private:
  const TestDatabases* db_ = nullptr;
};

}  // namespace rampart::geo::test
