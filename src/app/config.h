// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/settings.h"

namespace rampart::app {

// A configuration mistake, with the file and line it is on: "rampart.toml:12: ...".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The configuration is runtime::Settings, read from TOML here.
using Config = runtime::Settings;

// Parses a TOML configuration (format: docs/configuration.md, sample: config/rampart.toml).
// Unknown keys are errors, so a typo never silently leaves a default in place.
[[nodiscard]] Config parseConfig(std::string_view toml_text, const std::string& source_name);
[[nodiscard]] Config loadConfig(const std::string& path);

}  // namespace rampart::app
