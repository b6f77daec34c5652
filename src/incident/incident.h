// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::incident {

// Where an incident stands. Active: the attack goes on, nothing installed against it yet;
// mitigated: an action is in force; ended: the attack's traffic is gone.
enum class Status : uint8_t { kActive, kMitigated, kEnded };
[[nodiscard]] std::string_view toString(Status s) noexcept;
[[nodiscard]] std::optional<Status> statusFromString(std::string_view s) noexcept;

// What an operator decided the incident was.
enum class Classification : uint8_t { kUnclassified, kFalsePositive, kVerified, kTest };
[[nodiscard]] std::string_view toString(Classification c) noexcept;
[[nodiscard]] std::optional<Classification> classificationFromString(std::string_view s) noexcept;

// One attack as the organisation accounts for it: a stable id (a UUID for systems, a short
// number for people) that outlives reloads and restarts, and what is known so far.
struct Incident {
  uint64_t number = 0;
  std::string uuid;
  std::string target;  // "192.0.2.10" or "198.51.100.0/24"
  std::string group;
  Status status = Status::kActive;
  Classification classification = Classification::kUnclassified;
  uint64_t started_ns = 0;
  uint64_t updated_ns = 0;
  uint64_t ended_ns = 0;  // 0 while not ended
  uint64_t peak_pps = 0;
  uint64_t peak_bps = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  std::string vectors;      // "syn_flood,udp_flood", most packets first
  std::string attack_json;  // the latest full attack record (rampart.analyze's "attacks" entry)
};

struct Note {
  uint64_t time_ns = 0;
  std::string text;
};

// A mitigation change that concerned the incident (rampart.mitigation/1 JSON).
struct ActionEntry {
  uint64_t time_ns = 0;
  std::string event;  // install, withdraw, refused
  std::string record_json;
};

struct IncidentDetail {
  Incident incident;
  std::vector<ActionEntry> actions;
  std::vector<Note> notes;
};

// Which incidents `rampart incidents` lists; unset fields do not filter.
struct ListFilter {
  std::optional<Status> status;
  std::optional<Classification> classification;
  std::string target;       // exact
  uint64_t since_ns = 0;    // started at or after
  std::size_t limit = 100;  // newest first
};

}  // namespace rampart::incident
