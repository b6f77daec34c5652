// SPDX-License-Identifier: Apache-2.0
// The logstash netflow codec's raw UDP payloads from about 25 exporter vendors: each decodes or is
// rejected with a counted reason; the deliberately invalid ones are rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "netflow_test_util.h"

namespace rampart::flow::netflow::test {
namespace {

// The vendor part of a name: what precedes _tpl/_data/_opttpl, so one vendor's templates and data
// share an exporter address and vendors' template ids do not collide.
std::string vendorOf(const std::string& stem) {
  std::size_t cut = stem.size();
  for (const char* marker : {"_tpl", "_data", "_opttpl"}) cut = std::min(cut, stem.find(marker));
  return stem.substr(0, cut);
}

TEST(LogstashConformance, EveryPayloadDecodesOrIsCountedAndInvalidOnesRejected) {
  const auto dir = flowDataDir("raw-udp-payloads-logstash");
  RAMPART_REQUIRE_DIR(dir);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".dat") names.push_back(e.path().filename().string());
  }
  // Templates first (any name mentioning tpl), then the rest, each group in name order.
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    const bool ta = a.find("tpl") != std::string::npos;
    const bool tb = b.find("tpl") != std::string::npos;
    return ta != tb ? ta : a < b;
  });
  ASSERT_EQ(names.size(), 92U);

  NetflowDecoder dec;
  std::map<std::string, uint32_t> exporters;
  std::size_t records = 0;
  std::size_t invalid = 0;
  for (const std::string& name : names) {
    const std::string vendor = vendorOf(name.substr(0, name.size() - 4));
    const uint32_t id = exporters.emplace(vendor, 0x0a000001U + static_cast<uint32_t>(exporters.size())).first->second;
    const auto bytes = testing::readFileBytes((dir / name).string());
    const NetflowStats before = dec.stats();
    std::vector<core::FlowRecord> out;
    const FlowError e = dec.decode(core::IpAddress::fromV4(id), bytes, 1'000'000'000ULL, out);
    records += out.size();
    const NetflowStats& after = dec.stats();
    if (name.find("invalid") != std::string::npos) {
      ++invalid;
      const bool counted = e != FlowError::kOk || after.header_count_mismatch > before.header_count_mismatch;
      EXPECT_TRUE(counted) << name;
      continue;
    }
    // Every other payload is well-formed: it gives records, templates, options or held data.
    EXPECT_EQ(e, FlowError::kOk) << name << ": " << toString(e);
    const bool did_something =
        !out.empty() || after.templates_learned > before.templates_learned ||
        after.templates_refreshed > before.templates_refreshed || after.options_records > before.options_records ||
        after.records_without_address > before.records_without_address || after.data_sets_held > before.data_sets_held;
    EXPECT_TRUE(did_something) << name;
  }
  EXPECT_EQ(invalid, 3U);
  EXPECT_GT(records, 300U);
  std::cout << "logstash payloads: " << names.size() << " files, " << records << " records, "
            << dec.stats().templates_learned << " templates, " << dec.stats().options_records << " options records, "
            << dec.stats().data_sets_held << " data sets held\n";
}

}  // namespace
}  // namespace rampart::flow::netflow::test
