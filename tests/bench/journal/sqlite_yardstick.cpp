#include "tests/bench/journal/sqlite_yardstick.hpp"

#include <time.h>

#include <filesystem>
#include <stdexcept>

#include "core/serialization.hpp"

namespace qd::bench {

namespace {

// The journal's column vocabulary, written out again here on purpose (see the header).
const char* side_text(Side s) {
  return s == Side::buy ? "buy" : "sell";
}
const char* status_text(OrderStatus s) {
  static constexpr const char* names[] = {"pending_trigger", "new",      "partially_filled",
                                          "filled",          "canceled", "replaced",
                                          "rejected",        "expired"};
  return names[size_t(s)];
}
const char* type_text(OrderType t) {
  static constexpr const char* names[] = {"limit", "market", "stop_market", "stop_limit"};
  return names[size_t(t)];
}
const char* tif_text(TimeInForce t) {
  static constexpr const char* names[] = {"gtc", "ioc", "fok", "day", "gtd"};
  return names[size_t(t)];
}
// A kind added to the core after this list shows up as "?" and fails rows_identical().
const char* command_text(const CommandBody& b) {
  static constexpr const char* names[] = {
      "new_order",  "cancel_order",      "replace_order", "mass_cancel", "set_mark_price",
      "clock_tick", "set_market_status", "deposit",       "withdraw",    "set_oracle_price"};
  return b.index() < std::size(names) ? names[b.index()] : "?";
}
const char* event_text(const EventBody& b) {
  static constexpr const char* names[] = {"accepted",
                                          "rejected",
                                          "triggered",
                                          "fill",
                                          "canceled",
                                          "restated",
                                          "replaced",
                                          "cancel_rejected",
                                          "mass_cancel_done",
                                          "mark_price",
                                          "market_status",
                                          "collateral",
                                          "collateral_rejected",
                                          "oracle_price",
                                          "funding_rate",
                                          "funding_paid",
                                          "liquidation",
                                          "insurance_takeover",
                                          "adl",
                                          "deficit"};
  return b.index() < std::size(names) ? names[b.index()] : "?";
}

constexpr const char* insert_command_sql =
    "INSERT INTO commands(seq, ts, kind, body, events_hash, event_count) VALUES(?,?,?,?,?,?)";
constexpr const char* insert_event_sql =
    "INSERT INTO events(seq, idx, ts, kind, order_id, account, session, market, client_id, side,"
    " status, price, order_qty, leaves_qty, cum_qty, avg_price, last_price, last_qty, liquidity,"
    " trade_id, counterparty_order_id, reason, body)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
constexpr const char* upsert_order_sql =
    "INSERT INTO orders(order_id, account, session, market, client_id, side, type, tif, price,"
    " stop_price, order_qty, leaves_qty, cum_qty, avg_price, status, updated_seq)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(order_id) DO UPDATE SET"
    " client_id=excluded.client_id, price=excluded.price, stop_price=excluded.stop_price,"
    " order_qty=excluded.order_qty, leaves_qty=excluded.leaves_qty, cum_qty=excluded.cum_qty,"
    " avg_price=excluded.avg_price, status=excluded.status, updated_seq=excluded.updated_seq";

constexpr int arity(int op) {
  return op == 0 ? 6 : op == 1 ? 23 : 16;
}

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
  }
  ~Db() { sqlite3_close(db); }
  void exec(const std::string& sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(sql + ": " + msg);
    }
  }
  sqlite3_stmt* prepare(const char* sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db));
    return s;
  }
  int64_t scalar(const std::string& sql) const {
    sqlite3_stmt* s = prepare(sql.c_str());
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return v;
  }
};

double now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

}  // namespace

Stopwatch::Stopwatch() : wall0_(now(CLOCK_MONOTONIC)), cpu0_(now(CLOCK_THREAD_CPUTIME_ID)) {}

Timing Stopwatch::stop() const {
  return Timing{now(CLOCK_MONOTONIC) - wall0_, now(CLOCK_THREAD_CPUTIME_ID) - cpu0_};
}

YardstickRows::YardstickRows(std::span<const Command> commands, std::span<const Event> events,
                             std::span<const size_t> offsets) {
  op_begin_.reserve(commands.size() + 1);
  for (size_t i = 0; i < commands.size(); ++i) {
    op_begin_.push_back(ops_.size());
    add_command(commands[i], events.subspan(offsets[i], offsets[i + 1] - offsets[i]));
  }
  op_begin_.push_back(ops_.size());
}

void YardstickRows::add_int(int64_t v) {
  Cell c;
  c.kind = Cell::integer;
  c.i = v;
  cells_.push_back(c);
}
void YardstickRows::add_text(const char* s) {
  add_view(s);
}
void YardstickRows::add_view(std::string_view s) {
  Cell c;
  c.kind = Cell::text;
  c.p = s.data();
  c.len = uint32_t(s.size());
  cells_.push_back(c);
}
void YardstickRows::add_arena(std::string_view bytes, bool blob) {
  Cell c;
  c.kind = blob ? Cell::arena_blob : Cell::arena_text;
  c.off = arena_.size();
  c.len = uint32_t(bytes.size());
  arena_.append(bytes);
  cells_.push_back(c);
}
void YardstickRows::add_null(int n) {
  for (int k = 0; k < n; ++k) cells_.push_back(Cell{});
}

void YardstickRows::add_command(const Command& c, std::span<const Event> mine) {
  ops_.push_back(Op::command);
  add_int(int64_t(c.seq));
  add_int(c.ts);
  add_text(command_text(c.body));
  ByteWriter w;
  w(c);
  add_arena(w.bytes(), true);
  add_int(int64_t(SqliteJournal::hash_events(mine)));
  add_int(int64_t(mine.size()));
  for (const Event& e : mine) add_event(e);
}

