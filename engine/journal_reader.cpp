#include "engine/journal_reader.hpp"

#include <stdexcept>

#include "core/serialization.hpp"

namespace qd {

namespace {
struct StmtGuard {
  sqlite3_stmt* s = nullptr;
  ~StmtGuard() { sqlite3_finalize(s); }
};
}  // namespace

JournalReader::JournalReader(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": cannot open read-only: " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  StmtGuard check;
  if (sqlite3_prepare_v2(db_, "SELECT 1 FROM events LIMIT 1", -1, &check.s, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_finalize(check.s);
    check.s = nullptr;
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": " + msg);
  }
}

JournalReader::~JournalReader() {
  sqlite3_close(db_);
}

std::vector<Event> JournalReader::events_after(ExecId after, size_t limit,
                                               const std::vector<std::string>& kinds) const {
  std::string sql =
      "SELECT seq, idx, ts, body FROM events WHERE (seq > ?1 OR (seq = ?1 AND idx > ?2))";
  if (!kinds.empty()) {
    sql += " AND kind IN (";
    for (size_t i = 0; i < kinds.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY seq, idx LIMIT ?";
  StmtGuard s;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s.s, nullptr) != SQLITE_OK)
    throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
  int at = 1;
  sqlite3_bind_int64(s.s, at++, int64_t(after.seq));
  sqlite3_bind_int64(s.s, at++, int64_t(after.index));
  for (const std::string& k : kinds)
    sqlite3_bind_text(s.s, at++, k.data(), int(k.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s.s, at, int64_t(limit));
  std::vector<Event> out;
  int rc;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) {
    Event e;
    e.seq = SeqNo(sqlite3_column_int64(s.s, 0));
    e.index = uint32_t(sqlite3_column_int64(s.s, 1));
    e.ts = sqlite3_column_int64(s.s, 2);
    const auto* data = static_cast<const char*>(sqlite3_column_blob(s.s, 3));
    ByteReader r(std::string_view(data, size_t(sqlite3_column_bytes(s.s, 3))));
    r(e.body);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
  return out;
}

ExecId JournalReader::last_event() const {
  StmtGuard s;
  if (sqlite3_prepare_v2(db_, "SELECT seq, idx FROM events ORDER BY seq DESC, idx DESC LIMIT 1", -1,
                         &s.s, nullptr) != SQLITE_OK)
    throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
  ExecId id{0, 0};
  if (sqlite3_step(s.s) == SQLITE_ROW) {
    id.seq = SeqNo(sqlite3_column_int64(s.s, 0));
    id.index = uint32_t(sqlite3_column_int64(s.s, 1));
  }
  return id;
}

}  // namespace qd
