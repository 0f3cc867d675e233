// Engine snapshots against a real SQLite journal: a seeded session with every kind of state
// (resting and stop orders, partial fills, replaces, STP, expiries, funding, oracle readings,
// liquidations, config commands) is journaled with snapshots at several points. Restoring any of
// them and replaying the tail must reproduce every journaled event hash and the final state of a
// full replay; the edges must still see every event of history; a corrupted, unknown-version,
// undecodable, too-new or other journal's snapshot is skipped with a warning and restart still
// succeeds. Snapshots live in their own file: writing one never holds the journal's write lock.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/serialization.hpp"
#include "engine/replay.hpp"
#include "engine/sequencer.hpp"
#include "engine/snapshot.hpp"
#include "engine/snapshot_recovery.hpp"
#include "engine/snapshot_store.hpp"
#include "engine/sqlite_journal.hpp"
#include "tests/unit/engine/snapshot_session.hpp"

namespace qd::test {
namespace {

namespace fs = std::filesystem;

constexpr SeqNo session_length = 6000;
constexpr SeqNo snapshot_every = 1500;

/// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("qd-snapshot-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

/// The snapshot file of a journal, opened as that journal's.
SnapshotStore open_snapshots(const std::string& journal_path) {
  const SqliteJournal journal(journal_path, JournalSync::normal);
  return SnapshotStore(snapshot_path_for(journal_path), journal.journal_id());
}

std::string serialize(std::span<const Event> events) {
  ByteWriter w;
  for (const Event& e : events) w(e);
  return w.bytes();
}

/// What the session reached, counted from its events.
struct Reached {
  std::map<std::string, int> n;
  void add(const std::vector<Event>& events) {
    for (const Event& e : events) {
      std::visit(
          [&](const auto& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, OrderFilled>) {
              ++n["fill"];
              if (ev.order.leaves_qty.raw > 0) ++n["partial fill"];
              if (ev.liquidation) ++n["liquidation fill"];
            } else if constexpr (std::is_same_v<T, OrderCanceled>) {
              if (ev.reason == CancelReason::stp_resting ||
                  ev.reason == CancelReason::stp_aggressing)
                ++n["stp cancel"];
              if (ev.reason == CancelReason::expired) ++n["expiry"];
            } else if constexpr (std::is_same_v<T, OrderReplaced>) {
              ++n["replace"];
            } else if constexpr (std::is_same_v<T, OrderTriggered>) {
              ++n["stop triggered"];
            } else if constexpr (std::is_same_v<T, FundingPaid>) {
              ++n["funding paid"];
            } else if constexpr (std::is_same_v<T, OraclePriceSet>) {
              ++n["oracle"];
            } else if constexpr (std::is_same_v<T, LiquidationTriggered>) {
              ++n["liquidation"];
            } else if constexpr (std::is_same_v<T, InsuranceTakeover>) {
              ++n["takeover"];
            } else if constexpr (std::is_same_v<T, ConfigChanged>) {
              ++n["config"];
            }
          },
          e.body);
    }
  }
};

/// Journals a session in batches of 1..16 commands, snapshotting at batch boundaries past each
/// multiple of snapshot_every (directly through the store, as the sequencer's hook would).
struct JournaledSession {
  std::string path;
  std::unique_ptr<Exchange> exchange = std::make_unique<Exchange>(SnapshotSession::spec());
  SnapshotSession session{42};
  std::string all_events;  // every event serialized, in order
  std::vector<SeqNo> snapshots;
  Reached reached;
  std::vector<size_t> resting_at_snapshot, stops_at_snapshot;
  SeqNo seq = 0;

  explicit JournaledSession(std::string p, uint64_t seed = 42)
      : path(std::move(p)), session(seed) {}

