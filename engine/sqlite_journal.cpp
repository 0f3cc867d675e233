#include "engine/sqlite_journal.hpp"

#include <charconv>
#include <stdexcept>

namespace qd {

namespace {

const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS markets(id INTEGER PRIMARY KEY, symbol TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
-- The replayable record: every sequenced command, in order, with the hash of its events.
CREATE TABLE IF NOT EXISTS commands(
  seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL,
  events_hash INTEGER NOT NULL, event_count INTEGER NOT NULL);
-- Every event (prices 1e-6 USDC, quantities 1e-9 base units, as integers).
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL,
  order_id INTEGER, account INTEGER, session INTEGER, market INTEGER, client_id TEXT,
  side TEXT, status TEXT, price INTEGER, order_qty INTEGER, leaves_qty INTEGER, cum_qty INTEGER,
  avg_price INTEGER, last_price INTEGER, last_qty INTEGER, liquidity TEXT,
  trade_id TEXT, counterparty_order_id INTEGER, reason TEXT, body BLOB NOT NULL,
  PRIMARY KEY(seq, idx)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_order ON events(order_id);
-- Current state of every order the venue accepted.
CREATE TABLE IF NOT EXISTS orders(
  order_id INTEGER PRIMARY KEY, account INTEGER NOT NULL, session INTEGER NOT NULL,
  market INTEGER NOT NULL, client_id TEXT NOT NULL, side TEXT NOT NULL, type TEXT NOT NULL,
  tif TEXT NOT NULL, price INTEGER NOT NULL, stop_price INTEGER NOT NULL,
  order_qty INTEGER NOT NULL, leaves_qty INTEGER NOT NULL, cum_qty INTEGER NOT NULL,
  avg_price INTEGER NOT NULL, status TEXT NOT NULL, updated_seq INTEGER NOT NULL);
-- Human-readable views: decimals formatted exactly from the integers.
CREATE VIEW IF NOT EXISTS fills AS
  SELECT e.seq, e.idx, datetime(e.ts / 1000000000, 'unixepoch') AS time, e.trade_id,
         m.symbol, a.name AS account, e.order_id, e.client_id, e.side, e.liquidity,
         (e.last_price / 1000000) || '.' || substr('000000' || (e.last_price % 1000000), -6) AS price,
         (e.last_qty / 1000000000) || '.' || substr('000000000' || (e.last_qty % 1000000000), -9) AS qty,
         e.counterparty_order_id
  FROM events e LEFT JOIN markets m ON m.id = e.market LEFT JOIN accounts a ON a.id = e.account
  WHERE e.kind = 'fill';
CREATE VIEW IF NOT EXISTS open_orders AS
  SELECT o.order_id, m.symbol, a.name AS account, o.client_id, o.side, o.type, o.tif,
         (o.price / 1000000) || '.' || substr('000000' || (o.price % 1000000), -6) AS price,
         (o.leaves_qty / 1000000000) || '.' || substr('000000000' || (o.leaves_qty % 1000000000), -9) AS leaves,
         (o.cum_qty / 1000000000) || '.' || substr('000000000' || (o.cum_qty % 1000000000), -9) AS filled,
         o.status
  FROM orders o LEFT JOIN markets m ON m.id = o.market LEFT JOIN accounts a ON a.id = o.account
  WHERE o.status IN ('new', 'partially_filled', 'pending_trigger');
)sql";

const char* command_kind(const CommandBody& b) {
  static constexpr const char* names[] = {"new_order",  "cancel_order", "replace_order",
                                          "mass_cancel", "set_mark_price", "clock_tick",
                                          "set_market_status", "deposit", "withdraw",
                                          "set_oracle_price", "update_market_params",
                                          "update_account"};
  static_assert(std::size(names) == std::variant_size_v<CommandBody>);
  return names[b.index()];
}
const char* event_kind(const EventBody& b) {
  static constexpr const char* names[] = {
      "accepted", "rejected", "triggered", "fill", "canceled", "restated", "replaced",
      "cancel_rejected", "mass_cancel_done", "mark_price", "market_status", "collateral",
      "collateral_rejected", "oracle_price", "funding_rate", "funding_paid", "liquidation",
      "insurance_takeover", "adl", "deficit", "config_changed"};
  static_assert(std::size(names) == std::variant_size_v<EventBody>);
  return names[b.index()];
}

/// The order state an event carries, if any.
const OrderState* order_of(const EventBody& b) {
  return std::visit(
      [](const auto& e) -> const OrderState* {
        if constexpr (requires { e.order.order_id; }) return &e.order; else return nullptr;
      },
      b);
}

/// Finalizes a statement however the scope is left (replay callbacks may throw).
struct StmtGuard {
  sqlite3_stmt* s;
  ~StmtGuard() { sqlite3_finalize(s); }
};

/// Binds parameters in order. Text and blobs are bound without a copy (SQLITE_STATIC): every
/// buffer bound here outlives the sqlite3_step that reads it, and every parameter is bound
/// again before the statement's next step.
struct Stmt {
  sqlite3_stmt* s;
  int i = 0;
  void null() { sqlite3_bind_null(s, ++i); }
  void i64(int64_t v) { sqlite3_bind_int64(s, ++i, v); }
  void text(std::string_view v) { sqlite3_bind_text(s, ++i, v.data(), int(v.size()), SQLITE_STATIC); }
  void blob(std::string_view v) { sqlite3_bind_blob(s, ++i, v.data(), int(v.size()), SQLITE_STATIC); }
};

}  // namespace

SqliteJournal::SqliteJournal(const std::string& path, JournalSync sync) : path_(path) {
  // NOMUTEX: one thread at a time uses the connection (the constructor's, then the commit
  // thread), so SQLite's lock around every call is pure cost on the hot path.
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("journal " + path + ": cannot open: " + msg);
  }
  try {
    init(sync);
  } catch (...) {
    sqlite3_finalize(insert_command_);
    sqlite3_finalize(insert_event_);
    sqlite3_finalize(upsert_order_);
    sqlite3_finalize(begin_);
    sqlite3_finalize(commit_);
    sqlite3_close(db_);
    throw;
  }
}

