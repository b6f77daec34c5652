// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace rampart::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
// Throws std::runtime_error when it cannot be made.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  // path() + "/" + name; the file is not created.
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace rampart::testing
