// Reports committed but never handed to QuickFIX reach the desk after kill -9
// (fix/report_recovery.hpp).
//
// The real `quantdesk` runs with the test hook QD_TEST_OUTBOX_DROP_DIR: while <dir>/DESK_A
// exists, DESK_A's outbox drops every message instead of handing it to QuickFIX, which is exactly
// what a process killed between the journal's commit and the message store leaves behind. DESK_A
// trades (accepts, a fill, a journaled OrderCancelReject), then the window opens and DESK_A sends
// a cancel, a cancel of an unknown order (journaled 9), a replace, two crossing orders (fills) and
// an OrderMassCancelRequest (r), all committed and none reported; the venue is SIGKILLed and
// restarted without the hook. After its Logon DESK_A must receive every report the journal holds
// for those commands exactly once, with the journal's ExecIDs, in journal order, as new messages
// (no PossDup), and nothing it had already received. DESK_B was logged out while its resting
// order filled: its report was stored, not sent, so it gets it by resend (PossDup=Y) once and
// the recovery must not add a second copy.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "core/decimal.hpp"
#include "engine/journal_reader.hpp"
#include "fix/fix_time.hpp"
#include "fix/gateway.hpp"
#include "fix/initiator.hpp"
#include "fix/report_recovery.hpp"
#include "tests/integration/crash/fix_recorder.hpp"
#include "tests/integration/crash/venue_process.hpp"

#ifndef QD_QUANTDESK_BIN
#error "QD_QUANTDESK_BIN names the executable (tests/integration/crash/CMakeLists.txt)"
#endif

