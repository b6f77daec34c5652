// SPDX-License-Identifier: Apache-2.0
// Real captures of ordinary traffic and of single-source scans (../shared/data) must not be called
// attacks at default thresholds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "app/analyze_files.h"
#include "support/shared_data.h"

namespace rampart::app {
namespace {

namespace fs = std::filesystem;

fs::path sharedData() { return testing::sharedDataDir(RAMPART_SOURCE_DIR); }
using testing::inCi;

std::vector<std::string> capturesIn(const std::string& folder) {
  std::vector<std::string> out;
  const fs::path dir = sharedData() / folder;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto ext = e.path().extension();
    if (ext == ".pcap" || ext == ".pcapng") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class NoAttackTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NoAttackTest, DefaultThresholdsFindNoAttack) {
  const auto captures = capturesIn(GetParam());
  if (captures.empty()) {
    if (inCi()) FAIL() << sharedData() / GetParam() << " is missing in CI";
    GTEST_SKIP() << sharedData() / GetParam() << " is absent: shared test data not checked out beside the repo";
  }
  for (const std::string& path : captures) {
    const auto result = analyzeCaptureFiles({path}, pipeline::AnalyzerSettings{});
    ASSERT_TRUE(result.ok()) << result.error();
    EXPECT_GT(result.value().decode.decoded(), 0u) << path;
    EXPECT_TRUE(result.value().attacks.empty())
        << path << ": " << result.value().attacks.size() << " attacks, first on "
        << result.value().attacks.front().target.toString();
  }
}

INSTANTIATE_TEST_SUITE_P(SharedData, NoAttackTest, ::testing::Values("baseline-normal", "scans", "smb"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(NoAttackTest, AllBaselineCapturesAsOneStream) {
  // Merged captures jump in time by years, backwards too: one stream must still be quiet.
  const auto captures = capturesIn("baseline-normal");
  if (captures.empty()) {
    if (inCi()) FAIL() << "baseline-normal is missing in CI";
    GTEST_SKIP() << "shared test data absent";
  }
  const auto result = analyzeCaptureFiles(captures, pipeline::AnalyzerSettings{});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_TRUE(result.value().attacks.empty());
}

}  // namespace
}  // namespace rampart::app
