#include "tests/integration/crash/journal_audit.hpp"

#include <stdexcept>

#include "app/config/config_loader.hpp"
#include "app/gateway/venue.hpp"
#include "core/decimal.hpp"
#include "engine/replay.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd::crash {

namespace {

/// A FIX decimal as raw units; INT64_MIN when it is not one (never equal to a journal value).
int64_t raw_of(const std::string& text, int decimals) {
  const DecimalParse p = parse_decimal(text, decimals, true);
  return p.ok() ? p.raw : INT64_MIN;
}
int64_t qty_of(const std::string& t) {
  return raw_of(t, QTY_DECIMALS);
}
int64_t price_of(const std::string& t) {
  return raw_of(t, PRICE_DECIMALS);
}

/// The journal event kinds an ExecType may report.
bool kind_matches(const std::string& exec_type, const std::string& kind) {
  if (exec_type == "0") return kind == "accepted";
  if (exec_type == "8") return kind == "rejected";
  if (exec_type == "F") return kind == "fill";
  if (exec_type == "4" || exec_type == "C") return kind == "canceled";
  if (exec_type == "5") return kind == "replaced";
  if (exec_type == "D") return kind == "restated" || kind == "triggered";
  return false;
}

std::string text_or_empty(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

char ord_status_of(const std::string& status, int64_t cum_qty) {
  if (status == "new" || status == "pending_trigger") return '0';
  if (status == "partially_filled") return '1';
  if (status == "filled") return '2';
  if (status == "canceled") return '4';
  if (status == "replaced") return cum_qty == 0 ? '0' : '1';
  if (status == "rejected") return '8';
  if (status == "expired") return 'C';
  return '?';
}

JournalReader::JournalReader(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_busy_timeout(db_, 5000);
  // A journal still being created has no tables yet: close everything before throwing.
  auto prepare = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
      const std::string msg = std::string(sql) + ": " + sqlite3_errmsg(db_);
      sqlite3_finalize(event_);
      sqlite3_finalize(order_);
      sqlite3_close(db_);
      throw std::runtime_error(msg);
    }
    return s;
  };
  event_ = prepare(
      "SELECT kind, COALESCE(order_id, 0), COALESCE(status, ''), COALESCE(cum_qty, 0),"
      " COALESCE(leaves_qty, 0), COALESCE(trade_id, ''), COALESCE(last_qty, 0),"
      " COALESCE(last_price, 0) FROM events WHERE seq = ? AND idx = ?");
  order_ = prepare(
      "SELECT status, cum_qty, leaves_qty, order_qty, updated_seq FROM orders WHERE order_id = ?");
  // A canceled order's row carries the cancel request's ClOrdID; its first one is in the
  // accepted event.
  by_client_id_ = prepare(
      "SELECT o.order_id, o.status, o.cum_qty, o.leaves_qty, o.order_qty, o.updated_seq"
      " FROM events e JOIN orders o ON o.order_id = e.order_id"
      " WHERE e.kind = 'accepted' AND e.client_id = ?");
}

JournalReader::~JournalReader() {
  sqlite3_finalize(event_);
  sqlite3_finalize(order_);
  sqlite3_finalize(by_client_id_);
  sqlite3_close(db_);
}

std::optional<JournalReader::EventRow> JournalReader::event(int64_t seq, int64_t idx) const {
  sqlite3_reset(event_);
  sqlite3_bind_int64(event_, 1, seq);
  sqlite3_bind_int64(event_, 2, idx);
  if (sqlite3_step(event_) != SQLITE_ROW) return std::nullopt;
  EventRow r;
  r.kind = text_or_empty(event_, 0);
  r.order_id = sqlite3_column_int64(event_, 1);
  r.status = text_or_empty(event_, 2);
  r.cum_qty = sqlite3_column_int64(event_, 3);
  r.leaves_qty = sqlite3_column_int64(event_, 4);
  r.trade_id = text_or_empty(event_, 5);
  r.last_qty = sqlite3_column_int64(event_, 6);
  r.last_price = sqlite3_column_int64(event_, 7);
  return r;
}

std::optional<JournalReader::OrderRow> JournalReader::order(int64_t order_id) const {
  sqlite3_reset(order_);
  sqlite3_bind_int64(order_, 1, order_id);
  if (sqlite3_step(order_) != SQLITE_ROW) return std::nullopt;
  OrderRow r;
  r.status = text_or_empty(order_, 0);
  r.cum_qty = sqlite3_column_int64(order_, 1);
  r.leaves_qty = sqlite3_column_int64(order_, 2);
  r.order_qty = sqlite3_column_int64(order_, 3);
  r.updated_seq = sqlite3_column_int64(order_, 4);
  return r;
}

