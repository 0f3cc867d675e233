#include "settlement/bridge/journal_reader.hpp"

#include <stdexcept>

#include "core/serialization.hpp"

namespace qd::settlement {

JournalReader::JournalReader(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": cannot open read-only: " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_stmt* v = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key = 'format_version'", -1, &v,
                         nullptr) != SQLITE_OK) {
    sqlite3_finalize(v);
    const std::string msg = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": not a journal (" + msg + ")");
  }
  std::string found;
  if (sqlite3_step(v) == SQLITE_ROW)
    found = reinterpret_cast<const char*>(sqlite3_column_text(v, 0));
  sqlite3_finalize(v);
  if (found != std::to_string(journal_format_version)) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": format version '" + found +
                             "' is not the supported " + std::to_string(journal_format_version));
  }
  if (sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(seq), 0) FROM commands", -1, &last_, nullptr) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(db_,
                         "SELECT seq, idx, ts, body FROM events WHERE seq > ? AND seq <= ? AND kind"
                         " IN ('fill', 'collateral', 'funding_paid', 'insurance_takeover', 'adl',"
                         " 'deficit') ORDER BY seq, idx",
                         -1, &events_, nullptr) != SQLITE_OK) {
    const std::string msg = sqlite3_errmsg(db_);
    sqlite3_finalize(last_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": " + msg);
  }
}

JournalReader::~JournalReader() {
  sqlite3_finalize(last_);
  sqlite3_finalize(events_);
  sqlite3_close(db_);
}

void JournalReader::fail(const std::string& what) const {
  throw std::runtime_error("journal " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

SeqNo JournalReader::last_seq() {
  sqlite3_reset(last_);
  const int rc = sqlite3_step(last_);
  if (rc != SQLITE_ROW) fail("reading the last seq");
  const SeqNo seq = SeqNo(sqlite3_column_int64(last_, 0));
  sqlite3_reset(last_);
  return seq;
}

void JournalReader::read(SeqNo after, SeqNo through, const std::function<void(const Event&)>& fn) {
  sqlite3_reset(events_);
  sqlite3_bind_int64(events_, 1, int64_t(after));
  sqlite3_bind_int64(events_, 2, int64_t(through));
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() { sqlite3_reset(s); }
  } reset{events_};
  int rc;
  while ((rc = sqlite3_step(events_)) == SQLITE_ROW) {
    Event e;
    e.seq = SeqNo(sqlite3_column_int64(events_, 0));
    e.index = uint32_t(sqlite3_column_int64(events_, 1));
    e.ts = sqlite3_column_int64(events_, 2);
    const auto* data = static_cast<const char*>(sqlite3_column_blob(events_, 3));
    ByteReader r(std::string_view(data, size_t(sqlite3_column_bytes(events_, 3))));
    r(e.body);
    fn(e);
  }
  if (rc != SQLITE_DONE) fail("reading events");
}

}  // namespace qd::settlement
