#include "engine/snapshot_store.hpp"

#include <pthread.h>

#include <chrono>
#include <stdexcept>

#include "core/serialization.hpp"
#include "engine/snapshot.hpp"

namespace qd {

namespace {

const char* table_of(SnapshotKind kind) {
  return kind == SnapshotKind::views ? "view_snapshots" : "snapshots";
}

std::string schema_of(const char* table) {
  return std::string("CREATE TABLE IF NOT EXISTS ") + table +
         "(seq INTEGER PRIMARY KEY, journal_id TEXT NOT NULL, created_at INTEGER NOT NULL,"
         " format_version INTEGER NOT NULL, byte_size INTEGER NOT NULL,"
         " state_hash INTEGER NOT NULL, blob BLOB NOT NULL)";
}

/// sql with every "{t}" replaced by the table's name.
std::string for_table(std::string sql, const char* table) {
  for (size_t at; (at = sql.find("{t}")) != std::string::npos;) sql.replace(at, 3, table);
  return sql;
}

struct StmtGuard {
  sqlite3_stmt* s;
  ~StmtGuard() { sqlite3_finalize(s); }
};

TimestampNs wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string snapshot_path_for(const std::string& journal_path) {
  const std::string_view suffix = ".db";
  if (journal_path.size() > suffix.size() && journal_path.ends_with(suffix))
    return journal_path.substr(0, journal_path.size() - suffix.size()) + ".snapshots.db";
  return journal_path + ".snapshots.db";
}

SnapshotStore::SnapshotStore(const std::string& path, std::string journal_id, SnapshotKind kind)
    : path_(path), journal_id_(std::move(journal_id)), table_(table_of(kind)) {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("snapshots in " + path_ + ": cannot open: " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec("PRAGMA journal_mode=WAL");
    // No fsync at a snapshot's commit: a snapshot lost to a power cut costs only restart time
    // (an older one, or a full replay, is used). This file has its own write lock: the
    // journal's commits never wait for a snapshot.
    exec("PRAGMA synchronous=NORMAL");
    exec(schema_of(table_).c_str());
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

SnapshotStore::~SnapshotStore() {
  sqlite3_close(db_);
}

void SnapshotStore::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("snapshots in " + path_ + ": " + msg);
  }
}

sqlite3_stmt* SnapshotStore::prepare(const char* sql) const {
  const std::string text = for_table(sql, table_);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, text.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("snapshots in " + path_ + ": " + sqlite3_errmsg(db_));
  return s;
}

void SnapshotStore::write(std::string_view blob, TimestampNs created_at) {
  const SnapshotHeader h = snapshot_header(blob);
  write(h.seq, h.format_version, blob, created_at);
}

void SnapshotStore::write(SeqNo seq, uint32_t format_version, std::string_view blob,
                          TimestampNs created_at) {
  sqlite3_stmt* s = prepare(
      "INSERT OR REPLACE INTO {t}(seq, journal_id, created_at, format_version, byte_size,"
      " state_hash, blob) VALUES(?,?,?,?,?,?,?)");
  StmtGuard guard{s};
  sqlite3_bind_int64(s, 1, int64_t(seq));
  sqlite3_bind_text(s, 2, journal_id_.data(), int(journal_id_.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, created_at);
  sqlite3_bind_int64(s, 4, format_version);
  sqlite3_bind_int64(s, 5, int64_t(blob.size()));
  sqlite3_bind_int64(s, 6, int64_t(fnv1a(blob)));
  sqlite3_bind_blob64(s, 7, blob.data(), blob.size(), SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_DONE)
    throw std::runtime_error("snapshots in " + path_ + ": " + sqlite3_errmsg(db_));
}

std::vector<SnapshotInfo> SnapshotStore::list() const {
  sqlite3_stmt* s = prepare(
      "SELECT seq, journal_id, created_at, format_version, byte_size, state_hash FROM {t}"
      " ORDER BY seq DESC");
  StmtGuard guard{s};
  std::vector<SnapshotInfo> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    out.push_back({SeqNo(sqlite3_column_int64(s, 0)), id ? id : "", sqlite3_column_int64(s, 2),
                   uint32_t(sqlite3_column_int64(s, 3)), uint64_t(sqlite3_column_int64(s, 4)),
                   uint64_t(sqlite3_column_int64(s, 5))});
  }
  if (rc != SQLITE_DONE)
    throw std::runtime_error("snapshots in " + path_ + ": " + sqlite3_errmsg(db_));
  return out;
}

std::optional<std::string> SnapshotStore::read(SeqNo seq) const {
  sqlite3_stmt* s = prepare("SELECT blob FROM {t} WHERE seq = ?");
  StmtGuard guard{s};
  sqlite3_bind_int64(s, 1, int64_t(seq));
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  const auto* data = static_cast<const char*>(sqlite3_column_blob(s, 0));
  return std::string(data ? data : "", size_t(sqlite3_column_bytes(s, 0)));
}

std::optional<std::string> SnapshotStore::read_usable(const SnapshotInfo& info,
                                                      uint32_t format_version,
                                                      std::string& why) const {
  if (info.journal_id != journal_id_) {
    // A journal deleted, replaced or restored from a backup: the same seq is another state.
    why = "taken of another journal (journal_id " + info.journal_id + ", this journal's is " +
          journal_id_ + ")";
    return std::nullopt;
  }
  if (info.format_version != format_version) {
    why = "format version " + std::to_string(info.format_version) + " is not the supported " +
          std::to_string(format_version);
    return std::nullopt;
  }
  std::optional<std::string> blob = read(info.seq);
  if (!blob || blob->size() != info.byte_size || fnv1a(*blob) != info.state_hash) {
    why = "its blob does not match its recorded hash";
    return std::nullopt;
  }
  return blob;
}

int SnapshotStore::remove_after(SeqNo seq) {
  sqlite3_stmt* s = prepare("DELETE FROM {t} WHERE seq > ?");
  StmtGuard guard{s};
  sqlite3_bind_int64(s, 1, int64_t(seq));
  if (sqlite3_step(s) != SQLITE_DONE)
    throw std::runtime_error("snapshots in " + path_ + ": " + sqlite3_errmsg(db_));
  return sqlite3_changes(db_);
}

void SnapshotStore::prune(size_t keep) {
  sqlite3_stmt* s = prepare(
      "DELETE FROM {t} WHERE journal_id IS NOT ?1 OR seq NOT IN (SELECT seq FROM {t}"
      " WHERE journal_id = ?1 ORDER BY seq DESC LIMIT ?2)");
  StmtGuard guard{s};
  sqlite3_bind_text(s, 1, journal_id_.data(), int(journal_id_.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, int64_t(keep < 1 ? 1 : keep));
  if (sqlite3_step(s) != SQLITE_DONE)
    throw std::runtime_error("snapshots in " + path_ + ": " + sqlite3_errmsg(db_));
}

SnapshotTaker::SnapshotTaker(const SqliteJournal& journal, SnapshotTakerOptions options)
    : path_(snapshot_path_for(journal.path())),
      journal_id_(journal.journal_id()),
      options_(std::move(options)) {
  if (options_.every_commands == 0 && options_.views_every_commands == 0)
    throw std::invalid_argument("no snapshot interval: engine and views both 0");
  const auto next_multiple = [&](uint64_t every) {
    return every == 0 ? SeqNo(0) : (journal.last_seq() / every + 1) * every;
  };
  next_ = next_multiple(options_.every_commands);
  next_views_ = next_multiple(options_.views_every_commands);
  writer_ = std::thread([this] { writer_loop(); });
}

SnapshotTaker::~SnapshotTaker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

void SnapshotTaker::after_chunk(const Exchange& exchange, SeqNo seq) {
  if (options_.every_commands == 0 || seq < next_) return;
  take(exchange, seq);
}

void SnapshotTaker::take(const Exchange& exchange, SeqNo seq) {
  const auto t0 = std::chrono::steady_clock::now();
  Pending p{seq, capture_snapshot(exchange, seq), 0};
  p.capture_ns = (std::chrono::steady_clock::now() - t0).count();
  if (options_.every_commands > 0)
    next_ = (seq / options_.every_commands + 1) * options_.every_commands;
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(p);  // replaces one the writer has not picked up yet
  }
  cv_.notify_all();
}

void SnapshotTaker::hand_over_views(SeqNo seq, uint32_t format_version, std::string blob,
                                    int64_t capture_ns) {
  if (options_.views_every_commands > 0)
    next_views_ = (seq / options_.views_every_commands + 1) * options_.views_every_commands;
  {
    std::lock_guard lock(mutex_);
    pending_views_ = PendingViews{seq, format_version, std::move(blob), capture_ns};
  }
  cv_.notify_all();
}

void SnapshotTaker::flush() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return !pending_ && !pending_views_ && !writing_; });
}

