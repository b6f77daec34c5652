// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>

#include <nlohmann/json.hpp>

#include "flow/sflow/agent_table.h"
#include "flow/sflow/interface_counters.h"
#include "flow/sflow/sflow_error.h"

namespace rampart::report {

// A piece of the daemon's statistics document (schema "rampart.stats/1", docs/configuration.md)
// beyond the counters themselves, which metrics::toJson writes.

// The sFlow decoder's counters (metrics::toJson), with "agents": each agent and its sequence
// accounting, and "interfaces": each interface's latest counter sample (ifTable values).
[[nodiscard]] nlohmann::json sflowStatsJson(const flow::sflow::SflowStats& s, const flow::sflow::AgentTable& agents,
                                            std::span<const flow::sflow::InterfaceCounters> interfaces);

}  // namespace rampart::report
