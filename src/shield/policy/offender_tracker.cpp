// SPDX-License-Identifier: Apache-2.0
#include "shield/policy/offender_tracker.h"

#include <iterator>

namespace rampart::shield::policy {

bool OffenderTracker::strike(const core::IpAddress& client, uint64_t now_s) {
  if (config_.strikes == 0) return false;
  Client& c = clients_[client];
  if (now_s >= c.window_start + config_.window_seconds) {
    c.window_start = now_s;
    c.strikes = 0;
  }
  if (++c.strikes < config_.strikes || now_s < c.reported_until) return false;
  c.reported_until = now_s + config_.block_seconds;
  return true;
}

void OffenderTracker::sweep(uint64_t now_s) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    const bool stale = now_s >= it->second.window_start + config_.window_seconds && now_s >= it->second.reported_until;
    it = stale ? clients_.erase(it) : std::next(it);
  }
}

}  // namespace rampart::shield::policy
