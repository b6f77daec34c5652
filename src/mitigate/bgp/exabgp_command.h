// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "mitigate/action.h"

namespace rampart::mitigate::bgp {

// What blackhole routes carry.
struct RouteAttributes {
  std::string next_hop = "192.0.2.1";                 // IPv4 blackholes; the upstream maps it to a discard route
  std::string next_hop6 = "100::1";                   // IPv6 blackholes (RFC 6666 discard prefix)
  std::vector<std::string> communities{"65535:666"};  // RFC 7999 BLACKHOLE
};

// ExaBGP API commands (its text encoder) that announce and withdraw an action upstream:
//   blackhole: "announce route 192.0.2.10/32 next-hop 192.0.2.1 community [65535:666]";
//   flowspec:  "announce flow route { match { destination 192.0.2.10/32; protocol =udp;
//               source-port =123; packet-length =468; } then { discard; } }" (RFC 8955/8956).
// Flowspec has no TTL component, so a TTL range is left out (the rule is a little wider); TCP
// flags are matched when the rule names one flag (the common SYN, ACK and RST floods), else left
// out. Empty for kinds that are not BGP's.
[[nodiscard]] std::string announceCommand(const Action& action, const RouteAttributes& attributes);
[[nodiscard]] std::string withdrawCommand(const Action& action, const RouteAttributes& attributes);

}  // namespace rampart::mitigate::bgp
