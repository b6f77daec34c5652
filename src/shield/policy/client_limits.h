// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shield/policy/token_bucket.h"

namespace rampart::shield::policy {

// A stricter (or looser) request rate for paths that start with `path_prefix`, such as a login page.
struct PathRate {
  std::string path_prefix;
  Rate rate;
};

// What one client may do. A client is an address; its network is its /24 (IPv4) or /64 (IPv6),
// which has limits of its own so that a client cannot escape its limits by hopping addresses.
struct ClientLimits {
  uint32_t max_connections = 256;           // open at once per address, counted from accept
  uint32_t max_network_connections = 1024;  // open at once per /24 or /64
  Rate new_connections{50, 100};            // accepted per second per address
  Rate network_new_connections{200, 400};   // per network
  Rate tls_handshakes{20, 40};              // TLS connections begun per second per address
  Rate requests{100, 200};                  // per address, every path
  std::vector<PathRate> path_rates;         // the first that matches applies, on top of `requests`
  std::size_t max_tracked = 1 << 20;        // addresses and networks remembered, per worker
};

}  // namespace rampart::shield::policy
