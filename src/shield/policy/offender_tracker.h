// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <unordered_map>

#include "core/ip_address.h"

namespace rampart::shield::policy {

// `[shield.mitigation]`: when a client has earned a drop in the data plane (XDP or nftables).
struct OffenderConfig {
  uint32_t strikes = 300;        // refusals (429s, refused connections, malformed requests, failed
  uint32_t window_seconds = 10;  // challenges) within this window make an offender
  uint32_t block_seconds = 600;  // how long the mitigation is asked to drop it
};

// Counts each address's refusals in fixed windows and says, once per block period, when one
// crosses the line: the shield then hands it to Rampart's mitigation, so its packets are dropped
// before they cost the proxy anything. Pure; per worker.
class OffenderTracker {
 public:
  explicit OffenderTracker(OffenderConfig config) : config_(config) {}

  // One refusal for `client`; true exactly when this one makes it an offender.
  [[nodiscard]] bool strike(const core::IpAddress& client, uint64_t now_s);
  // Forgets windows long past. Call now and then.
  void sweep(uint64_t now_s);
  [[nodiscard]] std::size_t tracked() const noexcept { return clients_.size(); }

 private:
  struct Client {
    uint64_t window_start = 0;
    uint32_t strikes = 0;
    uint64_t reported_until = 0;  // not reported again before this (the block is in force)
  };
  OffenderConfig config_;
  std::unordered_map<core::IpAddress, Client, core::IpAddressHash> clients_;
};

}  // namespace rampart::shield::policy