  void run(SeqNo until, bool take_snapshots = true) {
    SqliteJournal journal(path, JournalSync::normal);
    SnapshotStore store(snapshot_path_for(path), journal.journal_id());
    std::mt19937_64 batch_rng(7);
    while (seq < until) {
      std::vector<Command> batch;
      std::vector<Event> events;
      const size_t n = std::min<size_t>(1 + batch_rng() % 16, until - seq);
      for (size_t i = 0; i < n; ++i) {
        CommandBody body = session.next(*exchange);
        batch.push_back(Command{++seq, session.now(), std::move(body)});
        const size_t first = events.size();
        exchange->process(batch.back(), events);
        session.observe(std::vector<Event>(events.begin() + long(first), events.end()));
      }
      journal.append(batch, events);
      reached.add(events);
      all_events += serialize(events);
      if (take_snapshots && seq / snapshot_every > (seq - n) / snapshot_every) {
        store.write(encode_snapshot(*exchange, seq), 0);
        snapshots.push_back(seq);
        size_t resting = 0;
        for (MarketId m = 0; m < exchange->market_count(); ++m)
          resting += exchange->book(m).order_count();
        resting_at_snapshot.push_back(resting);
        stops_at_snapshot.push_back(exchange->live_orders() - resting);
      }
    }
  }
};

class SnapshotTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(SnapshotTest, SessionReachesEveryKindOfState) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  for (const char* what :
       {"fill", "partial fill", "stp cancel", "expiry", "replace", "stop triggered", "funding paid",
        "oracle", "liquidation", "liquidation fill", "config"}) {
    EXPECT_GT(s.reached.n[what], 0) << what;
  }
  ASSERT_EQ(s.snapshots.size(), 4u);
  for (size_t i = 0; i < s.snapshots.size(); ++i) {
    EXPECT_GT(s.resting_at_snapshot[i], 0u) << "snapshot " << s.snapshots[i];
    EXPECT_GT(s.stops_at_snapshot[i], 0u) << "snapshot " << s.snapshots[i];
  }
}

TEST_F(SnapshotTest, EverySnapshotPlusTailEqualsFullReplay) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  const uint64_t final_hash = exchange_state_hash(*s.exchange);
  const uint64_t final_risk_hash = s.exchange->risk()->state_hash();

  SqliteJournal journal(s.path, JournalSync::normal);
  Exchange full(SnapshotSession::spec());
  replay_journal(journal, full);
  ASSERT_EQ(exchange_state_hash(full), final_hash);

  SnapshotStore store = open_snapshots(s.path);
  ASSERT_EQ(store.list().size(), s.snapshots.size());
  for (const SeqNo at : s.snapshots) {
    SCOPED_TRACE("snapshot at seq " + std::to_string(at));
    const std::optional<std::string> blob = store.read(at);
    ASSERT_TRUE(blob);
    Exchange restored(SnapshotSession::spec());
    EXPECT_EQ(restore_snapshot(restored, *blob).seq, at);
    // The restored state serializes back to the very same bytes.
    EXPECT_EQ(encode_snapshot(restored, at), *blob);
    // Every tail command's events hash to what the journal recorded (replay throws otherwise).
    const ReplayStats tail = replay_journal(journal, restored, {}, at);
    EXPECT_EQ(tail.last_seq, session_length);
    EXPECT_EQ(tail.commands, session_length - at);
    EXPECT_EQ(exchange_state_hash(restored), final_hash);
    EXPECT_EQ(restored.risk()->state_hash(), final_risk_hash);
    EXPECT_EQ(restored.next_order_id(), s.exchange->next_order_id());
    EXPECT_EQ(restored.next_deadline(), s.exchange->next_deadline());
    for (MarketId m = 0; m < restored.market_count(); ++m)
      EXPECT_EQ(restored.book(m).validate_internal_state(), "");
  }
}

