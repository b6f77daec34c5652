// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "metrics/counters.h"

namespace rampart::metrics {

// Appends a counter set (declared with RAMPART_COUNTERS) in the Prometheus text exposition format
// (version 0.0.4): each count as `<prefix>_<name>_total`, each ByLabel as one series per label
// value (zeros included, so rates start from a known point), each nested set under
// `<prefix>_<name>`. `labels` ("" or `sensor="eth0"`, already escaped) is added to every series.
// Every metric has its HELP and TYPE lines: a scraper sees what each one counts.
template <typename Counters>
void appendPrometheus(std::string& out, std::string_view prefix, std::string_view labels, const Counters& counters);

// A label value escaped as the format asks (backslash, double quote, newline).
[[nodiscard]] inline std::string escapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

namespace detail {
struct PrometheusVisitor {
  std::string& out;
  std::string_view prefix;
  std::string_view labels;

  void head(const std::string& metric, std::string_view help, std::string_view type) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", metric, help, metric, type);
  }
  void count(std::string_view name, std::string_view help, uint64_t value) {
    const std::string metric = fmt::format("{}_{}_total", prefix, name);
    head(metric, help, "counter");
    if (labels.empty()) {
      fmt::format_to(std::back_inserter(out), "{} {}\n", metric, value);
    } else {
      fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", metric, labels, value);
    }
  }
  template <typename E>
  void byLabel(std::string_view name, std::string_view help, std::string_view key, const ByLabel<E>& values) {
    const std::string metric = fmt::format("{}_{}_total", prefix, name);
    head(metric, help, "counter");
    for (std::size_t i = 0; i < values.size(); ++i) {
      fmt::format_to(std::back_inserter(out), "{}{{{}{}{}=\"{}\"}} {}\n", metric, labels, labels.empty() ? "" : ",",
                     key, escapeLabel(values.label(i)), values[i]);
    }
  }
  template <typename Part>
  void part(std::string_view name, std::string_view /*help*/, const Part& p) {
    appendPrometheus(out, fmt::format("{}_{}", prefix, name), labels, p);
  }
};
}  // namespace detail

template <typename Counters>
void appendPrometheus(std::string& out, std::string_view prefix, std::string_view labels, const Counters& counters) {
  detail::PrometheusVisitor v{out, prefix, labels};
  visitCounters(counters, v);
}

}  // namespace rampart::metrics
