// SPDX-License-Identifier: Apache-2.0
#include "incident/incident_store.h"

#include <sqlite3.h>
#include <sys/random.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

namespace rampart::incident {
namespace {

using Text = std::string_view;

// One prepared statement, finalized when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  [[nodiscard]] bool ok() const noexcept { return stmt_ != nullptr; }
  Statement& bind(int i, uint64_t v) {
    sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  Statement& bind(int i, Text v) {
    // An empty view may have no data pointer, which SQLite would bind as NULL, not as ''.
    sqlite3_bind_text(stmt_, i, v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return stmt_ == nullptr ? SQLITE_ERROR : sqlite3_step(stmt_); }
  [[nodiscard]] uint64_t u64(int col) const { return static_cast<uint64_t>(sqlite3_column_int64(stmt_, col)); }
  [[nodiscard]] std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }
  [[nodiscard]] std::string error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS incident(
  number INTEGER PRIMARY KEY AUTOINCREMENT,
  uuid TEXT NOT NULL UNIQUE,
  attack_target TEXT NOT NULL,
  host_group TEXT NOT NULL,
  status TEXT NOT NULL,
  classification TEXT NOT NULL DEFAULT 'unclassified',
  started_ns INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL,
  ended_ns INTEGER NOT NULL DEFAULT 0,
  peak_pps INTEGER NOT NULL DEFAULT 0,
  peak_bps INTEGER NOT NULL DEFAULT 0,
  packets INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  vectors TEXT NOT NULL DEFAULT '',
  attack_json TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS incident_open ON incident(attack_target, status);
CREATE TABLE IF NOT EXISTS action(
  incident INTEGER NOT NULL REFERENCES incident(number) ON DELETE CASCADE,
  time_ns INTEGER NOT NULL,
  event TEXT NOT NULL,
  record_json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS action_incident ON action(incident);
CREATE TABLE IF NOT EXISTS note(
  incident INTEGER NOT NULL REFERENCES incident(number) ON DELETE CASCADE,
  time_ns INTEGER NOT NULL,
  text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS note_incident ON note(incident);
)sql";

constexpr const char* kIncidentColumns =
    "number, uuid, attack_target, host_group, status, classification, started_ns, updated_ns, ended_ns, peak_pps, "
    "peak_bps, packets, bytes, vectors, attack_json";

Incident readIncident(const Statement& s) {
  Incident i;
  i.number = s.u64(0);
  i.uuid = s.text(1);
  i.target = s.text(2);
  i.group = s.text(3);
  i.status = statusFromString(s.text(4)).value_or(Status::kActive);
  i.classification = classificationFromString(s.text(5)).value_or(Classification::kUnclassified);
  i.started_ns = s.u64(6);
  i.updated_ns = s.u64(7);
  i.ended_ns = s.u64(8);
  i.peak_pps = s.u64(9);
  i.peak_bps = s.u64(10);
  i.packets = s.u64(11);
  i.bytes = s.u64(12);
  i.vectors = s.text(13);
  i.attack_json = s.text(14);
  return i;
}

// Opens `path` and says whether it is a database of ours that we may use: "" or why not.
// `damaged` is set when the file is not a database or fails its check (as opposed to a
// database we must not touch).
std::string openAndCheck(const std::string& path, sqlite3** db, bool& damaged) {
  damaged = false;
  if (sqlite3_open_v2(path.c_str(), db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    return fmt::format("{}: cannot open: {}", path, *db ? sqlite3_errmsg(*db) : "out of memory");
  }
  sqlite3_busy_timeout(*db, 2000);
  int version = 0;
  {
    Statement s(*db, "PRAGMA user_version");
    const int rc = s.step();
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
      damaged = true;
      return fmt::format("{}: not a database ({})", path, sqlite3_errstr(rc));
    }
    if (rc != SQLITE_ROW) return fmt::format("{}: cannot read: {}", path, sqlite3_errmsg(*db));
    version = static_cast<int>(s.u64(0));
  }
  if (version > IncidentStore::kSchemaVersion) {
    return fmt::format(
        "{}: written by a newer Rampart (incident schema {}, this one reads {}): left untouched; use that "
        "version or another [incidents] file",
        path, version, IncidentStore::kSchemaVersion);
  }
  Statement check(*db, "PRAGMA quick_check");
  const int rc = check.step();
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT || (rc == SQLITE_ROW && check.text(0) != "ok")) {
    damaged = true;
    return fmt::format("{}: damaged ({})", path, rc == SQLITE_ROW ? check.text(0) : sqlite3_errstr(rc));
  }
  if (rc != SQLITE_ROW) return fmt::format("{}: cannot check: {}", path, sqlite3_errmsg(*db));
  return "";
}

}  // namespace

std::string newUuid() {
  std::array<uint8_t, 16> b{};
  if (getrandom(b.data(), b.size(), 0) != static_cast<ssize_t>(b.size())) {
    // getrandom on Linux >= 3.17 does not fail for 16 bytes once the pool is ready; the clock
    // keeps ids distinct should it ever.
    const auto t = static_cast<uint64_t>(std::time(nullptr)) ^ reinterpret_cast<uintptr_t>(&b);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(t >> ((i % 8) * 8));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += fmt::format("{:02x}", b[i]);
  }
  return s;
}

core::Result<std::unique_ptr<IncidentStore>, std::string> IncidentStore::open(const std::string& path) {
  using R = core::Result<std::unique_ptr<IncidentStore>, std::string>;
  sqlite3* db = nullptr;
  bool damaged = false;
  std::string notice;
  std::string why = openAndCheck(path, &db, damaged);
  if (!why.empty() && damaged) {
    sqlite3_close(db);
    db = nullptr;
    const std::string aside = fmt::format("{}.damaged-{}", path, std::time(nullptr));
    std::error_code ec;
    std::filesystem::rename(path, aside, ec);
    if (ec) return R::failure(fmt::format("{}; cannot set it aside: {}", why, ec.message()));
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    notice = fmt::format("{}: set aside as {}, a new incident database started", why, aside);
    why = openAndCheck(path, &db, damaged);
  }
  if (!why.empty()) {
    sqlite3_close(db);
    return R::failure(why);
  }
  std::unique_ptr<IncidentStore> store(new IncidentStore(db, path));
  store->notice_ = std::move(notice);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", kSchema}) {
    if (auto st = store->exec(sql); !st) return R::failure(st.error());
  }
  if (auto st = store->exec(fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str()); !st) {
    return R::failure(st.error());
  }
  return store;
}

IncidentStore::~IncidentStore() { sqlite3_close(db_); }

core::Status IncidentStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string what = fmt::format("{}: {}", path_, message != nullptr ? message : sqlite3_errmsg(db_));
    sqlite3_free(message);
    return core::failed(std::move(what));
  }
  return core::okStatus();
}

