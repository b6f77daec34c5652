// SPDX-License-Identifier: Apache-2.0
#include "geo/asn_csv_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <vector>

#include "geo_test_data.h"

namespace rampart::geo {
namespace {

using ::rampart::geo::test::ip;
using ::rampart::geo::test::writeFile;
using ::testing::HasSubstr;

AsnCsvTable loadOrDie(const std::vector<std::string>& paths) {
  auto table = AsnCsvTable::load(paths);
  if (!table) throw std::runtime_error(table.error());
  return std::move(table).value();
}

constexpr const char* kIpv4 =
    "ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization\n"
    "192.0.2.0,192.0.2.127,64496,Example One\n"
    "192.0.2.128,192.0.2.255,AS64497,\"Example \"\"Two\"\", Inc.\"\r\n"
    "\n"
    "203.0.113.0, 203.0.113.255 ,64498,\"Comma, Ltd\"\n"
    "198.51.100.0,198.51.100.255,64499,\n";

TEST(AsnCsvTableTest, LooksUpIpv4Rows) {
  const AsnCsvTable table = loadOrDie({writeFile("v4.csv", kIpv4)});
  EXPECT_EQ(table.size(), 4u);
  EXPECT_EQ(table.stats().malformed, 0u) << table.stats().first_malformed;

  const AsnRecord one = table.lookup(ip("192.0.2.0"));
  EXPECT_EQ(one.number, 64496u);
  EXPECT_EQ(one.organization, "Example One");
  EXPECT_EQ(table.lookup(ip("192.0.2.127")).number, 64496u);
  const AsnRecord two = table.lookup(ip("192.0.2.128"));
  EXPECT_EQ(two.number, 64497u);
  EXPECT_EQ(two.organization, "Example \"Two\", Inc.");
  EXPECT_EQ(table.lookup(ip("203.0.113.77")).organization, "Comma, Ltd");
  EXPECT_EQ(table.lookup(ip("198.51.100.1")).number, 64499u);
  EXPECT_EQ(table.lookup(ip("198.51.100.1")).organization, "");
}

TEST(AsnCsvTableTest, MissesBeforeBetweenAndAfter) {
  const AsnCsvTable table = loadOrDie({writeFile("v4.csv", kIpv4)});
  EXPECT_EQ(table.lookup(ip("0.0.0.0")).number, 0u);
  EXPECT_EQ(table.lookup(ip("192.0.1.255")).number, 0u);
  EXPECT_EQ(table.lookup(ip("192.0.3.0")).number, 0u);
  EXPECT_EQ(table.lookup(ip("255.255.255.255")).number, 0u);
  EXPECT_EQ(table.lookup(ip("::")).number, 0u);
  EXPECT_EQ(table.lookup(ip("::c000:201")).number, 0u) << "IPv4-compatible is not IPv4";
  EXPECT_EQ(table.lookup(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).number, 0u);
}

TEST(AsnCsvTableTest, MergesIpv4AndIpv6Files) {
  const std::string v6 = writeFile("v6.csv",
                                   "2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64500,Six Net\n"
                                   "2001:db9::,2001:db9::ff,64501,\"Tiny, \"\"v6\"\"\"\n");
  const AsnCsvTable table = loadOrDie({writeFile("v4.csv", kIpv4), v6});
  EXPECT_EQ(table.size(), 6u);
  EXPECT_EQ(table.lookup(ip("2001:db8:1234::1")).number, 64500u);
  EXPECT_EQ(table.lookup(ip("2001:db9::ff")).organization, "Tiny, \"v6\"");
  EXPECT_EQ(table.lookup(ip("2001:db9::100")).number, 0u);
  EXPECT_EQ(table.lookup(ip("192.0.2.1")).number, 64496u);
  EXPECT_EQ(table.lookup(ip("::ffff:192.0.2.1")).number, 64496u);
}

TEST(AsnCsvTableTest, CountsAndSkipsMalformedLines) {
  using namespace std::string_literals;  // line 12 holds a NUL
  const std::string path = writeFile("bad.csv",
                                     "192.0.2.0,192.0.2.9,64496,Good\n"        // 1
                                     "192.0.2.10,192.0.2.300,64496,Bad\n"      // 2 address
                                     "192.0.2.20,192.0.2.29\n"                 // 3 too few fields
                                     "192.0.2.39,192.0.2.30,64496,Reversed\n"  // 4 start after end
                                     "192.0.2.40,2001:db8::,64496,Mixed\n"     // 5 families
                                     "192.0.2.50,192.0.2.59,sixty,Word\n"      // 6 number
                                     "192.0.2.60,192.0.2.69,4294967296,Big\n"  // 7 overflow
                                     "192.0.2.70,192.0.2.79,-5,Negative\n"     // 8 sign
                                     "192.0.2.80,192.0.2.89,64496,\"Open\n"    // 9 quote
                                     "192.0.2.90,192.0.2.99,64496,\"A\" B\n"   // 10 after quote
                                     ",,,\n"                                   // 11
                                     "\xff\xfe\x00garbage\n"s +                // 12
                                         "192.0.2.100,192.0.2.109,64497,Good too\n");
  const AsnCsvTable table = loadOrDie({path});
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.stats().malformed, 11u);
  EXPECT_EQ(table.stats().first_malformed, path + ":2");
  EXPECT_EQ(table.lookup(ip("192.0.2.5")).organization, "Good");
  EXPECT_EQ(table.lookup(ip("192.0.2.105")).organization, "Good too");
  EXPECT_EQ(table.lookup(ip("192.0.2.55")).number, 0u);
}

TEST(AsnCsvTableTest, SortsAndDropsOverlaps) {
  const AsnCsvTable table = loadOrDie({writeFile("unsorted.csv",
                                                 "192.0.2.100,192.0.2.199,3,C\n"
                                                 "192.0.2.0,192.0.2.99,1,A\n"
                                                 "192.0.2.50,192.0.2.60,2,Inside A\n"
                                                 "192.0.2.200,192.0.2.255,4,D\n")});
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.stats().overlapping, 1u);
  EXPECT_EQ(table.lookup(ip("192.0.2.55")).number, 1u);
  EXPECT_EQ(table.lookup(ip("192.0.2.99")).number, 1u);
  EXPECT_EQ(table.lookup(ip("192.0.2.100")).number, 3u);
  EXPECT_EQ(table.lookup(ip("192.0.2.255")).number, 4u);
}

