#pragma once
// The yardstick for the journal's throughput: plain SQLite writing exactly the rows the journal
// writes (same schema, created by SqliteJournal itself; same SQL text; the same column values
// and serialized bytes, computed before timing starts) with prepared statements, one
// transaction per batch. Whatever the journal spends beyond this is its own overhead.
//
// The rows are built independently of the journal's code; rows_identical() proves after a run
// that both databases hold the same commands, events and orders, so the yardstick never
// measures a cheaper table than the journal writes.

#include <sqlite3.h>

#include <span>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/event.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd::bench {

/// Seconds a timed loop took on the wall clock and on its thread's CPU clock (user + system).
/// The CPU figure is what a loaded machine distorts least; the wall figure includes waiting for
/// the disk (fsync), which is the point of synchronous=FULL.
struct Timing {
  double wall = 0;
  double cpu = 0;
};

/// Starts both clocks; `stop()` reads them.
class Stopwatch {
 public:
  Stopwatch();
  Timing stop() const;

 private:
  double wall0_, cpu0_;
};

/// Every row the journal writes for a run of commands, ready to bind.
class YardstickRows {
 public:
  /// events[offsets[i] .. offsets[i+1]) are commands[i]'s events. The spans must outlive this.
  YardstickRows(std::span<const Command> commands, std::span<const Event> events,
                std::span<const size_t> offsets);

  size_t commands() const { return op_begin_.size() - 1; }
  size_t statements() const { return ops_.size(); }

  /// Writes every command's rows to a new database at `path` in transactions of `batch` commands.
  /// Returns the time spent in the timed loop (open, schema and close excluded).
  Timing write(const std::string& path, JournalSync sync, size_t batch) const;

 private:
  enum class Op : uint8_t { command, event, order };
  struct Cell {
    enum Kind : uint8_t { null, integer, text, blob, arena_text, arena_blob } kind = null;
    uint32_t len = 0;
    union {
      int64_t i = 0;
      const char* p;
      uint64_t off;
    };
  };
  void add_int(int64_t v);
  void add_text(const char* s);
  void add_view(std::string_view s);  // stable memory (names, the caller's events)
  void add_arena(std::string_view bytes, bool blob);
  void add_null(int n = 1);
  void add_command(const Command& c, std::span<const Event> mine);
  void add_event(const Event& e);

  std::vector<Op> ops_;
  std::vector<size_t> op_begin_;  // ops_ index of each command's first statement
  std::vector<Cell> cells_;
  std::string arena_;  // serialized bodies and trade ids
};

/// Deletes a database and its -wal/-shm files.
void remove_database(const std::string& path);
/// Bytes of a database and its -wal file.
uint64_t database_bytes(const std::string& path);
/// Rows in one database's commands/events/orders that the other lacks (0 = identical), and the
/// row counts compared. Throws on SQLite errors.
struct TableDiff {
  uint64_t differing = 0;
  uint64_t rows = 0;
};
TableDiff compare_tables(const std::string& a, const std::string& b);

}  // namespace qd::bench
