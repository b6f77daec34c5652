// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/client_table.h"

#include <iterator>

namespace rampart::shield::policy {

std::string_view describe(Refusal r) noexcept {
  switch (r) {
    case Refusal::kNone: return "admitted";
    case Refusal::kAddressConnections: return "too many connections from the address";
    case Refusal::kNetworkConnections: return "too many connections from the network";
    case Refusal::kAddressConnectionRate: return "new connections too fast from the address";
    case Refusal::kNetworkConnectionRate: return "new connections too fast from the network";
    case Refusal::kHandshakeRate: return "TLS handshakes too fast from the address";
    case Refusal::kRequestRate: return "requests too fast from the address";
    case Refusal::kPathRate: return "requests too fast for the path";
  }
  return "unknown";
}

core::IpAddress ClientTable::networkOf(const core::IpAddress& client) noexcept {
  return client.masked(client.isV4() ? 96 + 24 : 64);
}

ClientTable::Address* ClientTable::address(const core::IpAddress& a) {
  if (auto it = addresses_.find(a); it != addresses_.end()) return &it->second;
  if (tracked() >= limits_.max_tracked) return nullptr;
  return &addresses_[a];
}

ClientTable::Network* ClientTable::network(const core::IpAddress& n) {
  if (auto it = networks_.find(n); it != networks_.end()) return &it->second;
  if (tracked() >= limits_.max_tracked) return nullptr;
  return &networks_[n];
}

Refusal ClientTable::admit(const core::IpAddress& client, uint64_t now_ns, bool tls) {
  Network* net = network(networkOf(client));
  Address* addr = address(client);
  // Counts first, then rates, so a refused connection spends no token.
  if (addr && addr->open >= limits_.max_connections) return Refusal::kAddressConnections;
  if (net && net->open >= limits_.max_network_connections) return Refusal::kNetworkConnections;
  if (addr && !addr->connections.take(limits_.new_connections, now_ns)) return Refusal::kAddressConnectionRate;
  if (net && !net->connections.take(limits_.network_new_connections, now_ns)) return Refusal::kNetworkConnectionRate;
  if (tls && addr && !addr->handshakes.take(limits_.tls_handshakes, now_ns)) return Refusal::kHandshakeRate;
  if (addr) ++addr->open;
  if (net) ++net->open;
  return Refusal::kNone;
}

void ClientTable::release(const core::IpAddress& client) noexcept {
  if (auto it = addresses_.find(client); it != addresses_.end() && it->second.open > 0) --it->second.open;
  if (auto it = networks_.find(networkOf(client)); it != networks_.end() && it->second.open > 0) --it->second.open;
}

ClientTable::RequestVerdict ClientTable::request(const core::IpAddress& client, std::string_view path,
                                                 uint64_t now_ns) {
  Address* addr = address(client);
  if (!addr) return {};
  if (!addr->requests.take(limits_.requests, now_ns)) {
    return {Refusal::kRequestRate, addr->requests.secondsUntilToken(limits_.requests)};
  }
  for (std::size_t i = 0; i < limits_.path_rates.size(); ++i) {
    const PathRate& pr = limits_.path_rates[i];
    if (!path.starts_with(pr.path_prefix)) continue;
    if (addr->paths.size() < limits_.path_rates.size()) addr->paths.resize(limits_.path_rates.size());
    if (!addr->paths[i].take(pr.rate, now_ns)) return {Refusal::kPathRate, addr->paths[i].secondsUntilToken(pr.rate)};
    break;
  }
  return {};
}

void ClientTable::sweep(uint64_t now_ns) {
  const auto forgettable = [&](Address& a) {
    if (a.open > 0 || !a.connections.full(limits_.new_connections, now_ns) ||
        !a.handshakes.full(limits_.tls_handshakes, now_ns) || !a.requests.full(limits_.requests, now_ns))
      return false;
    for (std::size_t i = 0; i < a.paths.size(); ++i) {
      if (!a.paths[i].full(limits_.path_rates[i].rate, now_ns)) return false;
    }
    return true;
  };
  for (auto it = addresses_.begin(); it != addresses_.end();) {
    it = forgettable(it->second) ? addresses_.erase(it) : std::next(it);
  }
  for (auto it = networks_.begin(); it != networks_.end();) {
    const bool idle = it->second.open == 0 && it->second.connections.full(limits_.network_new_connections, now_ns);
    it = idle ? networks_.erase(it) : std::next(it);
  }
}

uint32_t ClientTable::openFrom(const core::IpAddress& client) const noexcept {
  const auto it = addresses_.find(client);
  return it == addresses_.end() ? 0 : it->second.open;
}

}  // namespace rampart::shield::policy