core::Result<std::optional<Incident>, std::string> IncidentStore::byNumber(uint64_t number) {
  using R = core::Result<std::optional<Incident>, std::string>;
  Statement s(db_, fmt::format("SELECT {} FROM incident WHERE number = ?", kIncidentColumns).c_str());
  s.bind(1, number);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<Incident>(readIncident(s));
  if (rc == SQLITE_DONE) return std::optional<Incident>();
  return R::failure(fmt::format("{}: {}", path_, s.error()));
}

core::Result<Incident, std::string> IncidentStore::recordAttack(const AttackUpdate& u, uint64_t resume_ns) {
  using R = core::Result<Incident, std::string>;
  uint64_t number = 0;
  if (auto it = by_attack_.find(u.attack_id); it != by_attack_.end()) {
    number = it->second;
  } else {
    Statement s(db_,
                "SELECT number FROM incident WHERE attack_target = ? AND status != 'ended' AND updated_ns >= ? "
                "ORDER BY updated_ns DESC LIMIT 1");
    s.bind(1, u.target).bind(2, u.now_ns > resume_ns ? u.now_ns - resume_ns : 0);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      number = s.u64(0);
    } else if (rc != SQLITE_DONE) {
      return R::failure(fmt::format("{}: {}", path_, s.error()));
    }
  }
  const Text status = u.ended ? toString(Status::kEnded) : toString(Status::kActive);
  if (number == 0) {
    Statement ins(db_,
                  "INSERT INTO incident(uuid, attack_target, host_group, status, started_ns, updated_ns) "
                  "VALUES (?, ?, ?, ?, ?, ?)");
    ins.bind(1, newUuid()).bind(2, u.target).bind(3, u.group).bind(4, status).bind(5, u.started_ns).bind(6, u.now_ns);
    if (ins.step() != SQLITE_DONE) return R::failure(fmt::format("{}: {}", path_, ins.error()));
    number = static_cast<uint64_t>(sqlite3_last_insert_rowid(db_));
  }
  by_attack_[u.attack_id] = number;
  // A resumed incident keeps its start and its peaks; a mitigated one stays mitigated until it ends.
  Statement up(db_,
               "UPDATE incident SET updated_ns = ?1, peak_pps = max(peak_pps, ?2), peak_bps = max(peak_bps, ?3), "
               "packets = max(packets, ?4), bytes = max(bytes, ?5), vectors = ?6, attack_json = ?7, "
               "status = CASE WHEN ?8 = 'ended' THEN 'ended' WHEN status = 'mitigated' THEN 'mitigated' "
               "ELSE 'active' END, ended_ns = CASE WHEN ?8 = 'ended' THEN ?1 ELSE 0 END WHERE number = ?9");
  up.bind(1, u.now_ns).bind(2, u.peak_pps).bind(3, u.peak_bps).bind(4, u.packets).bind(5, u.bytes);
  up.bind(6, u.vectors).bind(7, u.attack_json).bind(8, status).bind(9, number);
  if (up.step() != SQLITE_DONE) return R::failure(fmt::format("{}: {}", path_, up.error()));
  if (u.ended) by_attack_.erase(u.attack_id);
  auto found = byNumber(number);
  if (!found) return R::failure(found.error());
  if (!found.value()) return R::failure(fmt::format("{}: incident {} vanished", path_, number));
  return std::move(*found.value());
}

