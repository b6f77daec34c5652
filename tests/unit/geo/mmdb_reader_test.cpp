// SPDX-License-Identifier: Apache-2.0
#include "geo/mmdb_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "geo_test_data.h"

namespace rampart::geo {
namespace {

using ::rampart::geo::test::ip;
using ::rampart::geo::test::MmdbTest;
using ::rampart::geo::test::writeFile;
using ::testing::HasSubstr;

MmdbReader openOrDie(const std::string& path) {
  auto reader = MmdbReader::open(path);
  if (!reader) throw std::runtime_error(reader.error());
  return std::move(reader).value();
}

using MmdbReaderTest = MmdbTest;

TEST_F(MmdbReaderTest, GeoLite2LayoutCountry) {
  const MmdbReader reader = openOrDie(db().geolite2_country);
  EXPECT_EQ(reader.databaseType(), "GeoLite2-Country");
  EXPECT_EQ(reader.ipVersion(), 6u);
  EXPECT_EQ(reader.country(ip("192.0.2.77")), "US");
  EXPECT_EQ(reader.country(ip("2001:db8::5")), "DE");
  EXPECT_EQ(reader.country(ip("2001:db8:ffff:ffff::1")), "DE");
}

TEST_F(MmdbReaderTest, FallsBackToRegisteredCountry) {
  const MmdbReader reader = openOrDie(db().geolite2_country);
  EXPECT_EQ(reader.country(ip("198.51.100.9")), "FR");
}

TEST_F(MmdbReaderTest, MissesAreEmpty) {
  const MmdbReader reader = openOrDie(db().geolite2_country);
  EXPECT_EQ(reader.country(ip("203.0.113.1")), "");
  EXPECT_EQ(reader.country(ip("10.0.0.1")), "");
  EXPECT_EQ(reader.country(ip("2001:db9::1")), "");
  EXPECT_EQ(reader.country(ip("::")), "");
  EXPECT_EQ(reader.asn(ip("192.0.2.77")).number, 0u) << "a country database has no ASN";
}

TEST_F(MmdbReaderTest, IpLocationDbLayoutCountry) {
  const MmdbReader reader = openOrDie(db().location_db_country);
  EXPECT_EQ(reader.country(ip("192.0.2.1")), "JP");
  EXPECT_EQ(reader.country(ip("2001:db8:1::1")), "BR");
  EXPECT_EQ(reader.country(ip("2001:db8:2::1")), "");
}

// The writers put IPv4 networks at ::a.b.c.d/96+n of a version-6 tree and these test files have no
// ::ffff:0:0/96 alias, so the hit proves the reader enters through the IPv4 subtree.
TEST_F(MmdbReaderTest, Ipv4InIpv6Tree) {
  const MmdbReader reader = openOrDie(db().location_db_country);
  EXPECT_EQ(reader.country(ip("::ffff:192.0.2.200")), "JP");  // v4-mapped text is an IPv4 address
  EXPECT_EQ(reader.country(core::IpAddress::fromV4(0xC0000201)), "JP");
}

TEST_F(MmdbReaderTest, Ipv6QueryInIpv4DatabaseIsAMiss) {
  const MmdbReader reader = openOrDie(db().ipv4_only_country);
  EXPECT_EQ(reader.ipVersion(), 4u);
  EXPECT_EQ(reader.country(ip("192.0.2.3")), "NL");
  EXPECT_EQ(reader.country(ip("2001:db8::1")), "");
}

TEST_F(MmdbReaderTest, GeoLite2AsnLayout) {
  const MmdbReader reader = openOrDie(db().asn);
  const AsnRecord one = reader.asn(ip("192.0.2.1"));
  EXPECT_EQ(one.number, 64496u);
  EXPECT_EQ(one.organization, "Example One");
  EXPECT_EQ(reader.asn(ip("192.0.2.128")).number, 0u) << "outside the /25";
  const AsnRecord two = reader.asn(ip("203.0.113.255"));
  EXPECT_EQ(two.number, 64497u);
  EXPECT_EQ(two.organization, "Example \"Two\", Inc.");
  const AsnRecord six = reader.asn(ip("2001:db8:abcd::1"));
  EXPECT_EQ(six.number, 64498u);
  EXPECT_EQ(six.organization, "Example Six");
  EXPECT_EQ(reader.country(ip("192.0.2.1")), "") << "an ASN database has no country";
}

TEST_F(MmdbReaderTest, IpinfoLayout) {
  const MmdbReader reader = openOrDie(db().ipinfo);
  const AsnRecord record = reader.asn(ip("198.51.100.1"));
  EXPECT_EQ(record.number, 64499u);
  EXPECT_EQ(record.organization, "Info Net");
  EXPECT_EQ(reader.country(ip("198.51.100.1")), "CA");
}

TEST_F(MmdbReaderTest, MoveKeepsTheMapping) {
  MmdbReader first = openOrDie(db().asn);
  const std::string_view org = first.asn(ip("192.0.2.1")).organization;
  MmdbReader second = std::move(first);
  EXPECT_EQ(second.asn(ip("192.0.2.1")).organization, "Example One");
  EXPECT_EQ(org, "Example One") << "views survive a move of the reader";
  MmdbReader third = openOrDie(db().geolite2_country);
  third = std::move(second);
  EXPECT_EQ(third.path(), db().asn);
  EXPECT_EQ(third.asn(ip("203.0.113.1")).number, 64497u);
}

TEST(MmdbReaderErrorTest, MissingFileNamesFileAndReason) {
  const std::string path = (test::tempDir() / "no-such.mmdb").string();
  const auto reader = MmdbReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error(), HasSubstr(path));
  EXPECT_THAT(reader.error(), HasSubstr("No such file or directory"));
}

TEST(MmdbReaderErrorTest, GarbageFile) {
  std::string noise(4096, '\0');
  uint32_t x = 12345;
  for (char& c : noise) c = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
  const std::string path = writeFile("garbage.mmdb", noise);
  const auto reader = MmdbReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error(), HasSubstr(path));
  EXPECT_THAT(reader.error(), HasSubstr("metadata"));
}

TEST(MmdbReaderErrorTest, EmptyFile) {
  const std::string path = writeFile("empty.mmdb", "");
  const auto reader = MmdbReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error(), HasSubstr(path));
}

TEST(MmdbReaderErrorTest, Directory) {
  const std::string path = test::tempDir().string();
  const auto reader = MmdbReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error(), HasSubstr(path));
}

TEST_F(MmdbReaderTest, TruncatedFile) {
  std::ifstream in(db().asn, std::ios::binary);
  const std::string whole{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_GT(whole.size(), 64u);
  const std::string path = writeFile("truncated.mmdb", whole.substr(0, whole.size() / 2));
  const auto reader = MmdbReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.error(), HasSubstr(path));
}

// The real data that scripts/fetch-geoip installs; skipped when it has not been fetched.
TEST(MmdbReaderRealDataTest, GoogleDnsIsInTheUs) {
  const auto path = std::filesystem::path(RAMPART_SOURCE_DIR) / "var/geoip/geolite2-country.mmdb";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent; run scripts/fetch-geoip to test real data";
  const MmdbReader reader = openOrDie(path.string());
  EXPECT_EQ(reader.country(ip("8.8.8.8")), "US");
  EXPECT_EQ(reader.country(ip("2001:4860:4860::8888")), "US");
  EXPECT_EQ(reader.country(ip("127.0.0.1")), "");
}

}  // namespace
}  // namespace rampart::geo
