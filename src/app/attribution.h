// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "app/config.h"
#include "geo/attributor.h"
#include "report/analysis_report.h"

namespace rampart::app {

// The attribution databases to use: those found in `discover_dir`, replaced by the configuration's,
// replaced by explicit command-line files. Throws ConfigError when a named database is unusable.
[[nodiscard]] geo::Attributor openAttributor(const runtime::GeoSettings& configured, const std::string& discover_dir,
                                             const std::string& country_override = {},
                                             const std::string& asn_override = {});

}  // namespace rampart::app