TEST_F(SnapshotTest, RecoveryFeedsEdgesAllOfHistory) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  SqliteJournal journal(s.path, JournalSync::normal);
  Exchange ex(SnapshotSession::spec());
  std::string seen;
  const RecoveryStats r = recover_exchange(journal, ex, SnapshotSession::spec(),
                                           [&](std::span<const Event> e) { seen += serialize(e); });
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.snapshot_seq, s.snapshots.back());
  EXPECT_EQ(r.replay.commands, session_length - s.snapshots.back());
  EXPECT_GT(r.stored_events, 0u);
  EXPECT_TRUE(seen == s.all_events) << "the edges saw other events than were journaled";
  EXPECT_EQ(exchange_state_hash(ex), exchange_state_hash(*s.exchange));
}

TEST_F(SnapshotTest, EdgesWithViewsOfTheirOwnGetExactlyTheEventsAfterThem) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  // The engine restarts from the second newest snapshot, so a tail follows it.
  const SeqNo snapshot = s.snapshots[s.snapshots.size() - 2];
  open_snapshots(s.path).remove_after(snapshot);
  SqliteJournal journal(s.path, JournalSync::normal);
  ASSERT_LT(snapshot + 5, session_length);
  // Views older than the engine's snapshot (stored events, then the tail), at it, newer than it
  // (part of the replayed tail is theirs already), and at the end.
  for (SeqNo views : {SeqNo(0), snapshot - 7, snapshot, snapshot + 5, session_length}) {
    SCOPED_TRACE("views at seq " + std::to_string(views));
    std::string expected;
    uint64_t stored = 0;
    journal.for_each_event_after(views, [&](const Event& e) {
      expected += serialize(std::span<const Event>(&e, 1));
      if (e.seq <= snapshot) ++stored;
      return true;
    });
    Exchange ex(SnapshotSession::spec());
    std::string seen;
    const RecoveryStats r = recover_exchange(
        journal, ex, SnapshotSession::spec(),
        [&](std::span<const Event> e) { seen += serialize(e); }, true, views);
    EXPECT_EQ(r.snapshot_seq, snapshot);
    EXPECT_EQ(r.stored_events, stored);
    EXPECT_TRUE(seen == expected)
        << "the edges saw other events than the journal's after their views";
    EXPECT_EQ(exchange_state_hash(ex), exchange_state_hash(*s.exchange));
  }
}

TEST_F(SnapshotTest, CorruptedSnapshotFallsBackToOlderThenToFullReplay) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  const uint64_t final_hash = exchange_state_hash(*s.exchange);
  const SeqNo newest = s.snapshots.back();
  const SeqNo older = s.snapshots[s.snapshots.size() - 2];
  // One byte flipped in the middle of the newest blob: its hash no longer matches.
  sql(snapshot_path_for(s.path),
      "UPDATE snapshots SET blob = substr(blob, 1, 100) || x'ff' || substr(blob, 102)"
      " WHERE seq = " +
          std::to_string(newest));
  {
    SqliteJournal journal(s.path, JournalSync::normal);
    Exchange ex(SnapshotSession::spec());
    const RecoveryStats r = recover_exchange(journal, ex, SnapshotSession::spec());
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("seq " + std::to_string(newest)), std::string::npos)
        << r.warnings[0];
    EXPECT_EQ(r.snapshot_seq, older);
    EXPECT_EQ(exchange_state_hash(ex), final_hash);
  }
  // Every snapshot unusable in a different way: undecodable with a matching hash (truncated,
  // hash recomputed), an unknown format version, a corrupt blob. Full replay.
  sql(snapshot_path_for(s.path),
      "DELETE FROM snapshots WHERE seq < " + std::to_string(s.snapshots[1]));
  {
    SnapshotStore store = open_snapshots(s.path);
    std::string blob = *store.read(s.snapshots[1]);
    blob.resize(blob.size() / 2);
    sql(snapshot_path_for(s.path),
        "DELETE FROM snapshots WHERE seq = " + std::to_string(s.snapshots[1]));
    store.write(blob, 0);
  }
  sql(snapshot_path_for(s.path),
      "UPDATE snapshots SET format_version = 99 WHERE seq = " + std::to_string(older));
  SqliteJournal journal(s.path, JournalSync::normal);
  Exchange ex(SnapshotSession::spec());
  const RecoveryStats r = recover_exchange(journal, ex, SnapshotSession::spec());
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_NE(r.warnings[1].find("format version 99"), std::string::npos) << r.warnings[1];
  EXPECT_NE(r.warnings[2].find("truncated"), std::string::npos) << r.warnings[2];
  EXPECT_EQ(r.snapshot_seq, 0u);
  EXPECT_EQ(r.replay.commands, session_length);
  EXPECT_EQ(exchange_state_hash(ex), final_hash);
}

