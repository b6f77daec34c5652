// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>

#include <nlohmann/json.hpp>

#include "decode/packet_decoder.h"
#include "flow/netflow/flow_stats.h"
#include "flow/sflow/agent_table.h"
#include "flow/sflow/interface_counters.h"
#include "flow/sflow/sflow_error.h"

namespace rampart::report {

// Pieces of the daemon's statistics document (schema "rampart.stats/1", docs/configuration.md):
// what a sensor decoded and what it rejected, by reason, as JSON objects.

// {"decoded": N, "rejected": {"truncated-ip": N, ...}} (only reasons that occurred).
[[nodiscard]] nlohmann::json decodeStatsJson(const decode::DecodeStats& s);

// {"datagrams": {"v5", "v9", "ipfix"}, "records", "errors": {...}, "templates": {...}, ...}.
[[nodiscard]] nlohmann::json netflowStatsJson(const flow::netflow::NetflowStats& s);

// {"datagrams", "records", "errors": {...}, "agents": [...], "interfaces": [...]}: the agents
// with their sequence accounting and each interface's latest counter sample (ifTable values).
[[nodiscard]] nlohmann::json sflowStatsJson(const flow::sflow::SflowStats& s, const flow::sflow::AgentTable& agents,
                                            std::span<const flow::sflow::InterfaceCounters> interfaces);

}  // namespace rampart::report
