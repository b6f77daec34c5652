// SPDX-License-Identifier: Apache-2.0
#include "report/sensor_stats_json.h"

#include <string>

namespace rampart::report {

using nlohmann::json;

json decodeStatsJson(const decode::DecodeStats& s) {
  json rejected = json::object();
  for (std::size_t i = 1; i < decode::kDecodeResultCount; ++i) {
    if (s.by_result[i] != 0)
      rejected[std::string(decode::toString(static_cast<decode::DecodeResult>(i)))] = s.by_result[i];
  }
  return json{{"decoded", s.decoded()}, {"rejected", std::move(rejected)}};
}

json netflowStatsJson(const flow::netflow::NetflowStats& s) {
  using flow::netflow::WireVersion;
  const auto version = [&s](WireVersion v) { return s.datagrams_by_version[static_cast<std::size_t>(v)]; };
  json errors = json::object();
  for (std::size_t i = 1; i < flow::netflow::kFlowErrorCount; ++i) {
    if (s.by_error[i] != 0) errors[std::string(toString(static_cast<flow::netflow::FlowError>(i)))] = s.by_error[i];
  }
  return json{
      {"datagrams",
       {{"v5", version(WireVersion::kV5)}, {"v9", version(WireVersion::kV9)}, {"ipfix", version(WireVersion::kIpfix)}}},
      {"records", s.records},
      {"records_without_address", s.records_without_address},
      {"errors", std::move(errors)},
      {"data_without_template", s.data_without_template},
      {"data_sets_held", s.data_sets_held},
      {"data_sets_replayed", s.data_sets_replayed},
      {"templates",
       {{"learned", s.templates_learned},
        {"refreshed", s.templates_refreshed},
        {"withdrawn", s.templates_withdrawn},
        {"expired", s.templates_expired},
        {"dropped", s.templates_dropped}}},
      {"options_records", s.options_records},
      {"sampling_rates_learned", s.sampling_rates_learned},
      {"header_count_mismatch", s.header_count_mismatch}};
}

json sflowStatsJson(const flow::sflow::SflowStats& s, const flow::sflow::AgentTable& agents,
                    std::span<const flow::sflow::InterfaceCounters> interfaces) {
  json errors = json::object();
  for (std::size_t i = 1; i < flow::sflow::kSflowErrorCount; ++i) {
    if (s.by_error[i] != 0) errors[std::string(toString(static_cast<flow::sflow::SflowError>(i)))] = s.by_error[i];
  }
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
  return json{{"datagrams", s.datagrams},
              {"samples", s.samples},
              {"flow_samples", s.flow_samples},
              {"records", s.flow_records},
              {"counter_samples", s.counter_samples},
              {"errors", std::move(errors)},
              {"unknown_sample_types", s.unknown_sample_types},
              {"unknown_record_types", s.unknown_record_types},
              {"header_decode", decodeStatsJson(s.header_results)},
              {"agents", std::move(agent_list)},
              {"interfaces", std::move(if_list)}};
}

}  // namespace rampart::report
