// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "metrics/counters.h"

namespace rampart::metrics {

// A counter set (declared with RAMPART_COUNTERS) as a JSON object: a count is a number, a ByLabel
// an object of the labels that occurred (zeros left out, so a quiet sensor's document stays
// short), a nested set an object of its own.
template <typename Counters>
[[nodiscard]] nlohmann::json toJson(const Counters& counters);

namespace detail {
struct JsonVisitor {
  nlohmann::json& out;
  void count(std::string_view name, std::string_view /*help*/, uint64_t value) { out[std::string(name)] = value; }
  template <typename E>
  void byLabel(std::string_view name, std::string_view /*help*/, std::string_view /*key*/, const ByLabel<E>& values) {
    nlohmann::json labels = nlohmann::json::object();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] != 0) labels[std::string(values.label(i))] = values[i];
    }
    out[std::string(name)] = std::move(labels);
  }
  template <typename Part>
  void part(std::string_view name, std::string_view /*help*/, const Part& p) {
    out[std::string(name)] = toJson(p);
  }
};
}  // namespace detail

template <typename Counters>
nlohmann::json toJson(const Counters& counters) {
  nlohmann::json out = nlohmann::json::object();
  detail::JsonVisitor v{out};
  visitCounters(counters, v);
  return out;
}

}  // namespace rampart::metrics
