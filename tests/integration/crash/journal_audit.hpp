#pragma once
// The crash test's judge: compares what the desks were told with what the journal holds (read
// with plain SQLite, as an operator would, while the venue runs), checks the journal's own
// tables, and finally replays the journal the way a restart does to check the money.

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/crash/fix_recorder.hpp"

namespace qd::crash {

/// Counts for the closing lines and every problem found (a mismatch each).
struct Audit {
  uint64_t engine_reports = 0;        ///< ExecutionReports about engine events received
  uint64_t duplicate_deliveries = 0;  ///< the same ExecID received again, identical (a resend)
  uint64_t exec_ids = 0;              ///< distinct ExecIDs received
  uint64_t status_checked = 0;        ///< acked orders compared through OrderStatusRequest
  uint64_t unacked_journaled = 0;     ///< orders never acked to the desk, yet journaled (the
                                      ///< venue died between commit and send): same state both ways
  uint64_t unacked_absent = 0;      ///< orders never acked and never journaled (died before commit)
  uint64_t stale_client_views = 0;  ///< orders whose last report was older than the journal
  uint64_t journal_fills = 0;       ///< fill events in the journal
  uint64_t trades = 0;
  uint64_t replayed_commands = 0;
  uint64_t open_orders = 0;
  std::map<std::string, int64_t> positions;  ///< per market: sum of every account's base (1e-9)
  std::vector<std::string> problems;

  void fail(std::string what) { problems.push_back(std::move(what)); }
  uint64_t mismatches() const { return problems.size(); }
};

/// A read-only connection to the journal (WAL: it never blocks the venue's writer).
class JournalReader {
 public:
  explicit JournalReader(const std::string& path);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  struct EventRow {
    std::string kind, status, trade_id;
    int64_t order_id = 0, cum_qty = 0, leaves_qty = 0, last_qty = 0, last_price = 0;
  };
  struct OrderRow {
    std::string status;
    int64_t cum_qty = 0, leaves_qty = 0, order_qty = 0, updated_seq = 0;
  };
  std::optional<EventRow> event(int64_t seq, int64_t idx) const;
  std::optional<OrderRow> order(int64_t order_id) const;
  /// The order first entered with this ClOrdID (ids in the test are unique across desks).
  std::optional<std::pair<int64_t, OrderRow>> order_by_client_id(const std::string& cl) const;
  int64_t scalar(const char* sql) const;
  /// (order_id, leaves_qty) of every order the table calls open.
  std::vector<std::pair<int64_t, int64_t>> open_orders() const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* event_ = nullptr;
  sqlite3_stmt* order_ = nullptr;
  sqlite3_stmt* by_client_id_ = nullptr;
};

/// FIX OrdStatus (39) for a journal status, as the gateway maps it.
char ord_status_of(const std::string& status, int64_t cum_qty);

/// Every received report against the journal: an engine ExecID names an event row with the same
/// order, status and quantities (and trade for fills); an ExecID is never reused for different
/// content; a trade reaches one order only once.
void check_reports(const std::vector<Report>& reports, const JournalReader& journal, Audit& audit);

/// Each acked order exists in `orders` with the state the venue reported for it just now
/// (status_by_order: OrderID -> the OrderStatusRequest answer), and no report the desk received
/// is newer than the journal's state of the order.
void check_acked_orders(const std::set<std::string>& acked,
                        const std::map<std::string, Report>& status_by_order,
                        const std::map<std::string, int64_t>& last_seq_seen,
                        const JournalReader& journal, Audit& audit);

/// Orders sent but never acknowledged: the venue's answer to an OrderStatusRequest by ClOrdID
/// (status_by_cl) and the journal agree on whether each exists, and on its state when it does.
void check_unacked_orders(const std::map<std::string, Report>& status_by_cl,
                          const JournalReader& journal, Audit& audit);

/// The journal's own consistency: each trade has exactly one maker and one taker fill, each
/// order's cum qty is the sum of its fills, open orders have leaves + cum = qty.
void check_tables(const JournalReader& journal, Audit& audit);

/// An online backup is the original's prefix: every command the copy holds is in the original
/// with the same body and event hash. Returns the copy's last seq (0 when it is empty).
int64_t check_backup_prefix(const std::string& original, const std::string& copy, Audit& audit);

/// Restart = replay, done here on the final journal with the venue's own config: no mismatch,
/// the margin core's invariants hold, positions sum to zero per market, each account's position
/// equals its fills, money is conserved against the journal's deposits, and the open orders
/// equal the `orders` table's.
void check_replay(const std::string& config_path, const std::string& journal_path, Audit& audit);

}  // namespace qd::crash
