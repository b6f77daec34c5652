// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mitigate/filter_rule.h"

namespace rampart::mitigate {

// Surgical first, blunt last: what Rampart can do about an attack.
enum class ActionKind : uint8_t {
  kDropFingerprint,  // drop the attack's packets in the host (XDP or nftables): rule.destination + fields
  kDropSource,       // drop everything from one source prefix (rule.source) in the host
  kFlowspec,         // ask the upstream routers to discard the fingerprint (BGP Flowspec, RFC 8955/8956)
  kBlackhole,        // ask the upstream to drop all traffic to the victim (RTBH, RFC 7999): last resort
};
inline constexpr std::size_t kActionKindCount = 4;

[[nodiscard]] std::string_view toString(ActionKind k) noexcept;
[[nodiscard]] bool actionKindFromString(std::string_view s, ActionKind& out) noexcept;

// One mitigation in force (or, in dry-run, one that would be): what, why, and until when.
struct Action {
  uint64_t id = 0;
  ActionKind kind{};
  FilterRule rule;
  uint64_t attack_id = 0;  // 0: added by hand
  std::string reason;      // "attack #3 (ntp-amplification on 192.0.2.10): fingerprint covering 99 %"
  uint64_t created_ns = 0;
  // While its attack lasts an action has no end; when it ends (or for a manual action, at once)
  // the action is given one: withdrawn at that wall-clock time.
  uint64_t until_ns = 0;  // 0: while the attack lasts
  bool dry_run = false;

  [[nodiscard]] bool manual() const noexcept { return attack_id == 0; }
  // The identity of what an action does: two attacks asking for the same rule share one action.
  [[nodiscard]] std::string key() const { return std::string(toString(kind)) + " " + rule.toString(); }
};

}  // namespace rampart::mitigate
