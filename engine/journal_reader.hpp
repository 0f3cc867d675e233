#pragma once
// A read-only view of the journal's `events` table on its own SQLite connection, for consumers
// that catch up from the journal while the venue runs (drop copy). WAL mode lets it read a
// consistent snapshot without ever blocking the sequencer's writer. Not thread-safe: one reader
// per thread.

#include <sqlite3.h>

#include <string>
#include <vector>

#include "core/event.hpp"

namespace qd {

class JournalReader {
 public:
  /// Opens `path` read-only. Throws std::runtime_error naming the file when it cannot be opened
  /// or has no events table (not a journal).
  explicit JournalReader(const std::string& path);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  /// At most `limit` journaled events after `after` in (seq, index) order, decoded from their
  /// stored bodies. `kinds` limits them to these journal kinds ("accepted", "fill", ...: the
  /// events.kind column); empty = every kind. Throws on a read or decode failure.
  std::vector<Event> events_after(ExecId after, size_t limit,
                                  const std::vector<std::string>& kinds = {}) const;

  /// The (seq, index) of the last journaled event; {0, 0} for an empty journal.
  ExecId last_event() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace qd
