// SPDX-License-Identifier: Apache-2.0
#include "incident/incident.h"

#include <array>
#include <utility>

namespace rampart::incident {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 3> kStatus{
    {{Status::kActive, "active"}, {Status::kMitigated, "mitigated"}, {Status::kEnded, "ended"}}};
constexpr std::array<std::pair<Classification, std::string_view>, 4> kClassification{
    {{Classification::kUnclassified, "unclassified"},
     {Classification::kFalsePositive, "false_positive"},
     {Classification::kVerified, "verified"},
     {Classification::kTest, "test"}}};

template <typename E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) noexcept {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) noexcept {
  for (const auto& [value, name] : table) {
    if (name == s) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view toString(Status s) noexcept { return nameOf(kStatus, s); }
std::optional<Status> statusFromString(std::string_view s) noexcept { return valueOf(kStatus, s); }
std::string_view toString(Classification c) noexcept { return nameOf(kClassification, c); }
std::optional<Classification> classificationFromString(std::string_view s) noexcept {
  return valueOf(kClassification, s);
}

}  // namespace rampart::incident
