// SPDX-License-Identifier: Apache-2.0
#include "geo/attributor.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

namespace rampart::geo {
namespace {

using OpenResult = core::Result<Attributor, std::string>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string> splitList(std::string_view list) {
  std::vector<std::string> items;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
  }
  return items;
}

bool endsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool isFile(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

OpenResult Attributor::open(const AttributorConfig& config) {
  Attributor attributor;
  if (!trim(config.country_db).empty()) {
    auto reader = MmdbReader::open(std::string(trim(config.country_db)));
    if (!reader) return OpenResult::failure("country_db: " + reader.error());
    attributor.country_.emplace(std::move(reader).value());
  }
  const std::vector<std::string> asn_files = splitList(config.asn_db);
  if (asn_files.empty()) return attributor;
  const bool all_csv =
      std::all_of(asn_files.begin(), asn_files.end(), [](const std::string& f) { return endsWithNoCase(f, ".csv"); });
  if (asn_files.size() == 1 && endsWithNoCase(asn_files[0], ".mmdb")) {
    auto reader = MmdbReader::open(asn_files[0]);
    if (!reader) return OpenResult::failure("asn_db: " + reader.error());
    attributor.asn_mmdb_.emplace(std::move(reader).value());
  } else if (all_csv) {
    auto table = AsnCsvTable::load(asn_files);
    if (!table) return OpenResult::failure("asn_db: " + table.error());
    attributor.asn_csv_.emplace(std::move(table).value());
    attributor.asn_csv_paths_ = config.asn_db;
  } else {
    return OpenResult::failure("asn_db: '" + config.asn_db +
                               "' must be one .mmdb file or a comma-separated list of .csv files");
  }
  return attributor;
}

AttributorConfig Attributor::discover(const std::string& dir) {
  namespace fs = std::filesystem;
  AttributorConfig config;
  if (dir.empty()) return config;
  const fs::path base(dir);
  for (const char* name : {"geolite2-country.mmdb", "GeoLite2-Country.mmdb"}) {
    if (isFile(base / name)) {
      config.country_db = (base / name).string();
      break;
    }
  }
  // Sorted, so that the choice among several ASN databases does not depend on directory order.
  std::vector<std::string> asn_mmdbs;
  std::error_code ec;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = lower(it->path().filename().string());
    if (name.find("asn") != std::string::npos && endsWithNoCase(name, ".mmdb") && isFile(it->path())) {
      asn_mmdbs.push_back(it->path().string());
    }
  }
  if (!asn_mmdbs.empty()) {
    config.asn_db = *std::min_element(asn_mmdbs.begin(), asn_mmdbs.end());
    return config;
  }
  for (const char* name : {"asn-ipv4.csv", "asn-ipv6.csv"}) {
    if (!isFile(base / name)) continue;
    if (!config.asn_db.empty()) config.asn_db += ',';
    config.asn_db += (base / name).string();
  }
  return config;
}

Attribution Attributor::lookup(const core::IpAddress& address) const {
  Attribution out;
  if (country_) out.country = country_->country(address);
  AsnRecord asn;
  if (asn_mmdb_) {
    asn = asn_mmdb_->asn(address);
  } else if (asn_csv_) {
    asn = asn_csv_->lookup(address);
  }
  out.asn = asn.number;
  out.as_org = asn.organization;
  return out;
}

std::string Attributor::describe() const {
  if (!enabled()) return "geo attribution disabled (no country or ASN database)";
  std::string text = "geo attribution: country ";
  text += country_ ? country_->path() : std::string("disabled");
  text += "; asn ";
  if (asn_mmdb_) {
    text += asn_mmdb_->path();
  } else if (asn_csv_) {
    const auto& stats = asn_csv_->stats();
    text += asn_csv_paths_ + " (" + std::to_string(stats.rows) + " ranges";
    if (stats.malformed > 0) {
      text += ", " + std::to_string(stats.malformed) + " malformed lines skipped, first at " + stats.first_malformed;
    }
    if (stats.overlapping > 0) text += ", " + std::to_string(stats.overlapping) + " overlapping rows dropped";
    text += ")";
  } else {
    text += "disabled";
  }
  return text;
}

}  // namespace rampart::geo