void SqliteJournal::init(JournalSync sync) {
  const std::string& path = path_;
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec(sync == JournalSync::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  exec(schema);
  exec(("INSERT OR IGNORE INTO meta(key, value) VALUES('format_version', '" +
        std::to_string(journal_format_version) + "')").c_str());
  sqlite3_stmt* v = prepare("SELECT value FROM meta WHERE key = 'format_version'");
  if (sqlite3_step(v) == SQLITE_ROW) {
    const std::string found = reinterpret_cast<const char*>(sqlite3_column_text(v, 0));
    if (found != std::to_string(journal_format_version)) {
      sqlite3_finalize(v);
      throw std::runtime_error("journal " + path + ": format version " + found +
                               " is not the supported " + std::to_string(journal_format_version));
    }
  }
  sqlite3_finalize(v);
  // A random identity given at creation (or at the first open of an older file): engine
  // snapshots, kept in their own file, name the journal they belong to and are not used with
  // another one (engine/snapshot_store.hpp).
  exec("INSERT OR IGNORE INTO meta(key, value) VALUES('journal_id', lower(hex(randomblob(16))))");
  sqlite3_stmt* id = prepare("SELECT value FROM meta WHERE key = 'journal_id'");
  if (sqlite3_step(id) == SQLITE_ROW)
    journal_id_ = reinterpret_cast<const char*>(sqlite3_column_text(id, 0));
  sqlite3_finalize(id);
  sqlite3_stmt* last = prepare("SELECT COALESCE(MAX(seq), 0) FROM commands");
  if (sqlite3_step(last) == SQLITE_ROW) last_seq_ = SeqNo(sqlite3_column_int64(last, 0));
  sqlite3_finalize(last);
  insert_command_ = prepare(
      "INSERT INTO commands(seq, ts, kind, body, events_hash, event_count) VALUES(?,?,?,?,?,?)");
  insert_event_ = prepare(
      "INSERT INTO events(seq, idx, ts, kind, order_id, account, session, market, client_id, side,"
      " status, price, order_qty, leaves_qty, cum_qty, avg_price, last_price, last_qty, liquidity,"
      " trade_id, counterparty_order_id, reason, body)"
      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  upsert_order_ = prepare(
      "INSERT INTO orders(order_id, account, session, market, client_id, side, type, tif, price,"
      " stop_price, order_qty, leaves_qty, cum_qty, avg_price, status, updated_seq)"
      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(order_id) DO UPDATE SET"
      " client_id=excluded.client_id, price=excluded.price, stop_price=excluded.stop_price,"
      " order_qty=excluded.order_qty, leaves_qty=excluded.leaves_qty, cum_qty=excluded.cum_qty,"
      " avg_price=excluded.avg_price, status=excluded.status, updated_seq=excluded.updated_seq");
  begin_ = prepare("BEGIN IMMEDIATE");
  commit_ = prepare("COMMIT");
}

SqliteJournal::~SqliteJournal() {
  sqlite3_finalize(insert_command_);
  sqlite3_finalize(insert_event_);
  sqlite3_finalize(upsert_order_);
  sqlite3_finalize(begin_);
  sqlite3_finalize(commit_);
  sqlite3_close(db_);
}

void SqliteJournal::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("journal " + path_ + ": " + msg);
  }
}

