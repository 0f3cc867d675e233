// The SQLite journal and replay: what is appended comes back in order, replay rebuilds the same
// state and events, a tampered journal is refused, and an online backup restores the venue.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "engine/replay.hpp"
#include "engine/sequencer.hpp"
#include "engine/sqlite_journal.hpp"

namespace qd {
namespace {

namespace fs = std::filesystem;

ExchangeSpec two_markets() {
  ExchangeSpec spec;
  MarketSpec btc;
  btc.symbol = "BTC-PERP";
  btc.tick_size = Price(100'000);            // 0.1
  btc.lot_size = Qty(100'000);               // 0.0001
  btc.min_size = Qty(100'000);
  MarketSpec eth = btc;
  eth.symbol = "ETH-PERP";
  spec.markets = {btc, eth};
  for (AccountId a = 1; a <= 4; ++a) spec.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, 0, 1000, true});
  return spec;
}

/// A deterministic stream of orders, cancels and replaces across accounts and markets.
std::vector<CommandBody> random_flow(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<CommandBody> out;
  for (size_t i = 0; i < n; ++i) {
    const AccountId acct = AccountId(1 + rng() % 4);
    const MarketId m = MarketId(rng() % 2);
    const auto r = rng() % 10;
    if (r < 6) {
      NewOrder o;
      o.origin = {acct, acct};
      o.market = m;
      o.client_id.assign("c" + std::to_string(i));
      o.side = rng() % 2 ? Side::buy : Side::sell;
      o.tif = rng() % 5 == 0 ? TimeInForce::ioc : TimeInForce::gtc;
      o.price = Price(int64_t(50'000 + int64_t(rng() % 40) - 20) * PRICE_PRECISION);
      o.qty = Qty(int64_t(1 + rng() % 20) * 100'000);
      out.push_back(o);
    } else if (r < 8) {
      CancelOrder c;
      c.origin = {acct, acct};
      c.market = m;
      c.ref.order_id = 1 + rng() % (i + 1);
      c.client_id.assign("x" + std::to_string(i));
      out.push_back(c);
    } else if (r < 9) {
      ReplaceOrder c;
      c.origin = {acct, acct};
      c.market = m;
      c.ref.order_id = 1 + rng() % (i + 1);
      c.client_id.assign("r" + std::to_string(i));
      c.side = rng() % 2 ? Side::buy : Side::sell;
      c.price = Price(int64_t(50'000 + int64_t(rng() % 40) - 20) * PRICE_PRECISION);
      c.qty = Qty(int64_t(1 + rng() % 30) * 100'000);
      out.push_back(c);
    } else {
      out.push_back(SetMarkPrice{m, Price(int64_t(50'000 + int64_t(rng() % 10) - 5) * PRICE_PRECISION)});
    }
  }
  return out;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("qd-journal-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  /// Runs commands through an exchange in batches of `batch`, journaling each batch; returns
  /// the hash of all events.
  uint64_t run(Exchange& ex, SqliteJournal& j, const std::vector<CommandBody>& flow, size_t batch) {
    std::vector<Command> cmds;
    std::vector<Event> events, all;
    SeqNo seq = j.last_seq();
    for (size_t i = 0; i < flow.size(); ++i) {
      cmds.push_back(Command{++seq, TimestampNs(1'700'000'000'000'000'000 + int64_t(seq) * 1000), flow[i]});
      ex.process(cmds.back(), events);
      if (cmds.size() == batch || i + 1 == flow.size()) {
        j.append(cmds, events);
        all.insert(all.end(), events.begin(), events.end());
        cmds.clear();
        events.clear();
      }
    }
    return SqliteJournal::hash_events(all);
  }

  fs::path dir_;
};

TEST_F(JournalTest, ReplayRebuildsTheSameEventsAndState) {
  const auto flow = random_flow(3000, 7);
  Exchange original(two_markets());
  uint64_t live_hash;
  {
    SqliteJournal j(path("j.db"));
    live_hash = run(original, j, flow, 64);
    EXPECT_EQ(j.last_seq(), 3000u);
  }
  SqliteJournal reopened(path("j.db"));
  EXPECT_EQ(reopened.last_seq(), 3000u);
  Exchange rebuilt(two_markets());
  std::vector<Event> replayed;
  const ReplayStats stats = replay_journal(reopened, rebuilt, [&](std::span<const Event> evs) {
    replayed.insert(replayed.end(), evs.begin(), evs.end());
  });
  EXPECT_EQ(stats.commands, 3000u);
  EXPECT_EQ(SqliteJournal::hash_events(replayed), live_hash);
  EXPECT_EQ(rebuilt.live_orders(), original.live_orders());
  EXPECT_EQ(rebuilt.next_order_id(), original.next_order_id());
  for (MarketId m = 0; m < 2; ++m) {
    std::vector<std::pair<OrderId, int64_t>> a, b;
    original.book(m).for_each_order(Side::buy, [&](const BookOrder& o) { a.push_back({o.id, o.qty}); });
    original.book(m).for_each_order(Side::sell, [&](const BookOrder& o) { a.push_back({o.id, o.qty}); });
    rebuilt.book(m).for_each_order(Side::buy, [&](const BookOrder& o) { b.push_back({o.id, o.qty}); });
    rebuilt.book(m).for_each_order(Side::sell, [&](const BookOrder& o) { b.push_back({o.id, o.qty}); });
    EXPECT_EQ(a, b);
    EXPECT_FALSE(a.empty());
  }
}

TEST_F(JournalTest, ContinuesAfterReopenWithoutGaps) {
  const auto flow = random_flow(500, 3);
  Exchange ex(two_markets());
  {
    SqliteJournal j(path("j.db"));
    run(ex, j, std::vector<CommandBody>(flow.begin(), flow.begin() + 200), 50);
  }
  {
    SqliteJournal j(path("j.db"));
    Exchange again(two_markets());
    replay_journal(j, again);
    run(again, j, std::vector<CommandBody>(flow.begin() + 200, flow.end()), 50);
    EXPECT_EQ(j.last_seq(), 500u);
  }
  SqliteJournal j(path("j.db"));
  Exchange third(two_markets());
  EXPECT_EQ(replay_journal(j, third).commands, 500u);
}

TEST_F(JournalTest, TamperedJournalIsRefused) {
  const auto flow = random_flow(300, 11);
  {
    Exchange ex(two_markets());
    SqliteJournal j(path("j.db"));
    run(ex, j, flow, 32);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("j.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE commands SET events_hash = events_hash + 1 WHERE seq = 150",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  SqliteJournal j(path("j.db"));
  Exchange ex(two_markets());
  try {
    replay_journal(j, ex);
    FAIL() << "replay accepted a journal whose events differ";
  } catch (const ReplayMismatch& e) {
    EXPECT_NE(std::string(e.what()).find("seq 150"), std::string::npos) << e.what();
  }
}

TEST_F(JournalTest, OperatorTablesAreReadableWithSqlite) {
  {
    Exchange ex(two_markets());
    SqliteJournal j(path("j.db"));
    j.record_names({{0, "BTC-PERP"}, {1, "ETH-PERP"}}, {{1, "DESK-A"}, {2, "DESK-B"}, {3, "C"}, {4, "D"}});
    NewOrder sell;
    sell.origin = {2, 2};
    sell.client_id.assign("s1");
    sell.side = Side::sell;
    sell.price = Price(50'000 * PRICE_PRECISION);
    sell.qty = Qty(5 * 100'000);
    NewOrder buy = sell;
    buy.origin = {1, 1};
    buy.client_id.assign("b1");
    buy.side = Side::buy;
    buy.qty = Qty(2 * 100'000);
    run(ex, j, {sell, buy}, 10);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("j.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT symbol, account, side, liquidity, price, qty FROM fills ORDER BY idx", -1, &s, nullptr), SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < 6; ++c) row += std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c))) + " ";
    rows.push_back(row);
  }
  sqlite3_finalize(s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "BTC-PERP DESK-B sell maker 50000.000000 0.000200000 ");
  EXPECT_EQ(rows[1], "BTC-PERP DESK-A buy taker 50000.000000 0.000200000 ");
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT account, leaves, status FROM open_orders", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "DESK-B");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)), "0.000300000");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)), "partially_filled");
  EXPECT_NE(sqlite3_step(s), SQLITE_ROW);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

// The orders table is written once per order per batch, with its last state: it must still hold
// exactly the state of each order's latest event, for orders changed several times in one batch.
TEST_F(JournalTest, OrdersTableHoldsEachOrdersLatestEventState) {
  {
    Exchange ex(two_markets());
    SqliteJournal j(path("j.db"));
    run(ex, j, random_flow(3000, 11), 64);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("j.db").c_str(), &db), SQLITE_OK);
  using Row = std::tuple<int64_t, std::string, std::string, int64_t, int64_t, int64_t, int64_t>;
  auto rows = [&](const char* sql) {
    std::map<int64_t, Row> out;
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (sqlite3_step(s) == SQLITE_ROW) {
      auto text = [&](int c) {
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, c)));
      };
      // Later rows of the same order replace earlier ones: the query lists events in order.
      out[sqlite3_column_int64(s, 0)] = Row{sqlite3_column_int64(s, 1),
                                            text(2),
                                            text(3),
                                            sqlite3_column_int64(s, 4),
                                            sqlite3_column_int64(s, 5),
                                            sqlite3_column_int64(s, 6),
                                            sqlite3_column_int64(s, 7)};
    }
    sqlite3_finalize(s);
    return out;
  };
  const auto from_events = rows(
      "SELECT order_id, account, client_id, status, price, leaves_qty, cum_qty, seq FROM events"
      " WHERE order_id IS NOT NULL AND order_id != 0 ORDER BY seq, idx");
  const auto table = rows(
      "SELECT order_id, account, client_id, status, price, leaves_qty, cum_qty, updated_seq"
      " FROM orders");
  sqlite3_close(db);
  ASSERT_GT(from_events.size(), 1000u);
  EXPECT_EQ(table, from_events);
}

TEST_F(JournalTest, OnlineBackupWhileTheSequencerRunsRestoresThatPoint) {
  const auto flow = random_flow(4000, 5);
  Exchange ex(two_markets());
  SqliteJournal j(path("j.db"));
  Sequencer seq(ex, &j, SequencerOptions{});
  seq.start();
  size_t submitted = 0;
  for (; submitted < 2000; ++submitted) ASSERT_TRUE(seq.try_submit(flow[submitted]));
  while (seq.last_seq() < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Back up while the engine keeps committing the rest.
  for (; submitted < 2500; ++submitted) ASSERT_TRUE(seq.try_submit(flow[submitted]));
  SqliteJournal::backup(path("j.db"), path("copy.db"));
  for (; submitted < flow.size(); ++submitted) ASSERT_TRUE(seq.try_submit(flow[submitted]));
  seq.stop();
  EXPECT_GE(j.last_seq(), 4000u);  // plus clock ticks

  SqliteJournal copy(path("copy.db"));
  EXPECT_GT(copy.last_seq(), 0u);
  EXPECT_LE(copy.last_seq(), j.last_seq());
  Exchange restored(two_markets());
  EXPECT_EQ(replay_journal(copy, restored).last_seq, copy.last_seq());
  // The copy is exactly the journal's prefix: replaying the original up to that point agrees.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path("copy.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA integrity_check", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(JournalTest, SequencerPublishesOnlyCommittedEventsInOrder) {
  struct Collector : EventListener {
    std::vector<SeqNo> seqs;
    const SqliteJournal* journal = nullptr;
    bool all_committed = true;
    void on_events(std::span<const Event> evs) override {
      for (const Event& e : evs) {
        if (e.seq > journal->last_seq()) all_committed = false;
        seqs.push_back(e.seq);
      }
    }
  } collector;
  Exchange ex(two_markets());
  SqliteJournal j(path("j.db"));
  collector.journal = &j;
  Sequencer seq(ex, &j, SequencerOptions{});
  seq.add_listener(&collector);
  seq.start();
  for (const CommandBody& c : random_flow(1000, 9)) ASSERT_TRUE(seq.try_submit(c));
  seq.stop();
  EXPECT_TRUE(collector.all_committed);
  EXPECT_FALSE(collector.seqs.empty());
  EXPECT_TRUE(std::is_sorted(collector.seqs.begin(), collector.seqs.end()));
}

}  // namespace
}  // namespace qd