TEST(AsnCsvTableTest, OrganizationsAreShared) {
  const AsnCsvTable table = loadOrDie({writeFile("shared.csv",
                                                 "192.0.2.0,192.0.2.9,1,Same\n"
                                                 "192.0.2.10,192.0.2.19,1,Same\n")});
  EXPECT_EQ(table.lookup(ip("192.0.2.1")).organization.data(), table.lookup(ip("192.0.2.11")).organization.data());
}

TEST(AsnCsvTableTest, MissingFileIsAClearError) {
  const std::string path = (test::tempDir() / "absent.csv").string();
  const auto table = AsnCsvTable::load(path);
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.error(), HasSubstr(path));
  EXPECT_THAT(table.error(), HasSubstr("No such file or directory"));
}

TEST(AsnCsvTableTest, SecondFileMissingFailsTheLoad) {
  const std::string absent = (test::tempDir() / "absent-v6.csv").string();
  const auto table = AsnCsvTable::load(std::vector<std::string>{writeFile("v4.csv", kIpv4), absent});
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.error(), HasSubstr(absent));
}

TEST(AsnCsvTableTest, FileWithoutRowsIsAnError) {
  for (const char* content : {"", "\n\n", "not,a,row,at all\nnor,this,one,x\n",
                              "16777216,16777471,13335,\"Cloudflare, Inc.\"\n"}) {  // the -num.csv format
    const std::string path = writeFile("norows.csv", content);
    const auto table = AsnCsvTable::load(path);
    ASSERT_FALSE(table.ok()) << "content: " << content;
    EXPECT_THAT(table.error(), HasSubstr(path));
  }
  EXPECT_FALSE(AsnCsvTable::load(std::vector<std::string>{}).ok());
  EXPECT_FALSE(AsnCsvTable::load(test::tempDir().string()).ok()) << "a directory";
}

// Hostile input: random lines built from CSV-ish characters must never crash the loader.
TEST(AsnCsvTableTest, SurvivesRandomInput) {
  std::mt19937 rng(20240601);
  const std::string alphabet = "0123456789abcdef.:,\"\n\r AS\xff";
  for (int round = 0; round < 20; ++round) {
    std::string content = "192.0.2.0,192.0.2.255,1,anchor\n";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (int i = 0; i < 20000; ++i) content.push_back(alphabet[pick(rng)]);
    const auto table = AsnCsvTable::load(writeFile("random.csv", content));
    ASSERT_TRUE(table.ok()) << table.error();
    EXPECT_EQ(table->lookup(ip("192.0.2.1")).organization, "anchor");
    (void)table->lookup(ip("2001:db8::1"));
  }
}

// The real data that scripts/fetch-geoip installs; skipped when it has not been fetched.
TEST(AsnCsvTableRealDataTest, LoadsIpLocationDbAsn) {
  const auto dir = std::filesystem::path(RAMPART_SOURCE_DIR) / "var/geoip";
  const std::vector<std::string> paths = {(dir / "asn-ipv4.csv").string(), (dir / "asn-ipv6.csv").string()};
  for (const auto& p : paths) {
    if (!std::filesystem::exists(p)) GTEST_SKIP() << p << " is absent; run scripts/fetch-geoip to test real data";
  }
  const auto start = std::chrono::steady_clock::now();
  const AsnCsvTable table = loadOrDie(paths);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::printf("loaded %zu ranges (%zu malformed, %zu overlapping) in %lld ms\n", table.size(), table.stats().malformed,
              table.stats().overlapping, static_cast<long long>(ms));
  EXPECT_GT(table.size(), 100000u);
  EXPECT_EQ(table.stats().malformed, 0u) << table.stats().first_malformed;
  EXPECT_EQ(table.lookup(ip("8.8.8.8")).number, 15169u);
  EXPECT_EQ(table.lookup(ip("1.1.1.1")).number, 13335u);
  EXPECT_EQ(table.lookup(ip("2001:4860:4860::8888")).number, 15169u);
}

}  // namespace
}  // namespace rampart::geo
