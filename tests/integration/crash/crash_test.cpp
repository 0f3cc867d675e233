// kill -9 never loses or doubles anything acknowledged. The real `quantdesk` runs on a temporary
// config (durability sync) while two desks, four accounts between them, stream orders, cancels
// and replaces over FIX; the venue is SIGKILLed at random points and restarted on the same data
// directory each time; the desks reconnect and go on. At the end every ExecutionReport received
// is checked against the journal, each acked order against the `orders` table and a fresh
// OrderStatusRequest, the journal's own tables for duplicated fills, and a replay of the final
// journal for positions and money (journal_audit.hpp). Halfway through, `qdctl backup` takes an
// online copy of the journal; at the end a second quantdesk starts on that copy (disaster
// recovery) and its journal is audited the same way. Counts are printed.
//
// QD_CRASH_SEED=<n> replays one order stream and kill schedule (the timing of each kill relative
// to the venue's threads still varies); QD_KEEP_TEST_DIRS=1 keeps the data directory;
// QD_QUANTDESK_BIN=<path> runs another quantdesk build (a release one, or a deliberately broken
// one to see the test fail).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>

#include "core/decimal.hpp"
#include "fix/fix_time.hpp"
#include "fix/gateway.hpp"
#include "fix/initiator.hpp"
#include "tests/integration/crash/fix_recorder.hpp"
#include "tests/integration/crash/journal_audit.hpp"
#include "tests/integration/crash/venue_process.hpp"

#if !defined(QD_QUANTDESK_BIN) || !defined(QD_QDCTL_BIN)
#error \
    "QD_QUANTDESK_BIN and QD_QDCTL_BIN name the executables (tests/integration/crash/CMakeLists.txt)"
#endif

