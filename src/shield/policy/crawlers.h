// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/prefix.h"

namespace rampart::shield::policy {

// A search engine's crawler, let through under attack: its user agent AND one of the networks it
// publishes (a user agent alone is trivially forged; the networks make it checkable).
struct CrawlerRule {
  std::string user_agent;  // a substring of the User-Agent header, e.g. "Googlebot"
  std::vector<core::Prefix> networks;
};

[[nodiscard]] inline bool isAllowedCrawler(const std::vector<CrawlerRule>& rules, const core::IpAddress& client,
                                           std::string_view user_agent) {
  for (const CrawlerRule& r : rules) {
    if (r.user_agent.empty() || user_agent.find(r.user_agent) == std::string_view::npos) continue;
    for (const core::Prefix& p : r.networks) {
      if (p.contains(client)) return true;
    }
  }
  return false;
}

}  // namespace rampart::shield::policy
