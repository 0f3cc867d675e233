#pragma once
// Reads committed events from the engine's journal (engine/sqlite_journal.hpp) through its own
// read-only SQLite connection. The journal is in WAL mode, so reading never blocks the engine's
// writer and sees only committed transactions: a command's events appear all at once.

#include <sqlite3.h>

#include <functional>
#include <string>

#include "core/event.hpp"

namespace qd::settlement {

class JournalReader {
 public:
  /// Opens path read-only. Throws std::runtime_error naming the file when it is missing, is not
  /// a journal, or has another format version.
  explicit JournalReader(const std::string& path);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  /// Highest committed command seq (0 for an empty journal).
  SeqNo last_seq();
  /// Calls fn for each settlement-relevant event (fills, collateral changes, funding payments,
  /// takeovers, ADL, deficits) with after < seq <= through, in (seq, index) order.
  void read(SeqNo after, SeqNo through, const std::function<void(const Event&)>& fn);

  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* last_ = nullptr;
  sqlite3_stmt* events_ = nullptr;
};

}  // namespace qd::settlement