namespace qd::crash {
namespace {

using namespace std::chrono_literals;

FIX::Message order(const std::string& cl, const std::string& account, char side, int lots,
                   int64_t price_tenths) {
  FIX::Message m;
  m.getHeader().setField(35, "D");
  m.setField(11, cl);
  m.setField(1, account);
  m.setField(55, "BTC-PERP");
  m.setField(54, std::string(1, side));
  m.setField(60, fix::format_utc_timestamp(fix::wall_clock_ns(), 3));
  m.setField(38, format_decimal(int64_t(lots) * 1'000'000, QTY_DECIMALS));
  m.setField(40, "2");
  m.setField(44, format_decimal(price_tenths * 100'000, PRICE_DECIMALS));
  m.setField(59, "1");
  return m;
}

FIX::Message cancel(const std::string& cl, const std::string& orig, const std::string& account,
                    char side) {
  FIX::Message m;
  m.getHeader().setField(35, "F");
  m.setField(11, cl);
  m.setField(41, orig);
  m.setField(1, account);
  m.setField(55, "BTC-PERP");
  m.setField(54, std::string(1, side));
  m.setField(60, fix::format_utc_timestamp(fix::wall_clock_ns(), 3));
  return m;
}

/// The message type the owner session gets for a journaled event ("" when none), and whether
/// the event belongs to DESK_A (session 1 of crash_config).
std::string report_type(const Event& e) {
  return std::visit(
      [](const auto& b) -> std::string {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, CancelRejected>)
          return "9";
        else if constexpr (std::is_same_v<T, MassCancelDone>)
          return b.client_id.empty() ? "" : "r";
        else if constexpr (requires { b.order.origin; })
          return "8";
        else
          return "";
      },
      e.body);
}
SessionId event_session(const Event& e) {
  return std::visit(
      [](const auto& b) -> SessionId {
        if constexpr (requires { b.order.origin; })
          return b.order.origin.session;
        else if constexpr (requires { b.origin; })
          return b.origin.session;
        else
          return 0;
      },
      e.body);
}

std::vector<Event> journal_events(const std::string& journal) {
  const JournalReader reader(journal);
  std::vector<Event> all;
  ExecId after{0, 0};
  for (;;) {
    std::vector<Event> page = reader.events_after(after, 5000);
    if (page.empty()) return all;
    after = page.back().exec_id();
    all.insert(all.end(), page.begin(), page.end());
  }
}

/// The journal position a received report carries: ExecID of an 8, OrderID of an r.
std::string position_of(const Report& r) {
  if (r.msg_type == "8" && r.from_engine()) return r.exec_id;
  if (r.msg_type == "r") return r.order_id;
  return "";
}
std::pair<int64_t, int64_t> split(const std::string& pos) {
  const size_t dot = pos.find('.');
  return {std::stoll(pos.substr(0, dot)), std::stoll(pos.substr(dot + 1))};
}

FIX::Message venue_message(const char* type, std::initializer_list<std::pair<int, std::string>> f) {
  FIX::Message m;
  m.getHeader().setField(8, "FIX.4.4");
  m.getHeader().setField(35, type);
  m.getHeader().setField(49, "QUANTDESK");
  m.getHeader().setField(56, "DESK_A");
  m.getHeader().setField(52, "20261126-01:00:00.000");
  for (const auto& [tag, value] : f) m.setField(tag, value);
  return m;
}

Event event_at(SeqNo seq, uint32_t index, TimestampNs ts = 0) {
  Event e;
  e.seq = seq;
  e.index = index;
  e.ts = ts;
  return e;
}

TEST(ReportRecovery, JournalPositionsAreReadFromWhatTheEncoderWrites) {
  using fix::report_position;
  using fix::ReportPosition;
  EXPECT_EQ(report_position(venue_message("8", {{17, "12.3"}})), (ReportPosition{{12, 3}, 0}));
  EXPECT_EQ(report_position(venue_message("8", {{17, "12.3-1"}})), (ReportPosition{{12, 3}, 1}));
  EXPECT_EQ(report_position(venue_message("r", {{37, "7.0"}})), (ReportPosition{{7, 0}, 0}));
  // The gateway's own ExecIDs, a rejected mass cancel, malformed values, messages without one.
  for (const char* id : {"G1764115200000-4", "12.", ".3", "12.3-", "12.3-x", "12.3.4", "", "1 2.3"})
    EXPECT_FALSE(report_position(venue_message("8", {{17, id}}))) << id;
  EXPECT_FALSE(report_position(venue_message("r", {{37, "NONE"}})));
  EXPECT_FALSE(report_position(venue_message("r", {{37, "7.0-1"}})));
  EXPECT_FALSE(report_position(venue_message("9", {{37, "5"}, {11, "X"}})));
  EXPECT_FALSE(report_position(venue_message("j", {{45, "3"}})));
}

TEST(ReportRecovery, TheStoreSaysUpToWhichPositionReportsWereHandedOver) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("qd-recovery-store-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const FIX::SessionID id("FIX.4.4", "QUANTDESK", "DESK_A");
  EXPECT_FALSE(fix::read_store_cursor(dir.string(), id).usable) << "no store: nothing to judge";

  const FIX::Message reject_x = venue_message("9", {{11, "X"}, {41, "ghost"}, {37, "NONE"}});
  const FIX::Message reject_y = venue_message("9", {{11, "Y"}, {41, "ghost"}, {37, "NONE"}});
  {
    FIX::FileStore store(dir.string(), id);
    int seq = 0;
    auto put = [&](FIX::Message m) {
      m.getHeader().setField(34, std::to_string(++seq));
      store.set(seq, m.toString());
    };
    put(venue_message("8", {{17, "9.0"}}));
    put(venue_message("9", {{11, "old"}, {41, "ghost"}, {37, "NONE"}}));  // before the cursor
    put(venue_message("8", {{17, "10.1-1"}}));
    put(reject_x);
    put(venue_message("8", {{17, "G1-1"}}));  // a status answer
    put(reject_y);
    put(venue_message("0", {}));  // session messages carry nothing
    store.setNextSenderMsgSeqNum(seq + 1);
  }
  const fix::StoreCursor c = fix::read_store_cursor(dir.string(), id);
  EXPECT_TRUE(c.usable);
  ASSERT_TRUE(c.last);
  EXPECT_EQ(*c.last, (fix::ReportPosition{{10, 1}, 1}));
  EXPECT_EQ(c.later_cancel_rejects,
            (std::vector<std::string>{fix::body_text(reject_x), fix::body_text(reject_y)}));
  EXPECT_EQ(c.messages_read, 5u);
  EXPECT_GT(c.created_ns, 0);
  std::filesystem::remove_all(dir);
}

TEST(ReportRecovery, KeepsExactlyTheReportsTheStoreLacks) {
  const FIX::Message stored_reject = venue_message("9", {{11, "X1"}, {41, "ghost-1"}});
  const FIX::Message inline_reject = venue_message("9", {{11, "Z"}, {41, "A1"}, {102, "1"}});
  fix::StoreCursor c;
  c.usable = true;
  c.last = fix::ReportPosition{{10, 1}, 0};
  c.later_cancel_rejects = {fix::body_text(inline_reject), fix::body_text(stored_reject)};
  fix::ReportRecovery r(c);
  EXPECT_FALSE(r.may_lack(event_at(9, 4)));
  EXPECT_TRUE(r.may_lack(event_at(10, 1)));  // a later part of the stored event may be missing
  r.offer(event_at(10, 1), venue_message("8", {{17, "10.1"}}));                 // stored
  r.offer(event_at(10, 2), venue_message("9", {{11, "X1"}, {41, "ghost-1"}}));  // stored 9
  r.offer(event_at(11, 0), venue_message("8", {{17, "11.0"}}));                 // lost
  r.offer(event_at(12, 0), venue_message("9", {{11, "X1"}, {41, "ghost-1"}}));  // lost: after 11.0
  r.offer(event_at(13, 0), venue_message("r", {{37, "13.0"}}));                 // lost
  ASSERT_EQ(r.missing(), 3u);
  const std::vector<FIX::Message> kept = r.take();
  EXPECT_EQ(kept[0].getField(17), "11.0");
  EXPECT_EQ(kept[1].getField(11), "X1");
  EXPECT_EQ(kept[2].getField(37), "13.0");

  // A 9 the store does not hold stops the matching: everything after it was lost too.
  fix::ReportRecovery lost_first(c);
  lost_first.offer(event_at(11, 0), venue_message("9", {{11, "X9"}, {41, "ghost-9"}}));
  lost_first.offer(event_at(12, 0), venue_message("9", {{11, "X1"}, {41, "ghost-1"}}));
  EXPECT_EQ(lost_first.missing(), 2u);

  // A reset store without reports: events from its creation on.
  fix::StoreCursor fresh;
  fresh.usable = true;
  fresh.created_ns = 5'000'000'000;
  fix::ReportRecovery since_reset(fresh);
  EXPECT_FALSE(since_reset.may_lack(event_at(3, 0, 4'999'999'999)));
  EXPECT_TRUE(since_reset.may_lack(event_at(4, 0, 5'000'000'000)));
  since_reset.offer(event_at(3, 0, 4'999'999'999), venue_message("8", {{17, "3.0"}}));
  since_reset.offer(event_at(4, 0, 5'000'000'000), venue_message("8", {{17, "4.0"}}));
  EXPECT_EQ(since_reset.missing(), 1u);
}

TEST(ReportRecovery, CommittedReportsNeverSentReachTheDeskOnceAfterKillNine) {
  const auto [dir, port, data, journal, config] = make_venue_scratch("qd-recovery-");
  std::filesystem::create_directories(dir / "drop");
  const char* binary = quantdesk_binary();
  VenueProcess venue(binary, config, (dir / "quantdesk.log").string());
  venue.set_env({"QD_TEST_OUTBOX_DROP_DIR=" + (dir / "drop").string()});
  std::printf("report recovery test: dir=%s port=%u\n", dir.c_str(), unsigned(port));
  venue.start();
  ASSERT_TRUE(wait_listening(port, 60s)) << "see " << (dir / "quantdesk.log");

  Recorder rec;
  auto desk = [&](const std::string& sender, const std::string& password,
                  const std::string& store) {
    fix::InitiatorOptions o;
    o.port = port;
    o.sender_comp_id = sender;
    o.username = sender;
    o.password = password;
    o.dictionary_path = fix::default_dictionary_path();
    o.reconnect_interval_s = 1;
    o.store_path = store;
    auto d = std::make_unique<fix::Initiator>(o);
    d->set_callback([&rec, sender](const FIX::Message& m) { rec.add(sender, m); });
    d->start();
    return d;
  };
  // DESK_A keeps its sequence numbers in memory across the venue's restart; DESK_B in files,
  // because it logs out and a new initiator logs on again.
  auto desk_a = desk("DESK_A", "desk-a-demo", "");
  auto desk_b = desk("DESK_B", "desk-b-demo", (dir / "desk-b-store").string());
  ASSERT_TRUE(desk_a->wait_logged_on(60s));
  ASSERT_TRUE(desk_b->wait_logged_on(60s));

  auto has = [&](const std::string& session, const std::string& cl, const std::string& type,
                 const std::string& exec_type) {
    return rec.wait_until(
        [&](const std::vector<Report>& all) {
          return std::any_of(all.begin(), all.end(), [&](const Report& r) {
            return r.session == session && r.cl_ord_id == cl && r.msg_type == type &&
                   (exec_type.empty() || r.exec_type == exec_type);
          });
        },
        30s);
  };
  auto send = [](fix::Initiator& d, FIX::Message m) { ASSERT_TRUE(d.send(m)); };

  // 1. Delivered: two resting bids of DESK_A, one offer of DESK_B.
  send(*desk_a, order("A1", "DESK-A", '1', 1, 499900));
  send(*desk_a, order("A2", "DESK-A", '1', 1, 499910));
  send(*desk_b, order("B1", "DESK-B", '2', 1, 500100));
  ASSERT_TRUE(has("DESK_A", "A1", "8", "0"));
  ASSERT_TRUE(has("DESK_A", "A2", "8", "0"));
  ASSERT_TRUE(has("DESK_B", "B1", "8", "0"));

  // 2. DESK_B logs out; DESK_A lifts its offer: DESK_B's fill is stored for resend, not sent.
  desk_b->stop();
  desk_b.reset();
  send(*desk_a, order("A3", "DESK-A", '1', 1, 500100));
  ASSERT_TRUE(has("DESK_A", "A3", "8", "F"));
  // A journaled OrderCancelReject (unknown order: the engine answers it), delivered.
  send(*desk_a, cancel("X1", "ghost-1", "DESK-A", '1'));
  ASSERT_TRUE(has("DESK_A", "X1", "9", ""));
  const std::string store_b = data + "/fix/store/FIX.4.4-QUANTDESK-DESK_B.body";
  auto stored_fill_b = [&] {
    std::ifstream in(store_b);
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return body.find("\001150=F\001") != std::string::npos;
  };
  for (int i = 0; i < 300 && !stored_fill_b(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(stored_fill_b()) << "DESK_B's fill never reached its message store " << store_b;

  // 3. The window: DESK_A's reports are committed and never handed to QuickFIX.
  std::ofstream(dir / "drop" / "DESK_A") << "drop\n";
  size_t before_window = rec.all().size();
  send(*desk_a, cancel("A1c", "A1", "DESK-A", '1'));
  send(*desk_a, cancel("X2", "ghost-2", "DESK-A", '1'));
  {
    FIX::Message g = order("A2r", "DESK-A", '1', 2, 499920);
    g.getHeader().setField(35, "G");
    g.setField(41, "A2");
    send(*desk_a, g);
  }
  send(*desk_a, order("C5", "DESK-C", '2', 1, 500200));
  send(*desk_a, order("A6", "DESK-A", '1', 1, 500200));
  {
    FIX::Message q;
    q.getHeader().setField(35, "q");
    q.setField(11, "MC1");
    q.setField(530, "7");
    q.setField(1, "DESK-A");
    q.setField(60, fix::format_utc_timestamp(fix::wall_clock_ns(), 3));
    send(*desk_a, q);
  }
  auto mass_cancel_journaled = [&] {
    for (const Event& e : journal_events(journal))
      if (const auto* m = std::get_if<MassCancelDone>(&e.body); m && m->client_id.view() == "MC1")
        return true;
    return false;
  };
  for (int i = 0; i < 300 && !mass_cancel_journaled(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(mass_cancel_journaled());
  std::this_thread::sleep_for(300ms);  // anything that was going to arrive, arrives
  {
    const std::vector<Report> all = rec.all();
    for (size_t i = before_window; i < all.size(); ++i)
      ASSERT_NE(all[i].session, "DESK_A")
          << "the test hook let a report through: " << all[i].msg_type << " " << all[i].exec_id;
  }

  // 4. kill -9, restart without the hook; both desks log on again.
  venue.kill9();
  const std::vector<Event> events = journal_events(journal);
  ASSERT_FALSE(events.empty());
  const ExecId last_before_kill = events.back().exec_id();
  const size_t before_restart = rec.all().size();
  std::string last_a;  // DESK_A's highest journal position received
  for (const Report& r : rec.all())
    if (r.session == "DESK_A" && !position_of(r).empty() &&
        (last_a.empty() || split(position_of(r)) > split(last_a)))
      last_a = position_of(r);
  ASSERT_FALSE(last_a.empty());
  std::vector<std::string> expected;  // DESK_A's positioned reports the window swallowed
  for (const Event& e : events) {
    if (event_session(e) != 1) continue;
    const std::string type = report_type(e);
    const std::string pos = std::to_string(e.seq) + "." + std::to_string(e.index);
    if ((type == "8" || type == "r") && split(pos) > split(last_a)) expected.push_back(pos);
  }
  ASSERT_GE(expected.size(), 8u) << "cancel, replace, 2 accepts, 2 fills, mass cancel's cancel, r";

  const int logons_a = desk_a->logons();
  std::filesystem::remove(dir / "drop" / "DESK_A");
  venue.set_env({});
  venue.start();
  ASSERT_TRUE(wait_listening(port, 60s)) << "see " << (dir / "quantdesk.log");
  desk_b = desk("DESK_B", "desk-b-demo", (dir / "desk-b-store").string());
  for (int i = 0; i < 600 && desk_a->logons() == logons_a; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_GT(desk_a->logons(), logons_a);
  ASSERT_TRUE(desk_b->wait_logged_on(60s));
  rec.wait_until(
      [&](const std::vector<Report>& all) {
        size_t n = 0;
        for (size_t i = before_restart; i < all.size(); ++i)
          n += all[i].session == "DESK_A" && !position_of(all[i]).empty() ? 1 : 0;
        return n >= expected.size();
      },
      30s);
  rec.wait_quiet(1500ms, 20s);

  // What DESK_A received after the restart: exactly the missing reports, in journal order, as
  // new messages; the journaled 9 of the window once; the one it had before not again.
  const std::vector<Report> all = rec.all();
  std::vector<std::string> got;
  int x1 = 0, x2 = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const Report& r = all[i];
    if (r.session != "DESK_A") continue;
    if (r.msg_type == "9" && r.cl_ord_id == "X1") ++x1;
    if (r.msg_type == "9" && r.cl_ord_id == "X2") {
      ++x2;
      EXPECT_GE(i, before_restart);
      EXPECT_FALSE(r.poss_dup);
    }
    if (i < before_restart) continue;
    const std::string pos = position_of(r);
    if (pos.empty()) continue;
    EXPECT_FALSE(r.poss_dup) << pos << ": a report never sent before is not a possible duplicate";
    if (split(pos) <= std::pair{int64_t(last_before_kill.seq), int64_t(last_before_kill.index)})
      got.push_back(pos);
  }
  EXPECT_EQ(got, expected) << "DESK_A's reports after the restart (journal order, each once)";
  EXPECT_EQ(x1, 1) << "the OrderCancelReject stored before the crash was sent again";
  EXPECT_EQ(x2, 1) << "the OrderCancelReject lost in the crash";

  // Nobody received any journal position twice; DESK_B got its stored fill by resend, once.
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const Report& r : all)
    if (!position_of(r).empty()) ++seen[{r.session, position_of(r)}];
  for (const auto& [key, n] : seen)
    EXPECT_EQ(n, 1) << key.first << " received " << key.second << " " << n << " times";
  int b_fills = 0;
  for (size_t i = before_restart; i < all.size(); ++i)
    if (all[i].session == "DESK_B" && all[i].msg_type == "8" && all[i].exec_type == "F") {
      ++b_fills;
      EXPECT_TRUE(all[i].poss_dup) << "DESK_B's fill was stored before the crash: a resend";
    }
  EXPECT_EQ(b_fills, 1);

  std::printf("report recovery test: last_received=%s expected=%zu recovered=%zu b_fills=%d\n",
              last_a.c_str(), expected.size(), got.size(), b_fills);
  desk_a->stop();
  desk_b->stop();
  EXPECT_EQ(venue.terminate(30s), 0);
  if (!std::getenv("QD_KEEP_TEST_DIRS") && !HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qd::crash
