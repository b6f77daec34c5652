// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>

#include "core/prefix.h"
#include "core/prefix_table.h"

namespace rampart::traffic {

struct NetworkMatch {
  uint32_t group = 0;    // index of the host group whose thresholds apply
  core::Prefix network;  // the configured prefix it fell in: the unit of per-prefix totals
};

// Which addresses Rampart protects, and in which host group each falls (longest prefix wins).
// With no prefixes at all every address is a potential victim in group 0, aggregated per /24
// (IPv4) or /48 (IPv6) for carpet-bombing totals: the `analyze` default when no config is given.
class ProtectedNetworks {
 public:
  // Returns false when the prefix is listed twice.
  bool add(const core::Prefix& network, uint32_t group) { return table_.insert(network, group); }
  [[nodiscard]] bool protectsEverything() const noexcept { return table_.size() == 0; }

  [[nodiscard]] std::optional<NetworkMatch> match(const core::IpAddress& a, unsigned aggregate_v4 = 24,
                                                  unsigned aggregate_v6 = 48) const {
    if (protectsEverything()) return NetworkMatch{0, core::Prefix(a, a.isV4() ? aggregate_v4 : aggregate_v6)};
    const auto m = table_.lookup(a);
    if (!m) return std::nullopt;
    return NetworkMatch{*m->value, m->prefix};
  }

 private:
  core::PrefixTable<uint32_t> table_;
};

}  // namespace rampart::traffic
