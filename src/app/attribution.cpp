// SPDX-License-Identifier: Apache-2.0
#include "app/attribution.h"

namespace rampart::app {

geo::Attributor openAttributor(const runtime::GeoSettings& configured, const std::string& discover_dir,
                               const std::string& country_override, const std::string& asn_override) {
  geo::AttributorConfig gc = geo::Attributor::discover(discover_dir);
  if (!configured.country_db.empty()) gc.country_db = configured.country_db;
  if (!configured.asn_db.empty()) gc.asn_db = configured.asn_db;
  if (!country_override.empty()) gc.country_db = country_override;
  if (!asn_override.empty()) gc.asn_db = asn_override;
  auto opened = geo::Attributor::open(gc);
  if (!opened) throw ConfigError(opened.error());
  return std::move(opened).value();
}

}  // namespace rampart::app