std::optional<std::pair<int64_t, JournalReader::OrderRow>> JournalReader::order_by_client_id(
    const std::string& cl) const {
  sqlite3_reset(by_client_id_);
  sqlite3_bind_text(by_client_id_, 1, cl.data(), int(cl.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(by_client_id_) != SQLITE_ROW) return std::nullopt;
  OrderRow r;
  r.status = text_or_empty(by_client_id_, 1);
  r.cum_qty = sqlite3_column_int64(by_client_id_, 2);
  r.leaves_qty = sqlite3_column_int64(by_client_id_, 3);
  r.order_qty = sqlite3_column_int64(by_client_id_, 4);
  r.updated_seq = sqlite3_column_int64(by_client_id_, 5);
  return std::pair{sqlite3_column_int64(by_client_id_, 0), r};
}

int64_t JournalReader::scalar(const char* sql) const {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db_));
  const int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : INT64_MIN;
  sqlite3_finalize(s);
  return v;
}

std::vector<std::pair<int64_t, int64_t>> JournalReader::open_orders() const {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT order_id, leaves_qty FROM orders WHERE status IN"
                         " ('new', 'partially_filled', 'pending_trigger') ORDER BY order_id",
                         -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db_));
  std::vector<std::pair<int64_t, int64_t>> out;
  while (sqlite3_step(s) == SQLITE_ROW)
    out.emplace_back(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
  sqlite3_finalize(s);
  return out;
}

void check_reports(const std::vector<Report>& reports, const JournalReader& journal, Audit& audit) {
  std::map<std::string, std::string> by_exec_id;          // ExecID -> signature
  std::map<std::string, std::string> fill_exec_by_trade;  // OrderID/TradeID -> ExecID
  for (const Report& r : reports) {
    if (r.msg_type != "8" || r.exec_id.empty()) continue;
    auto [it, fresh] = by_exec_id.emplace(r.exec_id, r.signature());
    if (!fresh) {
      if (it->second != r.signature())
        audit.fail("ExecID " + r.exec_id + " reused: [" + it->second + "] then [" + r.signature() +
                   "]");
      else
        ++audit.duplicate_deliveries;
      continue;
    }
    if (!r.from_engine()) continue;
    ++audit.engine_reports;
    const auto [seq, idx] = *r.split_exec_id();
    const std::optional<JournalReader::EventRow> e = journal.event(seq, idx);
    const std::string what = r.session + " ExecID " + r.exec_id + " (ExecType " + r.exec_type + ")";
    if (!e) {
      audit.fail(what + " was reported but is not in the journal");
      continue;
    }
    const int64_t order_id = r.order_id == "NONE" ? 0 : std::stoll(r.order_id);
    if (!kind_matches(r.exec_type, e->kind)) audit.fail(what + " is a '" + e->kind + "' event");
    if (e->order_id != order_id)
      audit.fail(what + ": OrderID " + r.order_id + ", journal " + std::to_string(e->order_id));
    if (qty_of(r.cum_qty) != e->cum_qty || qty_of(r.leaves_qty) != e->leaves_qty)
      audit.fail(what + ": CumQty/LeavesQty " + r.cum_qty + "/" + r.leaves_qty + ", journal " +
                 std::to_string(e->cum_qty) + "/" + std::to_string(e->leaves_qty) + " (1e-9)");
    if (r.ord_status.size() != 1 || r.ord_status[0] != ord_status_of(e->status, e->cum_qty))
      audit.fail(what + ": OrdStatus " + r.ord_status + ", journal " + e->status);
    if (r.exec_type == "F") {
      if (r.trade_id != e->trade_id || qty_of(r.last_qty) != e->last_qty ||
          price_of(r.last_px) != e->last_price)
        audit.fail(what + ": fill " + r.trade_id + " " + r.last_qty + "@" + r.last_px +
                   ", journal " + e->trade_id + " " + std::to_string(e->last_qty) + "@" +
                   std::to_string(e->last_price));
      auto [f, first] = fill_exec_by_trade.emplace(r.order_id + "/" + r.trade_id, r.exec_id);
      if (!first)
        audit.fail("trade " + r.trade_id + " reported twice to order " + r.order_id + " (ExecIDs " +
                   f->second + ", " + r.exec_id + ")");
    }
  }
  audit.exec_ids = by_exec_id.size();
}

