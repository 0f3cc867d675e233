#include "app/admin/audit_log.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace qd::admin {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS admin_audit(
  id       INTEGER PRIMARY KEY,
  time_utc TEXT    NOT NULL,  -- ISO 8601, milliseconds
  time_ns  INTEGER NOT NULL,  -- ns since the Unix epoch
  channel  TEXT    NOT NULL,  -- socket (qdctl) | signal (SIGHUP)
  peer_uid INTEGER,           -- from SO_PEERCRED / the signal's sender; NULL when unknown
  peer_pid INTEGER,
  command  TEXT    NOT NULL,
  args     TEXT    NOT NULL,  -- JSON, secrets redacted
  outcome  TEXT    NOT NULL,  -- ok | error | denied
  detail   TEXT    NOT NULL
);
)";

bool names_secret(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"password", "passwd", "secret", "token", "key", "credential"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

AuditLog::AuditLog(const std::string& path) : path_(path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  auto fail = [&](const std::string& what) {
    std::string msg = "audit log " + path + ": " + what;
    if (db_) msg += ": " + std::string(sqlite3_errmsg(db_));
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(msg);
  };
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    fail("cannot open");
  }
  // Owner only, before WAL creates its -wal and -shm files (SQLite gives them the db's mode).
  // Also when the file exists: the FIX gateway's audit trail shares it and may have created it
  // (and its WAL files) first with the default mode.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string f = path + suffix;
    if (std::filesystem::exists(f)) ::chmod(f.c_str(), 0600);
  }
  sqlite3_busy_timeout(db_, 5000);
  if (sqlite3_exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    fail("cannot set WAL mode");
  }
  if (sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK)
    fail("cannot create table");
  if (sqlite3_prepare_v2(db_,
                         "INSERT INTO admin_audit(time_utc, time_ns, channel, peer_uid, peer_pid, "
                         "command, args, outcome, detail) VALUES(?,?,?,?,?,?,?,?,?)",
                         -1, &insert_, nullptr) != SQLITE_OK) {
    fail("cannot prepare insert");
  }
}

AuditLog::~AuditLog() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

void AuditLog::record(const AuditRecord& r) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string time = utc_text(now);
  const std::string args = redact_secrets(r.args).dump();
  std::lock_guard lock(mu_);
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  sqlite3_bind_text(insert_, 1, time.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(insert_, 2, now);
  sqlite3_bind_text(insert_, 3, r.origin.channel.c_str(), -1, SQLITE_TRANSIENT);
  if (r.origin.peer && r.origin.peer->pid >= 0) {
    sqlite3_bind_int64(insert_, 4, int64_t(r.origin.peer->uid));
    sqlite3_bind_int64(insert_, 5, int64_t(r.origin.peer->pid));
  }
  sqlite3_bind_text(insert_, 6, r.command.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 7, args.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 8, r.outcome.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(insert_, 9, r.detail.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(insert_) != SQLITE_DONE) {
    throw std::runtime_error("audit log " + path_ + ": cannot append: " + sqlite3_errmsg(db_));
  }
}

nlohmann::json redact_secrets(const nlohmann::json& args) {
  if (args.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : args.items()) {
      out[k] = names_secret(k) ? nlohmann::json("[redacted]") : redact_secrets(v);
    }
    return out;
  }
  if (args.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : args) out.push_back(redact_secrets(v));
    return out;
  }
  return args;
}

std::string utc_text(int64_t ns) {
  const time_t secs = time_t(ns / 1'000'000'000);
  const int ms = int((ns / 1'000'000) % 1000);
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms);
  return buf;
}

}  // namespace qd::admin
