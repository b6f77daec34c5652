// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "mitigate/filter_rule.h"

namespace rampart::mitigate::nft {

// The nft(8) match expression of a rule's destination and header fields, for the inet family:
// "ip daddr 192.0.2.10/32 meta l4proto 17 th sport 123 ip length 468". IPv6 lengths are turned
// into payload lengths (ip6 length is the payload's); non-first fragments carry no transport
// header, so port and flag matches never hit them (nftables sets no transport offset there).
[[nodiscard]] std::string nftMatch(const FilterRule& rule);

// "198.51.100.7" or "203.0.113.0/24": a set element for a source prefix.
[[nodiscard]] std::string nftElement(const core::Prefix& p);

}  // namespace rampart::mitigate::nft