void check_acked_orders(const std::set<std::string>& acked,
                        const std::map<std::string, Report>& status_by_order,
                        const std::map<std::string, int64_t>& last_seq_seen,
                        const JournalReader& journal, Audit& audit) {
  for (const std::string& id : acked) {
    const std::optional<JournalReader::OrderRow> o = journal.order(std::stoll(id));
    if (!o) {
      audit.fail("acked order " + id + " is not in the orders table");
      continue;
    }
    auto seen = last_seq_seen.find(id);
    if (seen != last_seq_seen.end()) {
      if (seen->second > o->updated_seq)
        audit.fail("order " + id + ": the desk saw seq " + std::to_string(seen->second) +
                   ", the orders table is at " + std::to_string(o->updated_seq));
      else if (seen->second < o->updated_seq)
        ++audit.stale_client_views;
    }
    auto st = status_by_order.find(id);
    if (st == status_by_order.end()) {
      audit.fail("order " + id + ": no answer to OrderStatusRequest");
      continue;
    }
    ++audit.status_checked;
    const Report& s = st->second;
    const char expected = ord_status_of(o->status, o->cum_qty);
    if (s.order_id != id || s.ord_status != std::string(1, expected) ||
        qty_of(s.cum_qty) != o->cum_qty || qty_of(s.leaves_qty) != o->leaves_qty)
      audit.fail("order " + id + ": status answer " + s.order_id + " " + s.ord_status + " cum " +
                 s.cum_qty + " leaves " + s.leaves_qty + ", orders table " + o->status + " cum " +
                 std::to_string(o->cum_qty) + " leaves " + std::to_string(o->leaves_qty));
  }
}

void check_unacked_orders(const std::map<std::string, Report>& status_by_cl,
                          const JournalReader& journal, Audit& audit) {
  for (const auto& [cl, s] : status_by_cl) {
    const auto found = journal.order_by_client_id(cl);
    const bool venue_knows = !s.order_id.empty() && s.order_id != "NONE";
    if (!found) {
      if (venue_knows)
        audit.fail("unacked " + cl + ": the venue reports order " + s.order_id +
                   ", the journal has none");
      else
        ++audit.unacked_absent;
      continue;
    }
    ++audit.unacked_journaled;
    const auto& [id, o] = *found;
    if (s.order_id != std::to_string(id) ||
        s.ord_status != std::string(1, ord_status_of(o.status, o.cum_qty)) ||
        qty_of(s.cum_qty) != o.cum_qty || qty_of(s.leaves_qty) != o.leaves_qty)
      audit.fail("unacked " + cl + ": status answer " + s.order_id + " " + s.ord_status + " cum " +
                 s.cum_qty + ", journal order " + std::to_string(id) + " " + o.status + " cum " +
                 std::to_string(o.cum_qty));
  }
}

void check_tables(const JournalReader& journal, Audit& audit) {
  audit.journal_fills = uint64_t(journal.scalar("SELECT count(*) FROM events WHERE kind = 'fill'"));
  audit.trades =
      uint64_t(journal.scalar("SELECT count(DISTINCT trade_id) FROM events WHERE kind = 'fill'"));
  const struct {
    const char* what;
    const char* sql;
  } checks[] = {
      {"trades without exactly one maker and one taker fill",
       "SELECT count(*) FROM (SELECT trade_id FROM events WHERE kind = 'fill' GROUP BY trade_id"
       " HAVING count(*) <> 2 OR sum(liquidity = 'maker') <> 1 OR count(DISTINCT order_id) <> 2)"},
      {"trades whose two sides differ in price or quantity",
       "SELECT count(*) FROM (SELECT trade_id FROM events WHERE kind = 'fill' GROUP BY trade_id"
       " HAVING min(last_qty) <> max(last_qty) OR min(last_price) <> max(last_price))"},
      {"orders whose cum qty is not the sum of their fills",
       "SELECT count(*) FROM orders o WHERE cum_qty <> (SELECT COALESCE(sum(last_qty), 0)"
       " FROM events e WHERE e.kind = 'fill' AND e.order_id = o.order_id)"},
      {"open orders with leaves + cum != qty",
       "SELECT count(*) FROM orders WHERE status IN ('new', 'partially_filled', 'pending_trigger')"
       " AND leaves_qty + cum_qty <> order_qty"},
      {"closed orders with leaves left",
       "SELECT count(*) FROM orders WHERE status IN ('filled', 'canceled', 'expired')"
       " AND leaves_qty <> 0"},
      {"gaps in the command sequence",
       "SELECT (SELECT max(seq) FROM commands) - (SELECT count(*) FROM commands)"},
      {"commands whose event count differs from the events table",
       "SELECT count(*) FROM commands c WHERE event_count <>"
       " (SELECT count(*) FROM events e WHERE e.seq = c.seq)"},
  };
  for (const auto& c : checks) {
    const int64_t n = journal.scalar(c.sql);
    if (n != 0) audit.fail(std::string(c.what) + ": " + std::to_string(n));
  }
}

