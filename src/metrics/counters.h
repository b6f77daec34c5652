// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string_view>

// Counters declared once, as data. A module lists its counters in one X-macro with three kinds of
// entry, each with its help text (a backslash ends every line of the list but the last):
//
//   #define RAMPART_NETFLOW_COUNTERS(COUNT, BY, PART)
//     COUNT(records, "flow records produced")
//     BY(errors, "datagrams not decoded, by reason", FlowError, "reason")
//     PART(header_decode, "raw headers decoded", decode::DecodeStats)
//
// RAMPART_COUNTERS(Struct, LIST) inside the struct expands the list into its members (uint64_t,
// ByLabel<Enum> or the nested counter struct), operator+= and -= over every member, operator-
// (the counts since an earlier reading of the same totals) and visitCounters(), which the writers
// (metrics/json_writer.h, metrics/prometheus_writer.h) walk. Adding a counter is one line: it is
// summed, shown and exported with no other edit. The hot path writes plain members, no atomics
// and no indirection: each set has one writer, and readers see a copy or run on its thread.

namespace rampart::metrics {

// Counts split by an enum E (E::kCount values; the label of each is toString(E), found by ADL).
template <typename E>
class ByLabel {
 public:
  static constexpr std::size_t kSize = static_cast<std::size_t>(E::kCount);

  void add(E e, uint64_t n = 1) noexcept { values_[static_cast<std::size_t>(e)] += n; }
  [[nodiscard]] uint64_t operator[](E e) const noexcept { return values_[static_cast<std::size_t>(e)]; }
  [[nodiscard]] uint64_t& operator[](std::size_t i) noexcept { return values_[i]; }
  [[nodiscard]] uint64_t operator[](std::size_t i) const noexcept { return values_[i]; }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return kSize; }
  [[nodiscard]] uint64_t total() const noexcept { return std::accumulate(values_.begin(), values_.end(), uint64_t{0}); }
  [[nodiscard]] static std::string_view label(std::size_t i) { return toString(static_cast<E>(i)); }

  ByLabel& operator+=(const ByLabel& o) noexcept {
    for (std::size_t i = 0; i < kSize; ++i) values_[i] += o.values_[i];
    return *this;
  }
  ByLabel& operator-=(const ByLabel& o) noexcept {
    for (std::size_t i = 0; i < kSize; ++i) values_[i] -= o.values_[i];
    return *this;
  }

 private:
  std::array<uint64_t, kSize> values_{};
};

}  // namespace rampart::metrics

// The list's arguments are names and types: they cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define RAMPART_METRICS_MEMBER_COUNT(name, help) uint64_t name = 0;
#define RAMPART_METRICS_MEMBER_BY(name, help, Enum, key) ::rampart::metrics::ByLabel<Enum> name{};
#define RAMPART_METRICS_MEMBER_PART(name, help, Type) Type name{};
#define RAMPART_METRICS_ADD(name, ...) a.name += b.name;
#define RAMPART_METRICS_SUB(name, ...) a.name -= b.name;
#define RAMPART_METRICS_VISIT_COUNT(name, help) v.count(#name, help, s.name);
#define RAMPART_METRICS_VISIT_BY(name, help, Enum, key) v.byLabel(#name, help, key, s.name);
#define RAMPART_METRICS_VISIT_PART(name, help, Type) v.part(#name, help, s.name);

#define RAMPART_COUNTERS(Self, LIST)                                                         \
  LIST(RAMPART_METRICS_MEMBER_COUNT, RAMPART_METRICS_MEMBER_BY, RAMPART_METRICS_MEMBER_PART) \
  friend Self& operator+=(Self& a, const Self& b) noexcept {                                 \
    LIST(RAMPART_METRICS_ADD, RAMPART_METRICS_ADD, RAMPART_METRICS_ADD)                      \
    return a;                                                                                \
  }                                                                                          \
  friend Self& operator-=(Self& a, const Self& b) noexcept {                                 \
    LIST(RAMPART_METRICS_SUB, RAMPART_METRICS_SUB, RAMPART_METRICS_SUB)                      \
    return a;                                                                                \
  }                                                                                          \
  /* What was counted since an earlier reading `b` of the same totals. */                    \
  friend Self operator-(Self a, const Self& b) noexcept { return a -= b; }                   \
  template <typename V>                                                                      \
  friend void visitCounters(const Self& s, V& v) {                                           \
    LIST(RAMPART_METRICS_VISIT_COUNT, RAMPART_METRICS_VISIT_BY, RAMPART_METRICS_VISIT_PART)  \
  }
// NOLINTEND(bugprone-macro-parentheses)