namespace qd::crash {
namespace {

using namespace std::chrono_literals;

constexpr int messages = 1200;  // orders, cancels and replaces sent in all
constexpr int kills = 5;

struct Desk {
  std::string sender, password;
  std::vector<std::string> accounts;
  std::unique_ptr<fix::Initiator> initiator;
};

/// What the desks know of their orders, from the reports they received.
struct ClientOrder {
  std::string session, account, cl_ord_id;  // latest ClOrdID (replaces change it)
  std::string first_cl;                     // the NewOrderSingle's
  char side = '1';
  bool open = true;
};

std::string now_text() {
  return fix::format_utc_timestamp(fix::wall_clock_ns(), 3);
}
std::string quantity(int lots) {
  return format_decimal(int64_t(lots) * 1'000'000, QTY_DECIMALS);
}
std::string price(int64_t tenths) {
  return format_decimal(tenths * 100'000, PRICE_DECIMALS);
}

FIX::Message message(const char* type) {
  FIX::Message m;
  m.getHeader().setField(35, type);
  return m;
}

/// Commands the seeded venue journals first: five deposits (four accounts and the insurance
/// fund) and the market's opening oracle reading.
bool wait_seeded(const std::string& journal, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (std::filesystem::exists(journal)) {
      try {
        const JournalReader r(journal);
        if (r.scalar(
                "SELECT count(*) FROM commands WHERE kind IN ('deposit', 'set_oracle_price')") >= 6)
          return true;
      } catch (const std::exception&) {
        // the venue is still creating the schema
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST(Crash, KillNineNeverLosesOrDoublesWhatWasAcknowledged) {
  const uint64_t seed =
      std::getenv("QD_CRASH_SEED") ? std::stoull(std::getenv("QD_CRASH_SEED")) : 20240101;
  std::mt19937_64 rng(seed);
  const auto [dir, port, data, journal, config] = make_venue_scratch("qd-crash-");
  const char* binary = quantdesk_binary();
  VenueProcess venue(binary, config, (dir / "quantdesk.log").string());
  std::printf("crash test: seed=%llu dir=%s port=%u quantdesk=%s\n", (unsigned long long)seed,
              dir.c_str(), unsigned(port), binary);

  venue.start();
  ASSERT_TRUE(wait_seeded(journal, 60s))
      << "the venue did not seed its journal; see " << (dir / "quantdesk.log");

  Recorder recorder;
  std::vector<Desk> desks;
  desks.push_back({"DESK_A", "desk-a-demo", {"DESK-A", "DESK-C"}, nullptr});
  desks.push_back({"DESK_B", "desk-b-demo", {"DESK-B", "DESK-D"}, nullptr});
  for (Desk& d : desks) {
    fix::InitiatorOptions o;
    o.port = port;
    o.sender_comp_id = d.sender;
    o.username = d.sender;
    o.password = d.password;
    o.dictionary_path = fix::default_dictionary_path();
    o.reconnect_interval_s = 1;
    d.initiator = std::make_unique<fix::Initiator>(o);
    const std::string sender = d.sender;
    d.initiator->set_callback(
        [&recorder, sender](const FIX::Message& m) { recorder.add(sender, m); });
    d.initiator->start();
  }
  auto wait_all_logged_on = [&] {
    for (Desk& d : desks)
      if (!d.initiator->wait_logged_on(60s)) return false;
    return true;
  };
  ASSERT_TRUE(wait_all_logged_on());

  // The kill schedule: distinct points in the stream, not in the first or last few messages;
  // the last one after the journal's first snapshot (1000 commands), so that restart starts
  // from the engine's and the edges' snapshots.
  std::set<int> kill_at{messages * 15 / 16};
  while (int(kill_at.size()) < kills)
    kill_at.insert(int(messages / 8 + rng() % (messages * 3 / 4)));
  int backup_at = messages / 2;
  while (kill_at.count(backup_at)) ++backup_at;
  const std::string backup = (dir / "backup" / "journal-copy.db").string();
  std::filesystem::create_directories(dir / "backup");
  int backup_status = -1;

  std::map<std::string, ClientOrder> orders;     // OrderID -> what the desk knows
  std::set<std::string> acked;                   // OrderIDs acknowledged with ExecType 0
  std::map<std::string, int64_t> last_seq_seen;  // OrderID -> highest engine seq reported
  std::map<std::string, Report> status_by_order, status_by_cl;
  std::set<std::string> new_orders_sent, answered;
  std::map<std::string, char> new_order_side;  // ClOrdID -> side, every NewOrderSingle sent
  uint64_t session_rejects = 0, order_rejects = 0, fills_seen = 0, not_sent = 0, restarts = 0;
  size_t cursor = 0;
  auto absorb = [&] {
    for (const Report& r : recorder.take(cursor)) {
      if (r.msg_type == "3") ++session_rejects;
      if (r.msg_type != "8") continue;
      if (!r.cl_ord_id.empty()) answered.insert(r.cl_ord_id);
      if (!r.orig_cl_ord_id.empty()) answered.insert(r.orig_cl_ord_id);
      if (r.exec_type == "I") {
        if (r.status_req_id.rfind("s", 0) == 0) status_by_order[r.status_req_id.substr(1)] = r;
        if (r.status_req_id.rfind("u", 0) == 0) status_by_cl[r.status_req_id.substr(1)] = r;
        continue;
      }
      if (r.exec_type == "8") ++order_rejects;
      if (r.order_id.empty() || r.order_id == "NONE") continue;
      if (r.from_engine()) {
        const int64_t seq = r.split_exec_id()->first;
        int64_t& last = last_seq_seen[r.order_id];
        last = std::max(last, seq);
      }
      ClientOrder& o = orders[r.order_id];
      if (r.exec_type == "0") {
        acked.insert(r.order_id);
        o.session = r.session;
        o.account = r.account;
        o.cl_ord_id = r.cl_ord_id;
        o.first_cl = r.cl_ord_id;
        o.side = r.side.empty() ? '1' : r.side[0];
      } else if (r.exec_type == "5") {
        o.cl_ord_id = r.cl_ord_id;
      } else if (r.exec_type == "F") {
        ++fills_seen;
        if (r.ord_status == "2") o.open = false;
      } else if (r.exec_type == "4" || r.exec_type == "C" || r.exec_type == "8") {
        o.open = false;
      }
    }
  };

  std::uniform_int_distribution<int> lots(1, 10), ticks(0, 20);
  for (int i = 0; i < messages; ++i) {
    if (kill_at.count(i)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 30));
      venue.kill9();
      venue.start();
      ++restarts;
      ASSERT_TRUE(wait_all_logged_on()) << "desks did not log on again after restart " << restarts;
      ASSERT_TRUE(venue.alive()) << "quantdesk refused to restart; see " << (dir / "quantdesk.log");
    }
    if (i == backup_at)  // while the desks keep trading
      backup_status = run_program({QD_QDCTL_BIN, "--config", config, "backup", backup},
                                  (dir / "qdctl.log").string());
    absorb();
    Desk& desk = desks[rng() % desks.size()];
    std::vector<std::string> mine;
    for (const auto& [id, o] : orders)
      if (o.open && o.session == desk.sender && acked.count(id)) mine.push_back(id);
    const int action = int(rng() % 100);
    const std::string cl = desk.sender + "-" + std::to_string(seed) + "-" + std::to_string(i);
    FIX::Message m;
    if (action < 65 || mine.empty()) {
      const bool buy = rng() % 2 == 0;
      // Buys from 49,999.0 up, sells from 50,001.0 down, 0.1 apart: about half of them cross.
      const int64_t px_tenths = buy ? 499990 + ticks(rng) : 500010 - ticks(rng);
      m = message("D");
      m.setField(11, cl);
      m.setField(1, desk.accounts[rng() % desk.accounts.size()]);
      m.setField(55, "BTC-PERP");
      m.setField(54, buy ? "1" : "2");
      m.setField(60, now_text());
      m.setField(38, quantity(lots(rng)));
      m.setField(40, "2");
      m.setField(44, price(px_tenths));
      m.setField(59, rng() % 10 == 0 ? "3" : "1");  // one in ten IOC
      new_orders_sent.insert(cl);
      new_order_side[cl] = buy ? '1' : '2';
    } else {
      const std::string id = mine[rng() % mine.size()];
      const ClientOrder& o = orders[id];
      const bool replace = action >= 85;
      m = message(replace ? "G" : "F");
      m.setField(11, cl);
      m.setField(41, o.cl_ord_id);
      m.setField(37, id);
      m.setField(1, o.account);
      m.setField(55, "BTC-PERP");
      m.setField(54, std::string(1, o.side));
      m.setField(60, now_text());
      if (replace) {
        const int64_t px_tenths = o.side == '1' ? 499990 + ticks(rng) : 500010 - ticks(rng);
        m.setField(38, quantity(10 + lots(rng)));  // above anything already filled
        m.setField(40, "2");
        m.setField(44, price(px_tenths));
      }
    }
    if (!desk.initiator->send(m)) ++not_sent;
    std::this_thread::sleep_for(2ms);
  }

  // Let the last answers arrive, then ask the venue for the state of every acked order (by
  // OrderID) and of every order never acked (by ClOrdID: it may or may not have been journaled).
  recorder.wait_quiet(1500ms, 30s);
  absorb();
  uint64_t unanswered = 0;  // no report at all before the status requests
  for (const std::string& cl : new_orders_sent) unanswered += answered.count(cl) ? 0 : 1;
  std::set<std::string> acked_first;
  for (const std::string& id : acked) acked_first.insert(orders[id].first_cl);
  size_t requests = 0;
  auto ask = [&](const std::string& session, FIX::Message& h) {
    for (Desk& d : desks)
      if (d.sender == session && d.initiator->send(h)) ++requests;
  };
  for (const std::string& id : acked) {
    const ClientOrder& o = orders[id];
    FIX::Message h = message("H");
    h.setField(37, id);
    h.setField(11, o.cl_ord_id);
    h.setField(790, "s" + id);
    h.setField(55, "BTC-PERP");
    h.setField(54, std::string(1, o.side));
    ask(o.session, h);
  }
  std::set<std::string> unacked;
  for (const auto& [cl, side] : new_order_side) {
    if (acked_first.count(cl)) continue;
    unacked.insert(cl);
    FIX::Message h = message("H");
    h.setField(11, cl);
    h.setField(790, "u" + cl);
    h.setField(55, "BTC-PERP");
    h.setField(54, std::string(1, side));
    ask(cl.substr(0, cl.find('-')), h);
  }
  recorder.wait_until(
      [&](const std::vector<Report>& all) {
        size_t n = 0;
        for (const Report& r : all) n += r.exec_type == "I" ? 1 : 0;
        return n >= requests;
      },
      60s);
  absorb();

  Audit audit;
  {
    const JournalReader reader(journal);  // read while the venue runs, as an operator does
    check_reports(recorder.all(), reader, audit);
    check_acked_orders(acked, status_by_order, last_seq_seen, reader, audit);
    check_unacked_orders(status_by_cl, reader, audit);
    check_tables(reader, audit);
  }
  for (Desk& d : desks) d.initiator->stop();
  EXPECT_EQ(venue.terminate(30s), 0) << "quantdesk did not stop cleanly";
  check_replay(config, journal, audit);

  // Disaster recovery: the online copy becomes the journal of a new venue elsewhere.
  EXPECT_EQ(backup_status, 0) << "qdctl backup failed; see " << (dir / "qdctl.log");
  Audit restored_audit;
  int64_t backup_seq = 0;
  if (backup_status == 0) {
    backup_seq = check_backup_prefix(journal, backup, restored_audit);
    const std::string restore_data = (dir / "restore").string();
    std::filesystem::create_directories(restore_data);
    std::filesystem::copy_file(backup, restore_data + "/journal.db");
    const uint16_t restore_port = free_port();
    const std::string restore_config = (dir / "restore.yaml").string();
    std::ofstream(restore_config) << crash_config(restore_port, restore_data);
    VenueProcess restored(binary, restore_config, (dir / "restore.log").string());
    restored.start();
    EXPECT_TRUE(wait_listening(restore_port, 60s))
        << "quantdesk did not start on the backup; see " << (dir / "restore.log");
    EXPECT_EQ(restored.terminate(30s), 0);
    check_replay(restore_config, restore_data + "/journal.db", restored_audit);
  }

  std::printf(
      "crash test: messages_sent=%d new_orders=%zu acked=%zu order_rejects=%llu unanswered=%llu "
      "not_sent=%llu kills=%d restarts=%llu venue_starts=%d fill_reports=%llu journal_fills=%llu "
      "trades=%llu exec_ids=%llu engine_reports_checked=%llu duplicate_deliveries=%llu "
      "status_checked=%llu "
      "stale_client_views=%llu unacked=%zu unacked_journaled=%llu unacked_absent=%llu "
      "session_rejects=%llu replayed_commands=%llu open_orders=%llu backup_seq=%lld "
      "restored_commands=%llu mismatches=%llu\n",
      messages, new_orders_sent.size(), acked.size(), (unsigned long long)order_rejects,
      (unsigned long long)unanswered, (unsigned long long)not_sent, kills,
      (unsigned long long)restarts, venue.starts(), (unsigned long long)fills_seen,
      (unsigned long long)audit.journal_fills, (unsigned long long)audit.trades,
      (unsigned long long)audit.exec_ids, (unsigned long long)audit.engine_reports,
      (unsigned long long)audit.duplicate_deliveries, (unsigned long long)audit.status_checked,
      (unsigned long long)audit.stale_client_views, unacked.size(),
      (unsigned long long)audit.unacked_journaled, (unsigned long long)audit.unacked_absent,
      (unsigned long long)session_rejects, (unsigned long long)audit.replayed_commands,
      (unsigned long long)audit.open_orders, (long long)backup_seq,
      (unsigned long long)restored_audit.replayed_commands,
      (unsigned long long)(audit.mismatches() + restored_audit.mismatches()));
  for (const auto& [symbol, sum] : audit.positions)
    std::printf("crash test: %s sum of positions = %lld (1e-9)\n", symbol.c_str(), (long long)sum);
  for (size_t k = 0; k < audit.problems.size() && k < 30; ++k) ADD_FAILURE() << audit.problems[k];
  for (size_t k = 0; k < restored_audit.problems.size() && k < 30; ++k)
    ADD_FAILURE() << "restored copy: " << restored_audit.problems[k];
  EXPECT_EQ(audit.mismatches(), 0u);
  EXPECT_EQ(restored_audit.mismatches(), 0u);
  EXPECT_GT(backup_seq, 0);
  EXPECT_EQ(restarts, uint64_t(kills));
  EXPECT_GT(acked.size(), size_t(messages / 3)) << "too few orders acked to judge anything";
  EXPECT_GT(audit.journal_fills, 0u);
  // Every acked order had at least its accepted report checked against the journal (a changed
  // ExecID format would otherwise silently skip every comparison).
  EXPECT_GE(audit.engine_reports, acked.size());
  EXPECT_EQ(audit.status_checked, acked.size());
  EXPECT_EQ(audit.unacked_journaled + audit.unacked_absent, unacked.size());
  if (!std::getenv("QD_KEEP_TEST_DIRS") && !HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qd::crash