int64_t check_backup_prefix(const std::string& original, const std::string& copy, Audit& audit) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(original.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    audit.fail("cannot open " + original);
    return 0;
  }
  auto scalar = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    int64_t v = INT64_MIN;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
  };
  sqlite3_exec(db, ("ATTACH DATABASE 'file:" + copy + "?mode=ro' AS copy").c_str(), nullptr,
               nullptr, nullptr);
  const int64_t last = scalar("SELECT COALESCE(max(seq), 0) FROM copy.commands");
  const int64_t foreign = scalar(
      "SELECT count(*) FROM (SELECT seq, body, events_hash FROM copy.commands EXCEPT"
      " SELECT seq, body, events_hash FROM main.commands)");
  const int64_t count = scalar("SELECT count(*) FROM copy.commands");
  sqlite3_close(db);
  if (foreign != 0)
    audit.fail("backup: " + std::to_string(foreign) + " commands not in the journal");
  if (count != last)
    audit.fail("backup: " + std::to_string(count) + " commands up to seq " + std::to_string(last) +
               " (gaps)");
  return last;
}

void check_replay(const std::string& config_path, const std::string& journal_path, Audit& audit) {
  ConfigResult loaded = load_config(config_path);
  if (!loaded) {
    audit.fail("config " + config_path + " does not load");
    return;
  }
  const VenueConfig config = std::move(loaded).value();
  Exchange exchange(exchange_spec_from(config));
  SqliteJournal journal(journal_path, JournalSync::normal);
  __int128 deposits = 0;
  std::map<std::pair<AccountId, MarketId>, int64_t> fills;  // signed base from fills (1e-9)
  uint64_t transfers = 0;  // takeovers and ADL move positions without an order's fill
  try {
    const ReplayStats stats = replay_journal(journal, exchange, [&](std::span<const Event> evs) {
      for (const Event& e : evs) {
        if (const auto* c = std::get_if<CollateralChanged>(&e.body)) deposits += c->amount.raw;
        if (const auto* f = std::get_if<OrderFilled>(&e.body)) {
          const int64_t q = f->order.side == Side::buy ? f->last_qty.raw : -f->last_qty.raw;
          fills[{f->order.origin.account, f->order.market}] += q;
        }
        if (std::holds_alternative<InsuranceTakeover>(e.body) ||
            std::holds_alternative<AutoDeleveraged>(e.body))
          ++transfers;
      }
    });
    audit.replayed_commands = stats.commands;
  } catch (const std::exception& e) {
    audit.fail(std::string("replay refused the journal: ") + e.what());
    return;
  }
  const risk::RiskEngine* risk = exchange.risk();
  if (!risk) {
    audit.fail("the venue's exchange has no margin core");
    return;
  }
  for (const std::string& v : risk->check_invariants().violations) audit.fail("risk: " + v);

  // Positions and money, computed here from the state, not by the risk engine's own audit.
  __int128 cash = risk->fee_account().balance.raw;
  std::map<MarketId, __int128> base;
  auto visit = [&](const risk::Account& a) {
    cash += a.collateral.raw;
    for (const auto& [market, am] : a.markets) {
      cash -= am.position.quote_entry.raw;
      base[market] += am.position.base.raw;
      if (transfers == 0 && a.id != risk::INSURANCE_FUND_ACCOUNT) {
        const auto f = fills.find({a.id, market});
        const int64_t from_fills = f == fills.end() ? 0 : f->second;
        if (from_fills != am.position.base.raw)
          audit.fail("account " + std::to_string(a.id) + " market " + std::to_string(market) +
                     ": position " + std::to_string(am.position.base.raw) + ", fills add up to " +
                     std::to_string(from_fills));
      }
    }
  };
  for (const auto& [id, a] : risk->accounts()) visit(a);
  visit(risk->insurance_fund().account);
  for (const auto& [market, b] : base) {
    audit.positions[exchange.market(market).symbol] = int64_t(b);
    if (b != 0) audit.fail("market " + std::to_string(market) + ": positions sum to non-zero");
  }
  const __int128 expected = deposits + risk->ledger().socialized_loss.raw;
  if (cash != expected)
    audit.fail("money: collateral - entries + fees = " + std::to_string(int64_t(cash)) +
               ", journal deposits (+ socialized loss) = " + std::to_string(int64_t(expected)));

  // The rebuilt book holds exactly the orders the operator table calls open.
  const JournalReader reader(journal_path);
  const auto table_open = reader.open_orders();
  audit.open_orders = exchange.live_orders();
  if (table_open.size() != exchange.live_orders())
    audit.fail("replay rebuilt " + std::to_string(exchange.live_orders()) +
               " open orders, the orders table has " + std::to_string(table_open.size()));
  for (const auto& [id, leaves] : table_open) {
    const OrderRecord* r = exchange.order(OrderId(id));
    if (!r || r->state.leaves_qty.raw != leaves)
      audit.fail("open order " + std::to_string(id) + " (leaves " + std::to_string(leaves) +
                 ") is " + (r ? "different" : "missing") + " after replay");
  }
}

}  // namespace qd::crash
