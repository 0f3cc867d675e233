// Drop copy end to end: the real venue, real QuickFIX initiators for two trading desks and the
// COMPLIANCE drop-copy session (all accounts) over loopback.
#include <gtest/gtest.h>

#include "tests/integration/dropcopy/drop_copy_harness.hpp"

namespace qd::fix::test {
namespace {

class DropCopy : public ::testing::Test {
 protected:
  void SetUp() override { connect_desks(); }
  void TearDown() override { stop_all({a_.get(), b_.get(), dc_.get()}); }

  void connect_desks() {
    a_ = v_.connect("DESK_A");
    b_ = v_.connect("DESK_B");
    ia_ = std::make_unique<Inbox>(*a_);
    ib_ = std::make_unique<Inbox>(*b_);
  }
  void stop_desks() {
    stop_all({a_.get(), b_.get()});
    ia_.reset();
    ib_.reset();
    a_.reset();
    b_.reset();
  }
  /// COMPLIANCE with a file store that survives reconnects (sequence numbers continue).
  InitiatorOptions dc_options(bool reset = false) {
    InitiatorOptions o = v_.options("COMPLIANCE");
    o.store_path = v_.dir() + "/compliance-store";
    o.reset_on_logon = reset;
    return o;
  }
  void connect_dc(bool reset = false) {
    dc_ = v_.connect(dc_options(reset));
    idc_ = std::make_unique<Inbox>(*dc_);
  }
  void disconnect_dc() {
    dc_->stop(true);
    dc_.reset();
    idc_.reset();
    // The venue notices the Logout before the next events are published.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (v_.gateway().is_logged_on("COMPLIANCE") && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
    ASSERT_FALSE(v_.gateway().is_logged_on("COMPLIANCE"));
  }
  void scenario(const std::string& tag) {
    ASSERT_NO_FATAL_FAILURE(trade_scenario(*a_, *ia_, *b_, *ib_, tag));
    ia_->drain(100ms);
    ib_->drain(100ms);
  }
  /// Waits until the venue recorded the desk's confirmation (Heartbeat to its TestRequest) of
  /// every copy up to `exec_id`.
  bool wait_acked(const std::string& exec_id) {
    const ExecId want = *parse_exec_id(exec_id);
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = query(v_.dir() + "/drop_copy.db",
                     "SELECT seq || '.' || idx FROM drop_copy_acks WHERE session = 'COMPLIANCE'");
      if (!r.empty() && *parse_exec_id(r[0][0]) >= want) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  std::vector<std::pair<std::string, Inbox*>> owners() {
    return {{"DESK_A", ia_.get()}, {"DESK_B", ib_.get()}};
  }

  VenueHarness v_;
  std::unique_ptr<Initiator> a_, b_, dc_;
  std::unique_ptr<Inbox> ia_, ib_, idc_;
};

TEST_F(DropCopy, SeesEveryOrderEventWithTheOwnersExecIdsAndClOrdIds) {
  connect_dc();
  scenario("live");
  auto copies = expect_copies(*idc_, owners());
  // new, 2 fills, replace, cancel, engine reject: at least seven events, all copied live.
  EXPECT_GE(copies.size(), 7u);
  std::set<std::string> exec_types;
  for (const auto& [id, m] : copies) {
    EXPECT_EQ(field(m, 97), "") << "a live copy is not a resend: " << id;
    exec_types.insert(field(m, 150));
  }
  EXPECT_EQ(exec_types, (std::set<std::string>{"0", "F", "5", "4", "8"}));
}

TEST_F(DropCopy, MissedEventsArriveFlaggedPossResendAfterReconnect) {
  connect_dc();
  FIX::Message m = limit("before", '1', "0.1", "49000");
  ASSERT_TRUE(a_->send(m));
  ASSERT_TRUE(ia_->wait(er("before", '0')));
  ASSERT_TRUE(idc_->wait(er("before", '0')));
  EXPECT_EQ(field(idc_->all().back(), 97), "");
  disconnect_dc();
  ia_->all().clear();
  scenario("missed");
  connect_dc();
  // Only what happened while away; the order acknowledged before is not sent again.
  auto copies = expect_copies(*idc_, owners());
  for (const auto& [id, c] : copies) {
    EXPECT_NE(field(c, 11), "before") << "sent twice: " << id;
    EXPECT_EQ(field(c, 97), "Y") << "missed event without PossResend: " << id;
  }
  // New events after the catch-up are live again.
  idc_->all().clear();
  m = limit("after", '1', "0.1", "49000");
  ASSERT_TRUE(a_->send(m));
  ASSERT_TRUE(idc_->wait(er("after", '0')));
  EXPECT_EQ(field(idc_->all().back(), 97), "");
}

TEST_F(DropCopy, ResetSeqNumLogonStillResumesFromTheCursor) {
  connect_dc(true);
  FIX::Message m = limit("seen", '1', "0.1", "49000");
  ASSERT_TRUE(a_->send(m));
  ASSERT_TRUE(ia_->wait(er("seen", '0')));
  ASSERT_TRUE(idc_->wait(er("seen", '0')));
  ASSERT_TRUE(wait_acked(field(idc_->all().back(), 17)));
  disconnect_dc();
  ia_->all().clear();
  scenario("reset");
  connect_dc(true);  // 141=Y: QuickFIX's store on both sides starts over
  auto copies = expect_copies(*idc_, owners());
  EXPECT_GE(copies.size(), 7u);
  for (const auto& [id, c] : copies) {
    EXPECT_NE(field(c, 11), "seen") << "sent twice: " << id;
    EXPECT_EQ(field(c, 97), "Y") << id;
  }
}

TEST_F(DropCopy, CopiesTheDeskNeverConfirmedComeAgainAfterAResetLogon) {
  FIX::Message m = limit("unconfirmed", '1', "0.1", "49000");
  ASSERT_TRUE(a_->send(m));
  ASSERT_TRUE(ia_->wait(er("unconfirmed", '0')));
  {
    // A desk that reads the copy off the socket but dies before processing it (it never
    // answers the venue's TestRequest).
    RawConnection raw(v_.port());
    ASSERT_TRUE(raw.send(frame(
        "35=A|34=1|49=COMPLIANCE|52=" + now_text() +
        "|56=QUANTDESK|98=0|108=30|141=Y|553=COMPLIANCE|554=" + password_of("COMPLIANCE") + "|")));
    std::string got = raw.read_until(soh("|11=unconfirmed|"), 5s);
    ASSERT_NE(got.find(soh("|11=unconfirmed|")), std::string::npos) << got;
  }
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (v_.gateway().is_logged_on("COMPLIANCE") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  // 141=Y wipes QuickFIX's store: only the venue's confirmed cursor can bring the copy back.
  connect_dc(true);
  ASSERT_TRUE(idc_->wait(er("unconfirmed", '0')));
  EXPECT_EQ(field(idc_->all().back(), 97), "Y");
}

TEST_F(DropCopy, DeskCursorInLogonReplaysFromThere) {
  connect_dc();
  scenario("one");
  auto first = expect_copies(*idc_, owners());
  ASSERT_GE(first.size(), 7u);
  disconnect_dc();

  // From the start of the journal: every copy again, same ExecIDs, PossResend.
  auto all = std::make_unique<CursorInitiator>(dc_options(), "0");
  all->start();
  ASSERT_TRUE(all->wait_logged_on(10s));
  Inbox iall(*all);
  auto again = expect_copies(iall, owners());
  EXPECT_EQ(again.size(), first.size());
  for (const auto& [id, c] : again) EXPECT_EQ(field(c, 97), "Y") << id;
  all->stop(true);
  all.reset();

  // After the third copy: only the ones after it.
  auto third = std::next(first.begin(), 2);
  ExecId cursor = *parse_exec_id(third->first);
  auto from = std::make_unique<CursorInitiator>(dc_options(), third->first);
  from->start();
  ASSERT_TRUE(from->wait_logged_on(10s));
  Inbox ifrom(*from);
  ifrom.wait([](const FIX::Message&) { return false; }, 1s);
  ifrom.drain(300ms);
  std::set<std::string> got;
  for (const FIX::Message& c : ifrom.copies()) {
    EXPECT_GT(*parse_exec_id(field(c, 17)), cursor) << field(c, 17);
    got.insert(field(c, 17));
  }
  std::set<std::string> want;
  for (const auto& [id, _] : first)
    if (*parse_exec_id(id) > cursor) want.insert(id);
  EXPECT_EQ(got, want);
  from->stop(true);
}

TEST_F(DropCopy, MalformedCursorRefusesTheLogon) {
  auto bad = std::make_unique<CursorInitiator>(dc_options(), "yesterday");
  bad->start();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (bad->last_logout_text().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(bad->last_logout_text().find("DropCopyResumeAfter (20031)"), std::string::npos)
      << bad->last_logout_text();
  EXPECT_EQ(bad->logons(), 0);
  bad->stop(true);
}

TEST_F(DropCopy, EventsWhileTheVenueWasDownAreDelivered) {
  connect_dc();
  scenario("up");
  auto first = expect_copies(*idc_, owners());
  disconnect_dc();
  ia_->all().clear();
  ib_->all().clear();
  // Missed before the restart (the desks' Logout cancels their open orders, too).
  std::map<std::string, FIX::Message> seen = first;
  scenario("before-restart");
  FIX::Message open = limit("left-open", '1', "0.1", "49000");
  ASSERT_TRUE(a_->send(open));
  ASSERT_TRUE(ia_->wait(er("left-open", '0')));
  std::map<std::string, FIX::Message> owner_a = ia_->engine_reports();
  std::map<std::string, FIX::Message> owner_b = ib_->engine_reports();
  stop_desks();
  v_.restart();  // a new Venue and Gateway on the same journal and cursor file
  connect_desks();
  scenario("after-restart");
  connect_dc();
  // Every owner report since the drop copy left, from both sides of the restart.
  for (auto& [id, m] : ia_->engine_reports()) owner_a.emplace(id, m);
  for (auto& [id, m] : ib_->engine_reports()) owner_b.emplace(id, m);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto missing = [&] {
    std::set<std::string> got;
    for (const FIX::Message& c : idc_->copies()) got.insert(field(c, 17));
    size_t n = 0;
    for (auto* owner : {&owner_a, &owner_b})
      for (const auto& [id, _] : *owner) n += got.count(id) ? 0 : 1;
    return n;
  };
  while (missing() > 0 && std::chrono::steady_clock::now() < deadline)
    idc_->wait([](const FIX::Message&) { return false; }, 100ms);
  idc_->drain(300ms);
  {
    std::set<std::string> got;
    for (const FIX::Message& c : idc_->copies()) got.insert(field(c, 17));
    for (auto* owner : {&owner_a, &owner_b})
      for (const auto& [id, m] : *owner)
        if (!got.count(id))
          ADD_FAILURE() << "no copy of " << id << " (ClOrdID " << field(m, 11) << ")";
  }
  std::set<std::string> ids;
  for (const FIX::Message& c : idc_->copies()) {
    const std::string id = field(c, 17);
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    EXPECT_EQ(seen.count(id), 0u) << "already delivered before: " << id;
    EXPECT_EQ(field(c, 97), "Y") << id;
    auto owner = owner_a.count(id) ? owner_a.find(id) : owner_b.find(id);
    if (owner != owner_b.end() && owner != owner_a.end()) {
      EXPECT_EQ(field(c, 11), field(owner->second, 11)) << id;
      EXPECT_EQ(field(c, 150), field(owner->second, 150)) << id;
    }
  }
  // The desks' Logout before the restart cancelled their open orders: copied too (cause 7).
  bool cod = false;
  for (const FIX::Message& c : idc_->copies())
    cod = cod || (field(c, 150) == "4" && field(c, tag::CancelCause) == "7");
  EXPECT_TRUE(cod);
}

TEST_F(DropCopy, DropCopySessionCannotTradeAndNoOrderExists) {
  connect_dc();
  FIX::Message d = limit("dc-order", '1', "1", "50000");
  d.setField(1, "DESK-A");
  ASSERT_TRUE(dc_->send(d));
  ASSERT_TRUE(idc_->wait(type_is("j")));
  FIX::Message j;
  for (const FIX::Message& m : idc_->all())
    if (field(m, 35) == "j") j = m;
  EXPECT_EQ(field(j, 380), "6");
  EXPECT_EQ(field(j, 372), "D");
  EXPECT_EQ(field(j, 379), "dc-order");
  EXPECT_EQ(field(j, 58), "MsgType D not permitted on a drop_copy session");
  v_.gateway().flush_outbound();
  EXPECT_EQ(v_.gateway().stats().commands_submitted, 0u);
  idc_->drain(300ms);
  EXPECT_TRUE(idc_->copies().empty());
  auto orders = query(v_.config().journal.path, "SELECT COUNT(*) FROM orders");
  EXPECT_EQ(orders.at(0).at(0), "0");
  auto events =
      query(v_.config().journal.path, "SELECT COUNT(*) FROM events WHERE client_id = 'dc-order'");
  EXPECT_EQ(events.at(0).at(0), "0");
}

TEST(DropCopyTradeCapture, FillsArriveAsTradeCaptureReports) {
  VenueHarness v([](VenueConfig& c) {
    for (SessionConfig& s : c.sessions)
      if (s.role == SessionRole::drop_copy) s.trade_capture_reports = true;
  });
  auto a = v.connect("DESK_A");
  auto b = v.connect("DESK_B");
  auto dc = v.connect("COMPLIANCE");
  Inbox ia(*a), ib(*b), idc(*dc);
  FIX::Message m = limit("tc-a", '1', "0.5", "50000");
  ASSERT_TRUE(a->send(m));
  ASSERT_TRUE(ia.wait(er("tc-a", '0')));
  m = limit("tc-b", '2', "0.5", "50000");
  ASSERT_TRUE(b->send(m));
  ASSERT_TRUE(ib.wait(er("tc-b", 'F')));
  ASSERT_TRUE(ia.wait(er("tc-a", 'F')));
  FIX::Message fill_a, fill_b;
  for (auto& [id, r] : ia.engine_reports())
    if (field(r, 150) == "F") fill_a = r;
  for (auto& [id, r] : ib.engine_reports())
    if (field(r, 150) == "F") fill_b = r;
  for (const FIX::Message* owner : {&fill_a, &fill_b}) {
    const std::string exec_id = field(*owner, 17);
    ASSERT_TRUE(idc.wait([&](const FIX::Message& c) {
      return field(c, 35) == "AE" && field(c, 571) == exec_id;
    })) << exec_id;
  }
  for (const FIX::Message& c : idc.all()) {
    if (field(c, 35) != "AE") continue;
    const FIX::Message& owner = field(c, 571) == field(fill_a, 17) ? fill_a : fill_b;
    EXPECT_EQ(field(c, 17), field(owner, 17));
    EXPECT_EQ(field(c, 880), field(owner, tag::TradeID));  // the same on both sides
    EXPECT_EQ(field(c, 32), "0.5");
    EXPECT_EQ(field(c, 31), "50000");
    EXPECT_EQ(field(c, 797), "Y");
    FIX::Group side(552, 54);
    c.getGroup(1, side);
    EXPECT_EQ(side.getField(11), field(owner, 11));
    EXPECT_EQ(side.getField(1), field(owner, 1));
    EXPECT_EQ(side.getField(37), field(owner, 37));
  }
  // Acknowledgements stay ExecutionReports.
  EXPECT_TRUE(idc.wait(er("tc-a", '0')));
  for (const FIX::Message& c : idc.all())
    EXPECT_FALSE(field(c, 35) == "8" && field(c, 150) == "F") << "fill sent as 8 and AE";
  stop_all({a.get(), b.get(), dc.get()});
}

}  // namespace
}  // namespace qd::fix::test
