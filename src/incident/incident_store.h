// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "incident/incident.h"

struct sqlite3;

namespace rampart::incident {

// What the store is told of an attack at each of its events (built from detect::Attack by the
// sink; the store itself knows nothing of detection).
struct AttackUpdate {
  uint64_t attack_id = 0;  // the detector's, unique within one process (kept across reloads)
  std::string target;
  std::string group;
  uint64_t started_ns = 0;
  uint64_t now_ns = 0;
  uint64_t peak_pps = 0;
  uint64_t peak_bps = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  std::string vectors;
  std::string attack_json;
  bool ended = false;
};

// The durable incident record: SQLite (WAL, synchronous=NORMAL: a crash loses at most the last
// transactions, never the file), one file. Every write is one transaction, so `kill -9` at any
// moment leaves whole incidents and actions. Opening:
//  - a file written by a newer schema is refused, untouched, with a message that says so;
//  - a file that is not a database or fails its integrity check is set aside (renamed
//    "<path>.damaged-<unix time>") and a new one started; notice() tells the operator.
// Not thread-safe: one owner (the incident sink's writer thread, or a CLI command).
class IncidentStore {
 public:
  static constexpr int kSchemaVersion = 1;

  static core::Result<std::unique_ptr<IncidentStore>, std::string> open(const std::string& path);
  ~IncidentStore();
  IncidentStore(const IncidentStore&) = delete;
  IncidentStore& operator=(const IncidentStore&) = delete;

  // What happened at open that the operator must hear of ("" when nothing).
  [[nodiscard]] const std::string& notice() const noexcept { return notice_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  // Records an attack event and returns its incident. An attack seen before in this process
  // updates its incident; a new one continues the incident on the same target that is not ended
  // and was updated within `resume_ns` (an attack that went on across a restart of Rampart), or
  // opens a new incident.
  core::Result<Incident, std::string> recordAttack(const AttackUpdate& update, uint64_t resume_ns);
  // A mitigation change for the incident `number`; an install makes an active incident mitigated.
  core::Status recordAction(uint64_t number, const ActionEntry& action);

  // `id` is a number ("12") or a UUID.
  core::Result<std::optional<IncidentDetail>, std::string> find(std::string_view id);
  core::Result<std::vector<Incident>, std::string> list(const ListFilter& filter);
  core::Status addNote(std::string_view id, const Note& note);
  core::Status classify(std::string_view id, Classification c);

  // Retention: incidents that ended before `older_than_ns` go, then the oldest ended ones until
  // the file is under `max_bytes` (0: no bound). Returns how many went.
  core::Result<std::size_t, std::string> prune(uint64_t older_than_ns, uint64_t max_bytes);
  [[nodiscard]] uint64_t sizeBytes();

 private:
  IncidentStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  core::Status exec(const char* sql);
  core::Result<uint64_t, std::string> numberOf(std::string_view id);
  core::Result<std::optional<Incident>, std::string> byNumber(uint64_t number);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::string notice_;
  std::map<uint64_t, uint64_t> by_attack_;  // this process's attack ids -> incident numbers
};

// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
[[nodiscard]] std::string newUuid();

}  // namespace rampart::incident
