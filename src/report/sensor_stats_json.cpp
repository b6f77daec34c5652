// SPDX-License-Identifier: Apache-2.0
#include "report/sensor_stats_json.h"

#include <string>

#include "metrics/json_writer.h"

namespace rampart::report {

using nlohmann::json;

json sflowStatsJson(const flow::sflow::SflowStats& s, const flow::sflow::AgentTable& agents,
                    std::span<const flow::sflow::InterfaceCounters> interfaces) {
  json agent_list = json::array();
  for (const auto& a : agents.entries()) {
    agent_list.push_back({{"agent", a.agent.toString()},
                          {"sub_agent", a.sub_agent},
                          {"datagrams", a.datagrams},
                          {"lost_datagrams", a.lost_datagrams},
                          {"duplicates", a.duplicates},
                          {"out_of_order", a.out_of_order},
                          {"restarts", a.restarts},
                          {"last_sequence", a.last_sequence}});
  }
  json if_list = json::array();
  for (const auto& c : interfaces) {
    json j{{"agent", c.agent.toString()},
           {"sub_agent", c.sub_agent},
           {"if_index", c.if_index},
           {"if_type", c.if_type},
           {"if_speed", c.if_speed},
           {"if_direction", c.if_direction},
           {"admin_up", (c.if_status & 1U) != 0},
           {"oper_up", (c.if_status & 2U) != 0},
           {"in_octets", c.in_octets},
           {"in_ucast", c.in_ucast},
           {"in_multicast", c.in_multicast},
           {"in_broadcast", c.in_broadcast},
           {"in_discards", c.in_discards},
           {"in_errors", c.in_errors},
           {"out_octets", c.out_octets},
           {"out_ucast", c.out_ucast},
           {"out_discards", c.out_discards},
           {"out_errors", c.out_errors},
           {"sample_sequence", c.sample_sequence}};
    if (c.has_ethernet) {
      j["ethernet"] = {{"fcs_errors", c.ethernet.fcs_errors},
                       {"alignment_errors", c.ethernet.alignment_errors},
                       {"frame_too_longs", c.ethernet.frame_too_longs}};
    }
    if_list.push_back(std::move(j));
  }
  json out = metrics::toJson(s);
  out["agents"] = std::move(agent_list);
  out["interfaces"] = std::move(if_list);
  return out;
}

}  // namespace rampart::report