TEST_F(SnapshotTest, SnapshotNewerThanTheJournalIsDeleted) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  const uint64_t final_hash = exchange_state_hash(*s.exchange);
  // The engine ran ahead of a commit that never happened, and snapshotted there.
  Exchange ahead(SnapshotSession::spec());
  {
    SqliteJournal journal(s.path, JournalSync::normal);
    replay_journal(journal, ahead);
  }
  std::vector<Event> events;
  for (SeqNo q = session_length + 1; q <= session_length + 10; ++q)
    ahead.process(
        Command{q, SnapshotSession::T0 + TimestampNs(q) * SnapshotSession::SEC, ClockTick{}},
        events);
  open_snapshots(s.path).write(encode_snapshot(ahead, session_length + 10), 0);

  SqliteJournal journal(s.path, JournalSync::normal);
  Exchange ex(SnapshotSession::spec());
  const RecoveryStats r = recover_exchange(journal, ex, SnapshotSession::spec());
  EXPECT_EQ(r.removed_newer, 1);
  EXPECT_EQ(r.snapshot_seq, s.snapshots.back());
  EXPECT_EQ(exchange_state_hash(ex), final_hash);
  EXPECT_EQ(open_snapshots(s.path).list().front().seq, s.snapshots.back());
}

TEST_F(SnapshotTest, SnapshotsAreNotKeptWhileSnapshotsAreOffEither) {
  // Restarted without snapshots, the venue reuses the numbers of a snapshot taken ahead of the
  // journal for other commands: that snapshot must not survive to a later restart with them.
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  Exchange ahead(SnapshotSession::spec());
  {
    SqliteJournal journal(s.path, JournalSync::normal);
    replay_journal(journal, ahead);
  }
  std::vector<Event> events;
  const SeqNo next = session_length + 1;
  ahead.process(
      Command{next, SnapshotSession::T0 + TimestampNs(next) * SnapshotSession::SEC, ClockTick{}},
      events);
  open_snapshots(s.path).write(encode_snapshot(ahead, session_length + 1), 0);
  SqliteJournal journal(s.path, JournalSync::normal);
  Exchange ex(SnapshotSession::spec());
  const RecoveryStats r = recover_exchange(journal, ex, SnapshotSession::spec(), {}, false);
  EXPECT_EQ(r.snapshot_seq, 0u);
  EXPECT_EQ(r.removed_newer, 1);
  EXPECT_EQ(open_snapshots(s.path).list().front().seq, s.snapshots.back());
}

