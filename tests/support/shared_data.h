// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace rampart::testing {

// ../shared/data beside the repository: third-party captures that tests read but never copy.
inline std::filesystem::path sharedDataDir(const std::string& source_dir) {
  return std::filesystem::path(source_dir) / ".." / "shared" / "data";
}

// Under CI=true a test that lacks what it needs (root, shared data, a tool) must fail, not skip.
inline bool inCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace rampart::testing
