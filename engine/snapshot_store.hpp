#pragma once
// Snapshots in their own SQLite file beside the journal (snapshot_path_for: journal.db ->
// journal.snapshots.db), and the hooks that take them every N commands without waiting for the
// disk. SQLite has one writer per database file: a snapshot (up to tens of MB) written into the
// journal's file would hold the journal's write lock and delay every order acknowledgement
// behind it; in a file of its own it never does. Two tables of the same shape:
//   snapshots       the engine's state (engine/snapshot.hpp), taken on the engine thread;
//   view_snapshots  the edges' views built from events (order views, market data, ...), taken on
//                   the publisher thread; serialized by the edges (app/gateway/venue_views.hpp).
//
//   snapshots(seq INTEGER PRIMARY KEY,    -- the state after this command
//             journal_id TEXT,            -- SqliteJournal::journal_id of the journal it is of
//             created_at INTEGER,         -- wall clock, ns since the epoch
//             format_version INTEGER,     -- the writer's format version for this table
//             byte_size INTEGER,          -- length of blob
//             state_hash INTEGER,         -- FNV-1a of blob, checked before it is trusted
//             blob BLOB)                  -- engine/snapshot.hpp

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "engine/exchange.hpp"
#include "engine/snapshot.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd {

/// The snapshot file of a journal: a trailing ".db" becomes ".snapshots.db" (journal.db ->
/// journal.snapshots.db); any other name gets ".snapshots.db" appended.
std::string snapshot_path_for(const std::string& journal_path);

/// Which state a snapshot holds, and so its table.
enum class SnapshotKind : uint8_t { engine, views };

struct SnapshotInfo {
  SeqNo seq = 0;
  std::string journal_id;  ///< the journal it was taken of
  TimestampNs created_at = 0;
  uint32_t format_version = 0;
  uint64_t byte_size = 0;
  uint64_t state_hash = 0;
};

class SnapshotStore {
 public:
  /// Opens the snapshot file (created if missing) of the journal whose journal_id is given, for
  /// the snapshots of one kind. Throws std::runtime_error naming the file.
  SnapshotStore(const std::string& path, std::string journal_id,
                SnapshotKind kind = SnapshotKind::engine);
  ~SnapshotStore();
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;

  /// Stores a blob (encode_snapshot) under its header's seq and this store's journal_id,
  /// replacing one of the same seq.
  void write(std::string_view blob, TimestampNs created_at);
  /// Stores any blob under seq with its format version, replacing one of the same seq.
  void write(SeqNo seq, uint32_t format_version, std::string_view blob, TimestampNs created_at);
  /// Every snapshot's row without its blob, newest first.
  std::vector<SnapshotInfo> list() const;
  /// The blob of one snapshot; nullopt when there is none.
  std::optional<std::string> read(SeqNo seq) const;
  /// The blob of a listed snapshot when it may be restored: taken of this store's journal,
  /// written in `format_version`, and hashing to its recorded hash. Otherwise nullopt, with
  /// `why` saying which check failed (for the skip warning).
  std::optional<std::string> read_usable(const SnapshotInfo& info, uint32_t format_version,
                                         std::string& why) const;
  /// Deletes snapshots taken after `seq`: state of commands whose commit never happened (the
  /// engine snapshots before the journal commits). Returns how many.
  int remove_after(SeqNo seq);
  /// Keeps the newest `keep` snapshots of this journal (at least 1) and deletes those of any
  /// other journal.
  void prune(size_t keep);

  const std::string& path() const { return path_; }
  const std::string& journal_id() const { return journal_id_; }

 private:
  void exec(const char* sql) const;
  sqlite3_stmt* prepare(const char* sql) const;

  std::string path_;
  std::string journal_id_;
  const char* table_;
  sqlite3* db_ = nullptr;
};

struct SnapshotTakerOptions {
  uint64_t every_commands = 100'000;  ///< an engine snapshot when seq crosses a multiple; 0 = none
  uint64_t views_every_commands = 0;  ///< the edges' views likewise (views_due); 0 = never
  size_t keep = 2;                    ///< snapshots kept: the newest, and older to fall back on
  /// Called on the writer thread after each attempt: the kind, seq, blob bytes, how long the
  /// engine (or publisher) thread spent copying the state (ns), and an error ("" = written).
  /// Must not block for long.
  std::function<void(SnapshotKind kind, SeqNo seq, size_t bytes, int64_t capture_ns,
                     const std::string& error)>
      on_written;
};

/// The sequencer's after-chunk hook: at a chunk boundary past the next multiple of
/// every_commands it copies the exchange's state on the engine thread (capture_snapshot:
/// consistent with exactly the commands <= seq) and hands the copy to its own writer thread,
/// which serializes and stores it. A copy still waiting when the next one arrives is replaced:
/// the engine never waits for serialization or the disk.
class SnapshotTaker {
 public:
  /// Snapshots of journal go to snapshot_path_for(journal.path()); the first after the
  /// journal's last seq at construction. Keeps no reference to journal.
  SnapshotTaker(const SqliteJournal& journal, SnapshotTakerOptions options);
  ~SnapshotTaker();  ///< writes what is pending, then joins the writer
  SnapshotTaker(const SnapshotTaker&) = delete;
  SnapshotTaker& operator=(const SnapshotTaker&) = delete;

  /// Engine thread, between chunks: seq is the last command the exchange applied.
  void after_chunk(const Exchange& exchange, SeqNo seq);
  /// Engine thread: snapshot now, whatever the interval (operator request, tests).
  void take(const Exchange& exchange, SeqNo seq);
  /// Publisher thread: true once seq has crossed the next multiple of views_every_commands since
  /// the edges' views were last handed over.
  bool views_due(SeqNo seq) const {
    return options_.views_every_commands > 0 && seq >= next_views_;
  }
  /// Publisher thread: the edges' views serialized at seq (their format version), stored by the
  /// writer thread. One still waiting is replaced.
  void hand_over_views(SeqNo seq, uint32_t format_version, std::string blob, int64_t capture_ns);
  /// Blocks until everything handed over so far is written (tests, shutdown).
  void flush();

 private:
  struct Pending {
    SeqNo seq = 0;
    CapturedSnapshot state;  // encoded by the writer thread
    int64_t capture_ns = 0;
  };
  struct PendingViews {
    SeqNo seq = 0;
    uint32_t format_version = 0;
    std::string blob;
    int64_t capture_ns = 0;
  };
  void writer_loop();
  void store_engine(Pending p, std::optional<SnapshotStore>& store);
  void store_views(PendingViews p, std::optional<SnapshotStore>& store);

  std::string path_;  // the snapshot file
  std::string journal_id_;
  SnapshotTakerOptions options_;
  SeqNo next_ = 0;        ///< engine thread: snapshot once seq reaches this
  SeqNo next_views_ = 0;  ///< publisher thread: the views once seq reaches this
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Pending> pending_;
  std::optional<PendingViews> pending_views_;
  bool writing_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace qd
