// SPDX-License-Identifier: Apache-2.0
#include "geo/mmdb_reader.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace rampart::geo {
namespace {

std::optional<MMDB_entry_s> findEntry(const MMDB_s* db, const core::IpAddress& address) {
  // IPv4 goes in as AF_INET: libmaxminddb then starts at the IPv4 subtree (::/96) of a version-6
  // database, which is where writers put IPv4 networks whether or not they alias ::ffff:0:0/96.
  sockaddr_storage storage{};
  if (address.isV4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, address.bytes().data() + 12, 4);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, address.bytes().data(), 16);
  }
  int mmdb_error = MMDB_SUCCESS;
  const MMDB_lookup_result_s result =
      MMDB_lookup_sockaddr(db, reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
  // An IPv6 query against an IPv4-only database (MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) is a miss,
  // as is a corrupt node: attribution is best effort and never fails the caller.
  if (mmdb_error != MMDB_SUCCESS || !result.found_entry) return std::nullopt;
  return result.entry;
}

std::optional<MMDB_entry_data_s> valueAt(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
  return data;
}

std::string_view stringAt(const MMDB_entry_s& entry, const char* const* path) {
  const auto data = valueAt(entry, path);
  if (!data || data->type != MMDB_DATA_TYPE_UTF8_STRING) return {};
  return {data->utf8_string, data->data_size};
}

// Accepts every integer encoding writers use for an AS number, and the "AS13335" string form.
uint32_t asNumberAt(const MMDB_entry_s& entry, const char* const* path) {
  const auto data = valueAt(entry, path);
  if (!data) return 0;
  switch (data->type) {
    case MMDB_DATA_TYPE_UINT16: return data->uint16;
    case MMDB_DATA_TYPE_UINT32: return data->uint32;
    case MMDB_DATA_TYPE_INT32: return data->int32 > 0 ? static_cast<uint32_t>(data->int32) : 0;
    case MMDB_DATA_TYPE_UINT64: return data->uint64 <= UINT32_MAX ? static_cast<uint32_t>(data->uint64) : 0;
    case MMDB_DATA_TYPE_UTF8_STRING:
      return parseAsNumber(std::string_view(data->utf8_string, data->data_size)).value_or(0);
    default: return 0;
  }
}

}  // namespace

void MmdbReader::Closer::operator()(MMDB_s* db) const noexcept {
  MMDB_close(db);
  delete db;
}

core::Result<MmdbReader, std::string> MmdbReader::open(const std::string& path) {
  auto db = std::make_unique<MMDB_s>();
  errno = 0;
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db.get());
  if (status != MMDB_SUCCESS) {
    // MMDB_open has already released what it allocated; MMDB_close must not run on a failed open.
    const int saved_errno = errno;
    std::string message = "cannot open MaxMind DB '" + path + "': " + MMDB_strerror(status);
    if ((status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) && saved_errno != 0) {
      message += std::string(" (") + std::strerror(saved_errno) + ")";
    }
    return core::Result<MmdbReader, std::string>::failure(std::move(message));
  }
  return MmdbReader(std::unique_ptr<MMDB_s, Closer>(db.release()), path);
}

std::string_view MmdbReader::country(const core::IpAddress& address) const {
  const auto entry = findEntry(db_.get(), address);
  if (!entry) return {};
  static constexpr const char* kGeoLite2[] = {"country", "iso_code", nullptr};
  static constexpr const char* kFlat[] = {"country_code", nullptr};
  static constexpr const char* kRegistered[] = {"registered_country", "iso_code", nullptr};
  for (const char* const* path : {kGeoLite2, kFlat, kRegistered}) {
    const std::string_view code = stringAt(*entry, path);
    if (!code.empty()) return code;
  }
  return {};
}

AsnRecord MmdbReader::asn(const core::IpAddress& address) const {
  const auto entry = findEntry(db_.get(), address);
  if (!entry) return {};
  static constexpr const char* kNumber[] = {"autonomous_system_number", nullptr};
  static constexpr const char* kOrganization[] = {"autonomous_system_organization", nullptr};
  static constexpr const char* kIpinfoNumber[] = {"asn", nullptr};
  static constexpr const char* kIpinfoName[] = {"as_name", nullptr};
  AsnRecord record{asNumberAt(*entry, kNumber), stringAt(*entry, kOrganization)};
  if (record.number == 0) record = {asNumberAt(*entry, kIpinfoNumber), stringAt(*entry, kIpinfoName)};
  return record;
}

std::string_view MmdbReader::databaseType() const noexcept {
  const char* type = db_->metadata.database_type;
  return type != nullptr ? std::string_view(type) : std::string_view();
}

unsigned MmdbReader::ipVersion() const noexcept { return db_->metadata.ip_version; }

}  // namespace rampart::geo