core::Status IncidentStore::recordAction(uint64_t number, const ActionEntry& a) {
  Statement s(db_, "INSERT INTO action(incident, time_ns, event, record_json) VALUES (?, ?, ?, ?)");
  s.bind(1, number).bind(2, a.time_ns).bind(3, a.event).bind(4, a.record_json);
  if (s.step() != SQLITE_DONE) return core::failed(fmt::format("{}: {}", path_, s.error()));
  if (a.event == "install") {
    Statement m(db_, "UPDATE incident SET status = 'mitigated' WHERE number = ? AND status = 'active'");
    m.bind(1, number);
    if (m.step() != SQLITE_DONE) return core::failed(fmt::format("{}: {}", path_, m.error()));
  }
  return core::okStatus();
}

core::Result<uint64_t, std::string> IncidentStore::numberOf(std::string_view id) {
  using R = core::Result<uint64_t, std::string>;
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec == std::errc() && end == id.data() + id.size() && n != 0) return n;
  Statement s(db_, "SELECT number FROM incident WHERE uuid = ?");
  s.bind(1, id);
  const int rc = s.step();
  if (rc == SQLITE_ROW) return s.u64(0);
  if (rc == SQLITE_DONE) return R::failure(fmt::format("no incident '{}'", id));
  return R::failure(fmt::format("{}: {}", path_, s.error()));
}

