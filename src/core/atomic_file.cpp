// SPDX-License-Identifier: Apache-2.0
#include "core/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rampart::core {

Status writeFileAtomically(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "w");
  if (out == nullptr) return failed(tmp + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const int write_errno = errno;
  if (std::fclose(out) != 0 || !written) {
    const int e = written ? errno : write_errno;
    (void)std::remove(tmp.c_str());
    return failed(tmp + ": " + std::strerror(e));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    (void)std::remove(tmp.c_str());
    return failed(path + ": " + std::strerror(e));
  }
  return okStatus();
}

}  // namespace rampart::core