TEST_F(SnapshotTest, SnapshotsOfAnotherJournalAreNotUsed) {
  JournaledSession s(dir.file("journal.db"));
  s.run(session_length);
  const uint64_t final_hash = exchange_state_hash(*s.exchange);
  const std::string original_id = SqliteJournal(s.path, JournalSync::normal).journal_id();
  EXPECT_EQ(original_id.size(), 32u);
  const auto expect_all_skipped = [&](const RecoveryStats& r) {
    EXPECT_EQ(r.snapshot_seq, 0u);
    EXPECT_EQ(r.replay.commands, session_length);
    ASSERT_EQ(r.warnings.size(), s.snapshots.size());
    for (const std::string& w : r.warnings)
      EXPECT_NE(w.find("another journal"), std::string::npos) << w;
  };

  // A backup restored beside the original's snapshot file (every connection is closed: the
  // file holds all of them). The copy is a journal of its own: full replay.
  const std::string copy = dir.file("restored.db");
  SqliteJournal::backup(s.path, copy);
  fs::copy_file(snapshot_path_for(s.path), snapshot_path_for(copy));
  {
    SqliteJournal journal(copy, JournalSync::normal);
    EXPECT_NE(journal.journal_id(), original_id);
    Exchange ex(SnapshotSession::spec());
    expect_all_skipped(recover_exchange(journal, ex, SnapshotSession::spec()));
    EXPECT_EQ(exchange_state_hash(ex), final_hash);
  }

  // The journal deleted and another history of the same length written in its place: the same
  // seqs hold other states, and the snapshot file is still there.
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(s.path + suffix);
  JournaledSession other(s.path, 4242);
  other.run(session_length, false);
  ASSERT_NE(exchange_state_hash(*other.exchange), final_hash);
  {
    SqliteJournal journal(s.path, JournalSync::normal);
    EXPECT_NE(journal.journal_id(), original_id);
    Exchange ex(SnapshotSession::spec());
    expect_all_skipped(recover_exchange(journal, ex, SnapshotSession::spec()));
    EXPECT_EQ(exchange_state_hash(ex), exchange_state_hash(*other.exchange));
    // The new journal's first snapshot replaces the other journal's.
    SnapshotStore store(snapshot_path_for(s.path), journal.journal_id());
    store.write(encode_snapshot(ex, session_length), 0);
    store.prune(2);
    const std::vector<SnapshotInfo> left = store.list();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].journal_id, journal.journal_id());
  }
}