core::Result<std::optional<IncidentDetail>, std::string> IncidentStore::find(std::string_view id) {
  using R = core::Result<std::optional<IncidentDetail>, std::string>;
  auto number = numberOf(id);
  if (!number) return std::optional<IncidentDetail>();
  auto found = byNumber(number.value());
  if (!found) return R::failure(found.error());
  if (!found.value()) return std::optional<IncidentDetail>();
  IncidentDetail d{std::move(*found.value()), {}, {}};
  Statement a(db_, "SELECT time_ns, event, record_json FROM action WHERE incident = ? ORDER BY rowid");
  a.bind(1, d.incident.number);
  while (a.step() == SQLITE_ROW) d.actions.push_back({a.u64(0), a.text(1), a.text(2)});
  Statement n(db_, "SELECT time_ns, text FROM note WHERE incident = ? ORDER BY rowid");
  n.bind(1, d.incident.number);
  while (n.step() == SQLITE_ROW) d.notes.push_back({n.u64(0), n.text(1)});
  return std::optional<IncidentDetail>(std::move(d));
}

core::Result<std::vector<Incident>, std::string> IncidentStore::list(const ListFilter& f) {
  using R = core::Result<std::vector<Incident>, std::string>;
  Statement s(db_, fmt::format("SELECT {} FROM incident WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR "
                               "classification = ?2) AND (?3 = '' OR attack_target = ?3) AND started_ns >= ?4 "
                               "ORDER BY number DESC LIMIT ?5",
                               kIncidentColumns)
                       .c_str());
  s.bind(1, f.status ? toString(*f.status) : Text())
      .bind(2, f.classification ? toString(*f.classification) : Text())
      .bind(3, Text(f.target))
      .bind(4, f.since_ns)
      .bind(5, uint64_t{f.limit});
  std::vector<Incident> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(readIncident(s));
  if (rc != SQLITE_DONE) return R::failure(fmt::format("{}: {}", path_, s.error()));
  return out;
}

core::Status IncidentStore::addNote(std::string_view id, const Note& note) {
  auto number = numberOf(id);
  if (!number) return core::failed(number.error());
  Statement s(db_, "INSERT INTO note(incident, time_ns, text) VALUES (?, ?, ?)");
  s.bind(1, number.value()).bind(2, note.time_ns).bind(3, Text(note.text));
  if (s.step() != SQLITE_DONE) return core::failed(fmt::format("{}: {}", path_, s.error()));
  return core::okStatus();
}

core::Status IncidentStore::classify(std::string_view id, Classification c) {
  auto number = numberOf(id);
  if (!number) return core::failed(number.error());
  Statement s(db_, "UPDATE incident SET classification = ? WHERE number = ?");
  s.bind(1, toString(c)).bind(2, number.value());
  if (s.step() != SQLITE_DONE) return core::failed(fmt::format("{}: {}", path_, s.error()));
  if (sqlite3_changes(db_) == 0) return core::failed(fmt::format("no incident '{}'", id));
  return core::okStatus();
}

uint64_t IncidentStore::sizeBytes() {
  Statement s(db_, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  return s.step() == SQLITE_ROW ? s.u64(0) : 0;
}

core::Result<std::size_t, std::string> IncidentStore::prune(uint64_t older_than_ns, uint64_t max_bytes) {
  using R = core::Result<std::size_t, std::string>;
  std::size_t gone = 0;
  {
    Statement s(db_, "DELETE FROM incident WHERE status = 'ended' AND ended_ns < ?");
    s.bind(1, older_than_ns);
    if (s.step() != SQLITE_DONE) return R::failure(fmt::format("{}: {}", path_, s.error()));
    gone += static_cast<std::size_t>(sqlite3_changes(db_));
  }
  // The oldest ended incidents, a batch at a time, until the file (after VACUUM) fits.
  while (max_bytes != 0) {
    if (auto st = exec("VACUUM"); !st) return R::failure(st.error());
    if (sizeBytes() <= max_bytes) break;
    Statement s(db_,
                "DELETE FROM incident WHERE number IN (SELECT number FROM incident WHERE status = 'ended' "
                "ORDER BY ended_ns LIMIT 50)");
    if (s.step() != SQLITE_DONE) return R::failure(fmt::format("{}: {}", path_, s.error()));
    const auto n = static_cast<std::size_t>(sqlite3_changes(db_));
    if (n == 0) break;  // only open incidents left: they are never pruned
    gone += n;
  }
  return gone;
}

}  // namespace rampart::incident
