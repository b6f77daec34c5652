// SPDX-License-Identifier: Apache-2.0
#include "geo/attributor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "geo_test_data.h"

namespace rampart::geo {
namespace {

using ::rampart::geo::test::ip;
using ::rampart::geo::test::MmdbTest;
using ::rampart::geo::test::writeFile;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

Attributor openOrDie(const AttributorConfig& config) {
  auto attributor = Attributor::open(config);
  if (!attributor) throw std::runtime_error(attributor.error());
  return std::move(attributor).value();
}

TEST(AttributorTest, NothingConfiguredIsDisabledAndEmpty) {
  const Attributor by_default;
  EXPECT_FALSE(by_default.enabled());
  EXPECT_TRUE(by_default.lookup(ip("192.0.2.1")).empty());
  EXPECT_THAT(by_default.describe(), HasSubstr("disabled"));

  const Attributor opened = openOrDie(AttributorConfig{});
  EXPECT_FALSE(opened.enabled());
  EXPECT_FALSE(opened.hasCountry());
  EXPECT_FALSE(opened.hasAsn());
  EXPECT_EQ(opened.lookup(ip("2001:db8::1")), Attribution{});
}

using AttributorMmdbTest = MmdbTest;

TEST_F(AttributorMmdbTest, CountryAndAsnFromMmdb) {
  const Attributor attributor = openOrDie({db().geolite2_country, db().asn});
  EXPECT_TRUE(attributor.enabled());
  EXPECT_EQ(attributor.lookup(ip("192.0.2.1")), (Attribution{"US", 64496, "Example One"}));
  EXPECT_EQ(attributor.lookup(ip("2001:db8::1")), (Attribution{"DE", 64498, "Example Six"}));
  EXPECT_EQ(attributor.lookup(ip("203.0.113.1")), (Attribution{"", 64497, "Example \"Two\", Inc."}));
  EXPECT_TRUE(attributor.lookup(ip("10.1.2.3")).empty());
  EXPECT_THAT(attributor.describe(), HasSubstr(db().asn));
}

TEST_F(AttributorMmdbTest, CountryOnly) {
  const Attributor attributor = openOrDie({db().location_db_country, ""});
  EXPECT_TRUE(attributor.hasCountry());
  EXPECT_FALSE(attributor.hasAsn());
  EXPECT_EQ(attributor.lookup(ip("192.0.2.1")), (Attribution{"JP", 0, ""}));
}

TEST(AttributorTest, AsnFromCsvList) {
  const std::string v4 = writeFile("a/asn-ipv4.csv", "192.0.2.0,192.0.2.255,64496,Four\n");
  const std::string v6 = writeFile("a/asn-ipv6.csv", "2001:db8::,2001:db8::ffff,64497,Six\n");
  const Attributor attributor = openOrDie({"", v4 + " , " + v6});
  EXPECT_TRUE(attributor.enabled());
  EXPECT_FALSE(attributor.hasCountry());
  EXPECT_EQ(attributor.lookup(ip("192.0.2.9")), (Attribution{"", 64496, "Four"}));
  EXPECT_EQ(attributor.lookup(ip("2001:db8::1")), (Attribution{"", 64497, "Six"}));
  EXPECT_THAT(attributor.describe(), HasSubstr("2 ranges"));
}

TEST(AttributorTest, ErrorsNameTheSettingAndFile) {
  const std::string absent = (test::tempDir() / "absent.mmdb").string();
  const auto country = Attributor::open({absent, ""});
  ASSERT_FALSE(country.ok());
  EXPECT_THAT(country.error(), HasSubstr("country_db"));
  EXPECT_THAT(country.error(), HasSubstr(absent));

  const auto asn = Attributor::open({"", absent});
  ASSERT_FALSE(asn.ok());
  EXPECT_THAT(asn.error(), HasSubstr("asn_db"));
  EXPECT_THAT(asn.error(), HasSubstr(absent));

  const auto csv = Attributor::open({"", (test::tempDir() / "absent.csv").string()});
  ASSERT_FALSE(csv.ok());
  EXPECT_THAT(csv.error(), HasSubstr("absent.csv"));

  for (const char* bad : {"asn.txt", "a.mmdb,b.mmdb", "a.csv,b.mmdb"}) {
    const auto kind = Attributor::open({"", bad});
    ASSERT_FALSE(kind.ok()) << bad;
    EXPECT_THAT(kind.error(), HasSubstr(".mmdb file or a comma-separated list of .csv"));
  }
}

TEST(AttributorTest, DiscoverFindsNothingInAnEmptyOrMissingDir) {
  fs::create_directories(test::tempDir() / "empty");
  const AttributorConfig empty = Attributor::discover((test::tempDir() / "empty").string());
  EXPECT_EQ(empty.country_db, "");
  EXPECT_EQ(empty.asn_db, "");
  const AttributorConfig missing = Attributor::discover((test::tempDir() / "nowhere").string());
  EXPECT_EQ(missing.country_db, "");
  EXPECT_EQ(missing.asn_db, "");
  EXPECT_EQ(Attributor::discover("").asn_db, "");
}

TEST(AttributorTest, DiscoverFindsFetchedFiles) {
  const fs::path dir = test::tempDir() / "fetched";
  const std::string country = writeFile("fetched/geolite2-country.mmdb", "x");
  const std::string v4 = writeFile("fetched/asn-ipv4.csv", "x");
  const std::string v6 = writeFile("fetched/asn-ipv6.csv", "x");
  writeFile("fetched/ATTRIBUTION.txt", "x");
  AttributorConfig config = Attributor::discover(dir.string());
  EXPECT_EQ(config.country_db, country);
  EXPECT_EQ(config.asn_db, v4 + "," + v6);

  fs::remove(v4);
  EXPECT_EQ(Attributor::discover(dir.string()).asn_db, v6);

  // An ASN MaxMind DB opens at once; it wins over the CSVs.
  const std::string mmdb = writeFile("fetched/GeoLite2-ASN.mmdb", "x");
  writeFile("fetched/zz-asn.mmdb", "x");
  fs::create_directories(dir / "asn.mmdb.d");
  config = Attributor::discover(dir.string());
  EXPECT_EQ(config.asn_db, mmdb);
  EXPECT_EQ(config.country_db, country);
}

// The real data that scripts/fetch-geoip installs; skipped when it has not been fetched.
TEST(AttributorRealDataTest, DefaultDataDir) {
  const fs::path dir = fs::path(RAMPART_SOURCE_DIR) / "var/geoip";
  const AttributorConfig config = Attributor::discover(dir.string());
  if (config.country_db.empty() || config.asn_db.empty()) {
    GTEST_SKIP() << dir << " lacks country or ASN data; run scripts/fetch-geoip to test real data";
  }
  const Attributor attributor = openOrDie(config);
  const Attribution google = attributor.lookup(ip("8.8.8.8"));
  EXPECT_EQ(google.country, "US");
  EXPECT_EQ(google.asn, 15169u);
  EXPECT_THAT(google.as_org, HasSubstr("Google"));
  std::printf("%s\n", attributor.describe().c_str());
}

}  // namespace
}  // namespace rampart::geo
