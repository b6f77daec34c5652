// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "mitigate/bgp/exabgp_command.h"

namespace rampart::mitigate::bgp {

// The BGP session Rampart's ExaBGP child holds, as [mitigation.bgp] gives it (the configuration
// reader fills and validates this struct itself: no copy in between).
struct ExabgpConfig {
  std::string program = "exabgp";                // found on PATH
  std::string work_dir = "/run/rampart/exabgp";  // its configuration, command pipe and log (created)
  std::string local_address = "127.0.0.1";
  std::string router_id;  // "" = local_address
  uint32_t local_as = 0;  // 0: no BGP
  std::string peer_address;
  uint32_t peer_as = 0;
  uint16_t peer_port = 179;
  RouteAttributes routes;
};

}  // namespace rampart::mitigate::bgp
