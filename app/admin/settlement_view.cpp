#include "app/admin/settlement_view.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <stdexcept>

#include "core/decimal.hpp"

namespace qd::admin {

namespace {

using nlohmann::json;

std::string usdc(int64_t base_units) {
  return to_string(Quote(base_units));
}

/// A read-only connection to settlement.db; the bridge keeps writing (WAL readers never block).
class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      const std::string e = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw std::runtime_error(path + ": " + e);
    }
    sqlite3_busy_timeout(db_, 2000);
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;

  /// Runs `sql` with integer parameters; `row` sees each result row.
  void query(const std::string& sql, std::initializer_list<int64_t> params,
             const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      // A store created by a bridge that has not set up yet has no tables: nothing to show.
      const std::string e = sqlite3_errmsg(db_);
      sqlite3_finalize(st);
      if (e.find("no such table") != std::string::npos) return;
      throw std::runtime_error(path_ + ": " + e);
    }
    int i = 1;
    for (int64_t p : params) sqlite3_bind_int64(st, i++, p);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(path_ + ": " + sqlite3_errmsg(db_));
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

std::string text(sqlite3_stmt* st, int col) {
  const auto* t = sqlite3_column_text(st, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

json nullable_int(sqlite3_stmt* st, int col) {
  return sqlite3_column_type(st, col) == SQLITE_NULL ? json(nullptr)
                                                     : json(sqlite3_column_int64(st, col));
}

}  // namespace

json settlement_status_json(const settlement::SettlementStatus& s) {
  json j;
  j["running"] = s.running;
  j["ready"] = s.ready;
  j["last_error"] = s.last_error;
  j["journal_seq"] = s.journal_seq;
  j["read_seq"] = s.read_seq;
  j["batched_seq"] = s.batched_seq;
  j["confirmed_seq"] = s.confirmed_seq;
  j["finalized_seq"] = s.finalized_seq;
  j["lag_seq"] = s.lag_seq;
  j["lag_ms"] = s.lag_ms;
  j["open_fills"] = s.open_fills;
  j["pending_batches"] = s.pending_batches;
  j["batches_closed"] = s.batches_closed;
  j["batches_confirmed"] = s.batches_confirmed;
  j["batches_finalized"] = s.batches_finalized;
  j["fills_finalized"] = s.fills_finalized;
  j["transfers_finalized"] = s.transfers_finalized;
  j["versions_signed"] = s.versions_signed;
  j["resends"] = s.resends;
  j["versions_expired"] = s.versions_expired;
  j["versions_failed"] = s.versions_failed;
  j["quarantines"] = s.quarantines;
  j["quarantined_now"] = s.quarantined_now;
  j["idle"] = s.idle;
  return j;
}

json account_settlement_json(const settlement::AccountSettlement& a) {
  json j;
  j["account"] = a.name;
  j["number"] = a.account;
  j["token_account"] = a.token_account;
  j["collateral"] = to_string(a.collateral);
  j["baseline"] = to_string(a.baseline);
  j["booked"] = to_string(a.booked);
  j["pending"] = to_string(a.pending);
  j["in_flight"] = to_string(a.in_flight);
  j["unsettled"] = to_string(a.unsettled);
  j["quarantined"] = a.quarantined;
  j["reason"] = a.quarantine_reason;
  return j;
}

json recent_settlement_batches(const std::string& store_path, int limit) {
  json out = json::array();
  if (!std::filesystem::exists(store_path)) return out;
  ReadOnlyDb db(store_path);
  db.query(
      "SELECT batch_id, state, fill_count, part_count, merkle_root, from_seq, to_seq, "
      "confirmed_at, finalized_at FROM batches ORDER BY batch_id DESC LIMIT ?1",
      {limit}, [&](sqlite3_stmt* st) {
        json b;
        b["batch_id"] = sqlite3_column_int64(st, 0);
        b["state"] = text(st, 1);
        b["fills"] = sqlite3_column_int64(st, 2);
        b["parts"] = sqlite3_column_int64(st, 3);
        b["merkle_root"] = text(st, 4);
        b["from_seq"] = sqlite3_column_int64(st, 5);
        b["to_seq"] = sqlite3_column_int64(st, 6);
        b["confirmed_at_ms"] = nullable_int(st, 7);
        b["finalized_at_ms"] = nullable_int(st, 8);
        b["signatures"] = json::array();
        out.push_back(std::move(b));
      });
  for (json& b : out) {
    db.query(
        "SELECT part, signature, state FROM parts WHERE batch_id = ?1 AND signature IS NOT NULL "
        "ORDER BY part",
        {b["batch_id"].get<int64_t>()}, [&](sqlite3_stmt* st) {
          b["signatures"].push_back({{"part", sqlite3_column_int64(st, 0)},
                                     {"signature", text(st, 1)},
                                     {"state", text(st, 2)}});
        });
  }
  return out;
}

json settlement_batch_counts(const std::string& store_path) {
  json out = json::object();
  if (!std::filesystem::exists(store_path)) return out;
  ReadOnlyDb db(store_path);
  db.query("SELECT state, count(*) FROM batches GROUP BY state", {},
           [&](sqlite3_stmt* st) { out[text(st, 0)] = sqlite3_column_int64(st, 1); });
  return out;
}

json reconcile_json(const settlement::ReconcileReport& r) {
  json j;
  j["ok"] = r.ok;
  j["error"] = r.error;
  json lines = json::array();
  for (const settlement::ReconcileLine& l : r.lines) {
    lines.push_back({{"account", l.name},
                     {"number", l.account},
                     {"token_account", l.token_account},
                     {"onchain", usdc(l.onchain)},
                     {"expected", usdc(l.expected)},
                     {"pending", usdc(l.pending)},
                     {"difference", usdc(l.difference)},
                     {"error", l.error}});
  }
  j["lines"] = lines;
  return j;
}

}  // namespace qd::admin