void YardstickRows::add_event(const Event& e) {
  ops_.push_back(Op::event);
  add_int(int64_t(e.seq));
  add_int(e.index);
  add_int(e.ts);
  add_text(event_text(e.body));
  const OrderState* o = std::visit(
      [](const auto& ev) -> const OrderState* {
        if constexpr (requires { ev.order.order_id; })
          return &ev.order;
        else
          return nullptr;
      },
      e.body);
  if (o) {
    add_int(int64_t(o->order_id));
    add_int(o->origin.account);
    add_int(o->origin.session);
    add_int(o->market);
    add_view(o->client_id.view());
    add_text(side_text(o->side));
    add_text(status_text(o->status));
    add_int(o->price.raw);
    add_int(o->order_qty.raw);
    add_int(o->leaves_qty.raw);
    add_int(o->cum_qty.raw);
    add_int(o->avg_price.raw);
  } else {
    add_null(12);
  }
  if (const auto* f = std::get_if<OrderFilled>(&e.body)) {
    add_int(f->last_price.raw);
    add_int(f->last_qty.raw);
    add_text(f->liquidity == Liquidity::maker ? "maker" : "taker");
    add_arena(std::to_string(f->trade_id.seq) + "." + std::to_string(f->trade_id.index), false);
    add_int(int64_t(f->counterparty_order_id));
  } else {
    add_null(5);
  }
  const char* reason = std::visit(
      [](const auto& ev) -> const char* {
        if constexpr (requires { to_string(ev.reason); })
          return to_string(ev.reason);
        else
          return nullptr;
      },
      e.body);
  if (reason)
    add_text(reason);
  else
    add_null();
  ByteWriter w;
  w(e.body);
  add_arena(w.bytes(), true);

  if (o && o->order_id != 0) {
    ops_.push_back(Op::order);
    add_int(int64_t(o->order_id));
    add_int(o->origin.account);
    add_int(o->origin.session);
    add_int(o->market);
    add_view(o->client_id.view());
    add_text(side_text(o->side));
    add_text(type_text(o->type));
    add_text(tif_text(o->tif));
    add_int(o->price.raw);
    add_int(o->stop_price.raw);
    add_int(o->order_qty.raw);
    add_int(o->leaves_qty.raw);
    add_int(o->cum_qty.raw);
    add_int(o->avg_price.raw);
    add_text(status_text(o->status));
    add_int(int64_t(e.seq));
  }
}

Timing YardstickRows::write(const std::string& path, JournalSync sync, size_t batch) const {
  remove_database(path);
  { SqliteJournal schema(path, sync); }  // the journal's own schema, byte for byte
  Db db(path);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec(sync == JournalSync::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  sqlite3_stmt* stmts[3] = {db.prepare(insert_command_sql), db.prepare(insert_event_sql),
                            db.prepare(upsert_order_sql)};
  sqlite3_stmt* begin = db.prepare("BEGIN IMMEDIATE");
  sqlite3_stmt* commit = db.prepare("COMMIT");
  auto run = [&](sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db.db));
    sqlite3_reset(s);
  };
  const char* arena = arena_.data();
  const Stopwatch clock;
  const Cell* cell = cells_.data();
  for (size_t first = 0; first < commands(); first += batch) {
    const size_t last = std::min(commands(), first + batch);
    run(begin);
    for (size_t op = op_begin_[first]; op < op_begin_[last]; ++op) {
      const int k = int(ops_[op]);
      sqlite3_stmt* s = stmts[k];
      for (int col = 1; col <= arity(k); ++col, ++cell) {
        switch (cell->kind) {
          case Cell::null:
            sqlite3_bind_null(s, col);
            break;
          case Cell::integer:
            sqlite3_bind_int64(s, col, cell->i);
            break;
          case Cell::text:
            sqlite3_bind_text(s, col, cell->p, int(cell->len), SQLITE_STATIC);
            break;
          case Cell::blob:
            sqlite3_bind_blob(s, col, cell->p, int(cell->len), SQLITE_STATIC);
            break;
          case Cell::arena_text:
            sqlite3_bind_text(s, col, arena + cell->off, int(cell->len), SQLITE_STATIC);
            break;
          case Cell::arena_blob:
            sqlite3_bind_blob(s, col, arena + cell->off, int(cell->len), SQLITE_STATIC);
            break;
        }
      }
      run(s);
    }
    run(commit);
  }
  const Timing t = clock.stop();
  for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  sqlite3_finalize(begin);
  sqlite3_finalize(commit);
  return t;
}

void remove_database(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

uint64_t database_bytes(const std::string& path) {
  uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

TableDiff compare_tables(const std::string& a, const std::string& b) {
  Db db(a);
  db.exec("ATTACH DATABASE '" + b + "' AS y");
  TableDiff d;
  for (const char* t : {"commands", "events", "orders"}) {
    const std::string name(t);
    const int64_t na = db.scalar("SELECT count(*) FROM main." + name);
    const int64_t nb = db.scalar("SELECT count(*) FROM y." + name);
    d.differing += uint64_t(na > nb ? na - nb : nb - na);
    d.differing += uint64_t(db.scalar("SELECT count(*) FROM (SELECT * FROM main." + name +
                                      " EXCEPT SELECT * FROM y." + name + ")"));
    d.differing += uint64_t(db.scalar("SELECT count(*) FROM (SELECT * FROM y." + name +
                                      " EXCEPT SELECT * FROM main." + name + ")"));
    d.rows += uint64_t(na);
  }
  return d;
}

}  // namespace qd::bench