TEST_F(SnapshotTest, SnapshotWriteNeverTakesTheJournalsWriteLock) {
  // SQLite allows one writer per database file. A snapshot's write transaction is held open on
  // the snapshot file; the journal must still take its own write lock at once and commit.
  const std::string path = dir.file("journal.db");
  ASSERT_EQ(snapshot_path_for(path), dir.file("journal.snapshots.db"));
  EXPECT_EQ(snapshot_path_for("/var/qd/journal"), "/var/qd/journal.snapshots.db");
  SqliteJournal journal(path, JournalSync::normal);
  Exchange ex(SnapshotSession::spec());
  SnapshotStore(snapshot_path_for(path), journal.journal_id()).write(encode_snapshot(ex, 0), 0);

  sqlite3* snap = nullptr;
  ASSERT_EQ(sqlite3_open(snapshot_path_for(path).c_str(), &snap), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(snap, "BEGIN IMMEDIATE; DELETE FROM snapshots", nullptr, nullptr, nullptr),
            SQLITE_OK);
  // Without waiting (busy timeout 0): the journal file's write lock is free.
  sqlite3* probe = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &probe), SQLITE_OK);
  sqlite3_busy_timeout(probe, 0);
  EXPECT_EQ(sqlite3_exec(probe, "BEGIN IMMEDIATE; ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(probe);
  sqlite3_close(probe);
  // And a real commit goes through while the snapshot's transaction is still open.
  std::vector<Event> events;
  const Command tick{1, SnapshotSession::T0, ClockTick{}};
  ex.process(tick, events);
  EXPECT_NO_THROW(journal.append(std::span(&tick, 1), events));
  EXPECT_EQ(journal.last_seq(), 1u);
  EXPECT_EQ(sqlite3_exec(snap, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(snap);
}

TEST_F(SnapshotTest, ConfigurationMismatchIsRefused) {
  JournaledSession s(dir.file("journal.db"));
  s.run(1600);
  ExchangeSpec other = SnapshotSession::spec();
  other.markets[1].symbol = "SOL-PERP";
  Exchange ex(other);
  EXPECT_THROW(restore_snapshot(ex, *open_snapshots(s.path).read(s.snapshots[0])), SnapshotError);
  ExchangeSpec no_risk = SnapshotSession::spec();
  no_risk.risk.clear();
  Exchange matching_only(no_risk);
  EXPECT_THROW(restore_snapshot(matching_only, *open_snapshots(s.path).read(s.snapshots[0])),
               SnapshotError);
}

TEST_F(SnapshotTest, ConfigOnlyChangesSinceTheSnapshotMeanFullReplay) {
  // A full replay runs all of history under the file's values: a snapshot holding other values
  // of what only the file sets is not used. Values config commands change are the snapshot's.
  JournaledSession s(dir.file("journal.db"));
  s.run(1600);
  const std::string blob = *open_snapshots(s.path).read(s.snapshots[0]);
  ExchangeSpec edited = SnapshotSession::spec();
  edited.risk[0].funding.margin_cap_bps = 5000;  // no command changes it
  Exchange a(edited);
  EXPECT_THROW(restore_snapshot(a, blob), SnapshotError);
  edited = SnapshotSession::spec();
  edited.markets[1].tick_size = Price(PRICE_PRECISION / 10);
  Exchange b(edited);
  EXPECT_THROW(restore_snapshot(b, blob), SnapshotError);
  edited = SnapshotSession::spec();
  edited.risk[1].taker_fee_ppm = 300;  // UpdateMarketParams sets it: the snapshot's value holds
  edited.markets[0].price_band_bps = 700;
  Exchange c(edited);
  EXPECT_NO_THROW(restore_snapshot(c, blob));
  Exchange d(SnapshotSession::spec());
  restore_snapshot(d, blob);
  EXPECT_EQ(exchange_state_hash(c), exchange_state_hash(d));
}

TEST_F(SnapshotTest, SequencerHookSnapshotsAtChunkBoundaries) {
  // The real pipeline: the engine thread snapshots through the hook while the commit thread
  // journals; each stored snapshot must be exactly the state after its seq.
  const std::string path = dir.file("journal.db");
  const ExchangeSpec spec = SnapshotSession::spec();
  {
    SqliteJournal journal(path, JournalSync::normal);
    Exchange ex(spec);
    SnapshotTakerOptions o;
    o.every_commands = 700;
    o.keep = 100;
    SnapshotTaker taker(journal, o);
    SequencerOptions so;
    so.max_batch = 32;
    TimestampNs t = SnapshotSession::T0;
    so.clock = [&t] { return t += SnapshotSession::SEC; };
    so.clock_tick_interval_ns = INT64_MAX / 4;
    so.after_chunk = [&](const Exchange& e, SeqNo seq) { taker.after_chunk(e, seq); };
    Sequencer seq(ex, &journal, so);
    seq.start();
    SnapshotSession session(9);
    for (int i = 0; i < 3000; ++i) {
      CommandBody body;
      seq.run_on_engine([&](const Exchange& e) { body = session.next(e); });
      while (!seq.try_submit(body)) std::this_thread::yield();
    }
    seq.stop();
    taker.flush();
  }
  SqliteJournal journal(path, JournalSync::normal);
  Exchange full(spec);
  replay_journal(journal, full);
  const std::vector<SnapshotInfo> snaps = open_snapshots(path).list();
  ASSERT_GE(snaps.size(), 3u);
  for (const SnapshotInfo& info : snaps) {
    SCOPED_TRACE("snapshot at seq " + std::to_string(info.seq));
    Exchange restored(spec);
    restore_snapshot(restored, *open_snapshots(path).read(info.seq));
    EXPECT_NO_THROW(replay_journal(journal, restored, {}, info.seq));
    EXPECT_EQ(exchange_state_hash(restored), exchange_state_hash(full));
  }
}

}  // namespace
}  // namespace qd::test
