// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the configuration parser: any text is a configuration or a ConfigError that
// names the file and a line ("rampart.toml:N: ..."), never a crash nor another exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const rampart::app::Config c = rampart::app::parseConfig(text, "rampart.toml");
    if (c.analyzer.detector.groups.empty()) std::abort();  // group 0 always exists
  } catch (const rampart::app::ConfigError& e) {
    if (std::string_view(e.what()).rfind("rampart.toml:", 0) != 0) {
      std::fprintf(stderr, "error without its place: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
