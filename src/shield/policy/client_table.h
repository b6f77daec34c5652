// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "shield/policy/client_limits.h"

namespace rampart::shield::policy {

// Why a connection or a request was not let in.
enum class Refusal : uint8_t {
  kNone,
  kAddressConnections,  // too many open from this address
  kNetworkConnections,  // ... or from its /24 or /64
  kAddressConnectionRate,
  kNetworkConnectionRate,
  kHandshakeRate,  // TLS handshakes begun too fast from this address
  kRequestRate,    // per address
  kPathRate,       // per address, for the path's own rate
};

[[nodiscard]] std::string_view describe(Refusal r) noexcept;

// One worker's memory of its clients: open connections, connection and request rates. Owned by
// one thread (clients are steered to workers by address, so each client lives in one table); no
// locks. Pure: time comes in as an argument.
class ClientTable {
 public:
  explicit ClientTable(ClientLimits limits) : limits_(std::move(limits)) {}

  // At accept, before anything is read: admits the connection (and counts it open) or says why not.
  // `tls`: the connection will cost a handshake, which has a rate of its own.
  [[nodiscard]] Refusal admit(const core::IpAddress& client, uint64_t now_ns, bool tls = false);
  // When an admitted connection closes.
  void release(const core::IpAddress& client) noexcept;

  struct RequestVerdict {
    Refusal refusal = Refusal::kNone;
    uint32_t retry_after_s = 0;
  };
  // For each request, once its head is parsed.
  [[nodiscard]] RequestVerdict request(const core::IpAddress& client, std::string_view path, uint64_t now_ns);

  // Forgets what no longer matters (no open connection, buckets full again). Call now and then.
  void sweep(uint64_t now_ns);

  [[nodiscard]] std::size_t tracked() const noexcept { return addresses_.size() + networks_.size(); }
  [[nodiscard]] uint32_t openFrom(const core::IpAddress& client) const noexcept;
  [[nodiscard]] const ClientLimits& limits() const noexcept { return limits_; }

  // The network a client belongs to for the network-wide limits.
  [[nodiscard]] static core::IpAddress networkOf(const core::IpAddress& client) noexcept;

 private:
  struct Address {
    uint32_t open = 0;
    TokenBucket connections;
    TokenBucket handshakes;
    TokenBucket requests;
    std::vector<TokenBucket> paths;  // one per ClientLimits::path_rates entry, made on first use
  };
  struct Network {
    uint32_t open = 0;
    TokenBucket connections;
  };

  // The entry, made when new; null when the table is full (the client then goes unlimited rather
  // than shares a stranger's limits: a full table is a memory bound, not a verdict).
  Address* address(const core::IpAddress& a);
  Network* network(const core::IpAddress& n);

  ClientLimits limits_;
  std::unordered_map<core::IpAddress, Address, core::IpAddressHash> addresses_;
  std::unordered_map<core::IpAddress, Network, core::IpAddressHash> networks_;
};

}  // namespace rampart::shield::policy