sqlite3_stmt* SqliteJournal::prepare(const char* sql) const {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
  return s;
}

uint64_t SqliteJournal::hash_events(std::span<const Event> events) {
  thread_local ByteWriter w;  // replay hashes every command: reuse the buffer
  w.clear();
  for (const Event& e : events) w(e);
  return fnv1a(w.bytes());
}

void SqliteJournal::record_names(const std::vector<NamedId>& markets,
                                 const std::vector<NamedId>& accounts) {
  auto upsert = [&](const char* sql, const std::vector<NamedId>& rows) {
    sqlite3_stmt* s = prepare(sql);
    for (const NamedId& r : rows) {
      Stmt b{s};
      b.i64(r.id);
      b.text(r.name);
      if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_finalize(s);
        throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
      }
      sqlite3_reset(s);
    }
    sqlite3_finalize(s);
  };
  upsert("INSERT INTO markets(id, symbol) VALUES(?,?) ON CONFLICT(id) DO UPDATE SET symbol=excluded.symbol", markets);
  upsert("INSERT INTO accounts(id, name) VALUES(?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name", accounts);
}

void SqliteJournal::write_event(const Event& e, std::string_view body) {
  Stmt b{insert_event_};
  b.i64(int64_t(e.seq));
  b.i64(e.index);
  b.i64(e.ts);
  b.text(event_kind(e.body));
  const OrderState* o = order_of(e.body);
  if (o) {
    b.i64(int64_t(o->order_id));
    b.i64(o->origin.account);
    b.i64(o->origin.session);
    b.i64(o->market);
    b.text(o->client_id.view());
    b.text(to_string(o->side));
    b.text(to_string(o->status));
    b.i64(o->price.raw);
    b.i64(o->order_qty.raw);
    b.i64(o->leaves_qty.raw);
    b.i64(o->cum_qty.raw);
    b.i64(o->avg_price.raw);
  } else {
    for (int k = 0; k < 12; ++k) b.null();
  }
  char trade_id[48];  // "seq.index", bound without a copy: lives until the step below
  if (const auto* f = std::get_if<OrderFilled>(&e.body)) {
    b.i64(f->last_price.raw);
    b.i64(f->last_qty.raw);
    b.text(f->liquidity == Liquidity::maker ? "maker" : "taker");
    char* end = std::to_chars(trade_id, trade_id + 20, f->trade_id.seq).ptr;
    *end++ = '.';
    end = std::to_chars(end, trade_id + sizeof trade_id, f->trade_id.index).ptr;
    b.text(std::string_view(trade_id, size_t(end - trade_id)));
    b.i64(int64_t(f->counterparty_order_id));
  } else {
    for (int k = 0; k < 5; ++k) b.null();
  }
  const char* reason = std::visit(
      [](const auto& ev) -> const char* {
        if constexpr (requires { to_string(ev.reason); }) return to_string(ev.reason);
        else return nullptr;
      },
      e.body);
  if (reason) b.text(reason); else b.null();
  b.blob(body);
  if (sqlite3_step(insert_event_) != SQLITE_DONE)
    throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
  sqlite3_reset(insert_event_);

  if (o && o->order_id != 0) {
    auto [it, fresh] = order_update_at_.try_emplace(o->order_id, order_updates_.size());
    if (fresh)
      order_updates_.push_back(&e);
    else
      order_updates_[it->second] = &e;
  }
}

void SqliteJournal::write_order(const OrderState& o, SeqNo seq) {
  Stmt u{upsert_order_};
  u.i64(int64_t(o.order_id));
  u.i64(o.origin.account);
  u.i64(o.origin.session);
  u.i64(o.market);
  u.text(o.client_id.view());
  u.text(to_string(o.side));
  u.text(to_string(o.type));
  u.text(to_string(o.tif));
  u.i64(o.price.raw);
  u.i64(o.stop_price.raw);
  u.i64(o.order_qty.raw);
  u.i64(o.leaves_qty.raw);
  u.i64(o.cum_qty.raw);
  u.i64(o.avg_price.raw);
  u.text(to_string(o.status));
  u.i64(int64_t(seq));
  step_done(upsert_order_);
}

void SqliteJournal::step_done(sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
}

