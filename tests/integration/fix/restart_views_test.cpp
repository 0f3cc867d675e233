// Restart from the edges' view snapshots (app/gateway/venue_views.hpp): the real venue saves its
// views while desks trade; a restart restores the newest and hands the edges only the events
// after it. The views it ends with must be byte for byte those of a restart that hands the edges
// every event of history, and the desks must see the same answers.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "app/gateway/venue_views.hpp"
#include "engine/snapshot_store.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {
namespace {

/// The views a venue built from config and journal holds before it starts.
std::string views_after_restart(const VenueConfig& config, SeqNo* views_seq) {
  Venue venue(config);
  *views_seq = venue.views_restored().seq;
  return save_venue_views(0, config, venue.gateway(), venue.metrics(), true);
}

size_t view_snapshots(VenueHarness& v) {
  SqliteJournal journal(v.config().journal.path, JournalSync::normal);
  SnapshotStore store(snapshot_path_for(journal.path()), journal.journal_id(), SnapshotKind::views);
  return store.list().size();
}

class RestartViews : public ::testing::Test {
 protected:
  static void send(Initiator& i, FIX::Message m) {
    if (!i.send(m)) throw std::runtime_error("not sent");
  }
  FIX::Message expect(Initiator& i, const std::string& cl, char exec_type) {
    auto m = i.wait_for(er(cl, exec_type), 5s);
    if (!m) throw std::runtime_error("no ExecutionReport " + cl + " 150=" + exec_type);
    return *m;
  }
  /// Unfilled IOCs from `a` until the venue has saved its views (each is a batch after which
  /// they may be).
  void ioc_until_views_saved(VenueHarness& v, Initiator& a) {
    for (int n = 0; view_snapshots(v) == 0; ++n) {
      if (n == 200) throw std::runtime_error("no view snapshot saved");
      const std::string cl = "i" + std::to_string(n);
      send(a, limit(cl, '1', "0.1", "30000", '3'));
      expect(a, cl, '4');
    }
  }
  /// Every views blob keeps a valid hash but loses its last byte (the metrics' part): the
  /// gateway's and account reports' views restore, then the restore fails. Each must come after
  /// `after`.
  static void cut_every_views_blob_short(const VenueConfig& config, SeqNo after = 0) {
    SqliteJournal journal(config.journal.path, JournalSync::normal);
    SnapshotStore store(snapshot_path_for(journal.path()), journal.journal_id(),
                        SnapshotKind::views);
    for (const SnapshotInfo& info : store.list()) {
      ASSERT_GT(info.seq, after) << "a views snapshot from before seq " << after;
      std::string blob = store.read(info.seq).value();
      blob.pop_back();
      store.write(info.seq, info.format_version, blob, info.created_at);
    }
  }
  /// A restart on `config` skips every views snapshot and ends with the views of a full replay:
  /// whatever a failed restore had put in place was put back to empty.
  static void expect_views_of_a_full_replay(const VenueConfig& config) {
    SeqNo from_views = 1, from_nothing = 1;
    const std::string restored = views_after_restart(config, &from_views);
    VenueConfig no_snapshots = config;
    no_snapshots.journal.view_snapshot_every_commands = 0;
    const std::string replayed = views_after_restart(no_snapshots, &from_nothing);
    EXPECT_EQ(from_views, 0u);
    EXPECT_EQ(from_nothing, 0u);
    EXPECT_TRUE(restored == replayed)
        << "views after a snapshot that failed late differ from a full replay";
  }
  static FIX::Message status(const std::string& cl, char side) {
    FIX::Message h;
    h.getHeader().setField(35, "H");
    h.setField(11, cl);
    h.setField(55, "BTC-PERP");
    h.setField(54, std::string(1, side));
    return h;
  }
};

TEST_F(RestartViews, SnapshotPlusTailGivesTheViewsAndAnswersOfAFullReplay) {
  VenueHarness v([](VenueConfig& c) {
    c.journal.snapshot_every_commands = 20;
    c.journal.view_snapshot_every_commands = 20;
  });
  // Stores of their own: after the restart the desks log on again where they left off.
  InitiatorOptions desk_a = v.options("DESK_A"), desk_b = v.options("DESK_B");
  desk_a.store_path = v.dir() + "/desk-a-store";
  desk_b.store_path = v.dir() + "/desk-b-store";
  auto a = v.connect(desk_a);
  auto b = v.connect(desk_b);
  // Before the views snapshot: a trade, a cancel, an order left resting.
  send(*a, limit("s1", '2', "1", "50000"));
  expect(*a, "s1", '0');
  send(*b, limit("b1", '1', "0.4", "50000"));
  expect(*b, "b1", 'F');
  send(*a, limit("c1", '1', "0.1", "40000"));
  expect(*a, "c1", '0');
  send(*a, cancel("x1", "c1", '1'));
  expect(*a, "x1", '4');
  send(*a, limit("keep", '1', "0.2", "41000"));
  expect(*a, "keep", '0');
  ioc_until_views_saved(v, *a);
  // After it: the tail the edges get as events (the stops cancel both desks' resting orders).
  send(*a, limit("t1", '1', "0.1", "49900"));
  expect(*a, "t1", '0');
  send(*b, limit("t2", '2', "0.1", "49900"));
  expect(*b, "t2", 'F');
  send(*b, limit("t3", '1', "0.3", "50000"));
  expect(*b, "t3", 'F');
  stop_all({a.get(), b.get()});
  v.stop();

  SeqNo from_views = 0, from_nothing = 0;
  const std::string restored = views_after_restart(v.config(), &from_views);
  VenueConfig no_snapshots = v.config();
  no_snapshots.journal.snapshot_every_commands = 0;
  no_snapshots.journal.view_snapshot_every_commands = 0;
  const std::string replayed = views_after_restart(no_snapshots, &from_nothing);
  EXPECT_GE(from_views, 20u);
  EXPECT_EQ(from_nothing, 0u);
  EXPECT_GT(restored.size(), 200u);
  EXPECT_TRUE(restored == replayed)
      << "views from the snapshot (" << restored.size() << " bytes) differ from a full replay's ("
      << replayed.size() << " bytes)";

  // What desks see after a restart from the views: ids of orders done before the snapshot are
  // still used today, and their status is still answered.
  v.start();
  EXPECT_GE(v.venue().views_restored().seq, 20u);
  a = v.connect(desk_a);
  b = v.connect(desk_b);
  send(*b, limit("b1", '1', "0.1", "30000"));
  EXPECT_EQ(field(b->wait_for(er("b1", '8'), 5s).value(), 103), "6");
  send(*a, status("x1", '1'));  // the order's ClOrdID since its cancel
  EXPECT_EQ(field(expect(*a, "x1", 'I'), 39), "4");
  send(*a, status("keep", '1'));
  EXPECT_EQ(field(expect(*a, "keep", 'I'), 39), "4");  // canceled on DESK_A's disconnect
  send(*a, status("s1", '2'));
  EXPECT_EQ(field(expect(*a, "s1", 'I'), 14), "0.7");  // 0.4 before, 0.3 after the snapshot
  stop_all({a.get(), b.get()});
}

TEST_F(RestartViews, ViewsThatFailToRestoreAreSkippedAndEveryEventIsReplayed) {
  VenueHarness v([](VenueConfig& c) {
    c.journal.snapshot_every_commands = 1000;  // no engine snapshot: the edges get every event
    c.journal.view_snapshot_every_commands = 20;
  });
  InitiatorOptions desk_a = v.options("DESK_A");
  desk_a.store_path = v.dir() + "/desk-a-store";
  auto a = v.connect(desk_a);
  send(*a, limit("rest", '1', "0.1", "40000"));
  expect(*a, "rest", '0');
  ioc_until_views_saved(v, *a);
  stop_all({a.get()});
  v.stop();
  ASSERT_NO_FATAL_FAILURE(cut_every_views_blob_short(v.config()));
  expect_views_of_a_full_replay(v.config());
  Venue venue(v.config());
  ASSERT_EQ(venue.views_restored().warnings.size(), 1u);
  EXPECT_NE(venue.views_restored().warnings[0].find("truncated"), std::string::npos)
      << venue.views_restored().warnings[0];
}

/// The lowest seq of a funding payment in the venue's journal; 0 when none was paid yet.
SeqNo first_funding_paid(VenueHarness& v) {
  sqlite3* db = nullptr;
  SeqNo seq = 0;
  if (sqlite3_open_v2(v.config().journal.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COALESCE(MIN(seq), 0) FROM events WHERE kind='funding_paid'",
                           -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      seq = SeqNo(sqlite3_column_int64(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return seq;
}

// Funding totals are the one view a second replay does not leave as it was (they add up). A
// views blob that restores them and then fails must leave none of them behind, or the full
// replay that follows counts every payment in the blob twice.
TEST_F(RestartViews, ViewsThatFailAfterRestoringFundingTotalsLeaveNoneOfThemBehind) {
  VenueHarness v([](VenueConfig& c) {
    c.journal.snapshot_every_commands = 100000;  // no engine snapshot: the edges get every event
    c.journal.view_snapshot_every_commands = 0;  // none before funding has been paid
    c.risk.funding_sample_s = 1;
    for (MarketConfig& m : c.markets) m.funding_interval_s = 1;
  });
  {
    auto a = v.connect("DESK_A");
    auto b = v.connect("DESK_B");
    send(*a, limit("s", '2', "1", "50000"));
    expect(*a, "s", '0');
    send(*b, limit("b", '1', "1", "50000", '3'));
    expect(*b, "b", 'F');
    for (int n = 0; first_funding_paid(v) == 0; ++n) {
      ASSERT_LT(n, 100) << "no funding paid in 10 s";
      std::this_thread::sleep_for(100ms);
    }
    stop_all({a.get(), b.get()});
  }
  v.config().journal.view_snapshot_every_commands = 20;
  v.restart();
  auto a = v.connect("DESK_A");
  ioc_until_views_saved(v, *a);
  stop_all({a.get()});
  v.stop();
  // The account reports' funding totals are in every blob and restored before it fails.
  ASSERT_NO_FATAL_FAILURE(cut_every_views_blob_short(v.config(), first_funding_paid(v)));
  expect_views_of_a_full_replay(v.config());
}

}  // namespace
}  // namespace qd::fix::test
