#pragma once
// The journal on SQLite (WAL mode). One transaction per sequencer batch holds the batch's
// commands (the replayable record), the events they produced (queryable by operators), an
// upserted `orders` table of current order state, and per-command event hashes that replay
// checks. Operators read it with sqlite3 while the venue runs (see README: "Journal tables").

#include <sqlite3.h>

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/serialization.hpp"
#include "engine/journal.hpp"

namespace qd {

enum class JournalSync {
  full,    ///< fsync at every batch commit (synchronous=FULL): survives power loss
  normal,  ///< commit reaches the OS before the ack (synchronous=NORMAL): survives a process
           ///< crash or kill -9, not a power loss or kernel crash. Never acknowledges before commit.
};

struct NamedId {
  uint32_t id = 0;
  std::string name;
};

class SqliteJournal final : public Journal {
 public:
  /// Opens or creates the journal. Throws std::runtime_error naming the file on any failure.
  explicit SqliteJournal(const std::string& path, JournalSync sync = JournalSync::full);
  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  SeqNo last_seq() const override { return last_seq_; }
  void append(std::span<const Command> commands, std::span<const Event> events) override;

  /// Names for the operator views (markets.symbol, accounts.name); upserted at start.
  void record_names(const std::vector<NamedId>& markets, const std::vector<NamedId>& accounts);

  /// Every journaled command in sequence order with the hash and count of the events it
  /// produced when it first ran.
  void for_each_command(const std::function<void(const Command&, uint64_t events_hash,
                                                 uint32_t event_count)>& fn) const;
  /// The same for the commands with seq > after (replay after a snapshot).
  void for_each_command_after(SeqNo after,
                              const std::function<void(const Command&, uint64_t events_hash,
                                                       uint32_t event_count)>& fn) const;
  /// Journaled events with seq > after, in order (drop-copy resend, settlement outbox).
  void for_each_event_after(SeqNo after, const std::function<bool(const Event&)>& fn) const;

  /// A consistent online copy through SQLite's backup API, taken from its own read-only
  /// connection without stalling the writer. The copy gets a new journal_id (snapshots of the
  /// original are not used with it). Throws on failure.
  static void backup(const std::string& source_path, const std::string& target_path);

  /// Hash of a command's events, as stored and as replay recomputes it.
  static uint64_t hash_events(std::span<const Event> events);

  const std::string& path() const { return path_; }
  /// Random identity of this journal file (32 hex digits, meta key `journal_id`; a backup gets
  /// its own): snapshots record it and are used only with the journal they were taken of.
  const std::string& journal_id() const { return journal_id_; }

 private:
  void init(JournalSync sync);
  void exec(const char* sql) const;
  sqlite3_stmt* prepare(const char* sql) const;
  void write_event(const Event& e, std::string_view body);
  void write_order(const OrderState& o, SeqNo seq);
  void step_done(sqlite3_stmt* s);  // steps, resets, throws unless SQLITE_DONE

  std::string path_;
  std::string journal_id_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_command_ = nullptr;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* upsert_order_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  SeqNo last_seq_ = 0;
  ByteWriter writer_;       // the command being appended
  ByteWriter event_bytes_;  // its events, serialized back to back
  std::vector<std::pair<size_t, size_t>> body_spans_;  // each event body's offset and size
  // The batch's last state of each order it touched, in first-touched order: the orders table
  // holds current states, so one upsert per order per transaction is enough (an IOC that is
  // accepted and expired in one command, a resting order filled by several takers).
  std::vector<const Event*> order_updates_;
  std::unordered_map<OrderId, size_t> order_update_at_;
};

}  // namespace qd