void SnapshotTaker::writer_loop() {
  pthread_setname_np(pthread_self(), "qd-snapshot");
  std::optional<SnapshotStore> engine_store, views_store;
  for (;;) {
    std::optional<Pending> engine;
    std::optional<PendingViews> views;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return pending_ || pending_views_ || stopping_; });
      if (!pending_ && !pending_views_) return;
      engine.swap(pending_);
      views.swap(pending_views_);
      writing_ = true;
    }
    if (engine) store_engine(std::move(*engine), engine_store);
    if (views) store_views(std::move(*views), views_store);
    {
      std::lock_guard lock(mutex_);
      writing_ = false;
    }
    cv_.notify_all();
  }
}

void SnapshotTaker::store_engine(Pending p, std::optional<SnapshotStore>& store) {
  std::string error;
  size_t bytes = 0;
  try {
    const std::string blob = encode_captured(std::move(p.state));
    bytes = blob.size();
    if (!store) store.emplace(path_, journal_id_, SnapshotKind::engine);
    store->write(blob, wall_now());
    store->prune(options_.keep);
  } catch (const std::exception& e) {
    error = e.what();  // a failed snapshot costs restart time only: the journal is the record
  }
  if (options_.on_written)
    options_.on_written(SnapshotKind::engine, p.seq, bytes, p.capture_ns, error);
}

void SnapshotTaker::store_views(PendingViews p, std::optional<SnapshotStore>& store) {
  std::string error;
  try {
    if (!store) store.emplace(path_, journal_id_, SnapshotKind::views);
    store->write(p.seq, p.format_version, p.blob, wall_now());
    store->prune(options_.keep);
  } catch (const std::exception& e) {
    error = e.what();  // as above: only the edges' part of the restart gets longer
  }
  if (options_.on_written)
    options_.on_written(SnapshotKind::views, p.seq, p.blob.size(), p.capture_ns, error);
}

}  // namespace qd