void SqliteJournal::append(std::span<const Command> commands, std::span<const Event> events) {
  order_updates_.clear();
  order_update_at_.clear();
  step_done(begin_);
  try {
    size_t next_event = 0;
    for (const Command& c : commands) {
      const size_t first = next_event;
      while (next_event < events.size() && events[next_event].seq == c.seq) ++next_event;
      // Each event is serialized once: its whole record feeds the hash (exactly what
      // hash_events() computes: describe(Event) lists seq, index, ts, body), its body is the
      // stored blob.
      event_bytes_.clear();
      body_spans_.clear();
      for (size_t k = first; k < next_event; ++k) {
        const Event& e = events[k];
        event_bytes_(e.seq);
        event_bytes_(e.index);
        event_bytes_(e.ts);
        const size_t at = event_bytes_.bytes().size();
        event_bytes_(e.body);
        body_spans_.push_back({at, event_bytes_.bytes().size() - at});
      }
      writer_.clear();
      writer_(c);
      Stmt b{insert_command_};
      b.i64(int64_t(c.seq));
      b.i64(c.ts);
      b.text(command_kind(c.body));
      b.blob(writer_.bytes());
      b.i64(int64_t(fnv1a(event_bytes_.bytes())));
      b.i64(int64_t(next_event - first));
      step_done(insert_command_);
      const std::string_view all = event_bytes_.bytes();
      for (size_t k = first; k < next_event; ++k) {
        const auto [at, size] = body_spans_[k - first];
        write_event(events[k], all.substr(at, size));
      }
    }
    for (const Event* e : order_updates_) write_order(*order_of(e->body), e->seq);
    step_done(commit_);
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_reset(insert_command_);
    sqlite3_reset(insert_event_);
    sqlite3_reset(upsert_order_);
    throw;
  }
  if (!commands.empty()) last_seq_ = commands.back().seq;
}

void SqliteJournal::for_each_command(
    const std::function<void(const Command&, uint64_t, uint32_t)>& fn) const {
  for_each_command_after(0, fn);
}

void SqliteJournal::for_each_command_after(
    SeqNo after, const std::function<void(const Command&, uint64_t, uint32_t)>& fn) const {
  sqlite3_stmt* s = prepare(
      "SELECT body, events_hash, event_count FROM commands WHERE seq > ? ORDER BY seq");
  StmtGuard guard{s};
  sqlite3_bind_int64(s, 1, int64_t(after));
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(s, 0));
    ByteReader r(std::string_view(data, size_t(sqlite3_column_bytes(s, 0))));
    Command c;
    r(c);
    fn(c, uint64_t(sqlite3_column_int64(s, 1)), uint32_t(sqlite3_column_int64(s, 2)));
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("journal " + path_ + ": " + sqlite3_errmsg(db_));
}

void SqliteJournal::for_each_event_after(SeqNo after,
                                         const std::function<bool(const Event&)>& fn) const {
  sqlite3_stmt* s = prepare("SELECT seq, idx, ts, body FROM events WHERE seq > ? ORDER BY seq, idx");
  StmtGuard guard{s};
  sqlite3_bind_int64(s, 1, int64_t(after));
  while (sqlite3_step(s) == SQLITE_ROW) {
    Event e;
    e.seq = SeqNo(sqlite3_column_int64(s, 0));
    e.index = uint32_t(sqlite3_column_int64(s, 1));
    e.ts = sqlite3_column_int64(s, 2);
    const auto* data = static_cast<const char*>(sqlite3_column_blob(s, 3));
    ByteReader r(std::string_view(data, size_t(sqlite3_column_bytes(s, 3))));
    r(e.body);
    if (!fn(e)) break;
  }
}

void SqliteJournal::backup(const std::string& source_path, const std::string& target_path) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto fail = [&](const std::string& what) {
    std::string msg = what;
    sqlite3_close(src);
    sqlite3_close(dst);
    throw std::runtime_error(msg);
  };
  if (sqlite3_open_v2(source_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    fail("backup: cannot open " + source_path);
  if (sqlite3_open_v2(target_path.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK)
    fail("backup: cannot create " + target_path);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) fail(std::string("backup: ") + sqlite3_errmsg(dst));
  // One step copies every page inside a single read transaction: a consistent snapshot. In WAL
  // mode a reader never blocks the journal's writer, so the engine keeps committing meanwhile.
  int rc;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) fail("backup to " + target_path + " failed: " + sqlite3_errstr(rc));
  // The copy is a journal of its own: snapshots of the original (taken later, of commands the
  // copy may never hold) are never used with it. A restored copy replays in full.
  if (sqlite3_exec(dst,
                   "UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'journal_id'",
                   nullptr, nullptr, nullptr) != SQLITE_OK)
    fail("backup to " + target_path + " failed: " + sqlite3_errmsg(dst));
  sqlite3_close(src);
  sqlite3_close(dst);
}

}  // namespace qd
