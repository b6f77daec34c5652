// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::geo {

// An autonomous system as a database names it. Number 0 means unknown (AS 0 is reserved,
// RFC 7607). `organization` views storage owned by the reader or table that returned the record
// and stays valid as long as that object lives.
struct AsnRecord {
  uint32_t number = 0;
  std::string_view organization;
};

}  // namespace rampart::geo
