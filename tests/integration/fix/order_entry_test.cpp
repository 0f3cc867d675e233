// Order entry end to end: real QuickFIX initiators -> gateway -> sequencer -> engine -> journal
// -> ExecutionReports. Prices are near the BTC-PERP mark of 50000 (band 5%).
#include <gtest/gtest.h>

#include "fix/venue_tags.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {
namespace {

class OrderEntry : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = v_.connect("DESK_A");
    b_ = v_.connect("DESK_B");
  }
  void TearDown() override { stop_all({a_.get(), b_.get()}); }
  FIX::Message expect(Initiator& i, const std::string& cl, char exec_type) {
    auto m = i.wait_for(er(cl, exec_type), 5s);
    if (!m) {
      ADD_FAILURE() << "no ExecutionReport " << exec_type << " for " << cl;
      return FIX::Message();
    }
    return *m;
  }
  void send(Initiator& i, FIX::Message m) { ASSERT_TRUE(i.send(m)); }

  VenueHarness v_;
  std::unique_ptr<Initiator> a_, b_;
};

TEST_F(OrderEntry, LimitOrderIsAcknowledgedWithEngineIds) {
  send(*a_, limit("a1", '1', "0.5", "49900.5"));
  FIX::Message ack = expect(*a_, "a1", '0');
  EXPECT_EQ(field(ack, 39), "0");
  EXPECT_EQ(field(ack, 1), "DESK-A");
  EXPECT_EQ(field(ack, 55), "BTC-PERP");
  EXPECT_EQ(field(ack, 44), "49900.5");
  EXPECT_EQ(field(ack, 38), "0.5");
  EXPECT_EQ(field(ack, 151), "0.5");
  EXPECT_EQ(field(ack, 14), "0");
  EXPECT_FALSE(field(ack, 37).empty());
  EXPECT_NE(field(ack, 37), "NONE");
  EXPECT_NE(field(ack, 17).find('.'), std::string::npos);  // <seq>.<index>
}

TEST_F(OrderEntry, PartialFillsAcrossTwoSessions) {
  send(*a_, limit("s1", '2', "1", "50000"));
  expect(*a_, "s1", '0');
  send(*b_, limit("b1", '1', "0.4", "50000", '3'));
  FIX::Message taker = expect(*b_, "b1", 'F');
  EXPECT_EQ(field(taker, 39), "2");
  EXPECT_EQ(field(taker, 31), "50000");
  EXPECT_EQ(field(taker, 32), "0.4");
  EXPECT_EQ(field(taker, 851), "2");
  EXPECT_EQ(field(taker, 13), "3");
  EXPECT_EQ(field(taker, 12), "20");  // taker 10 bps of 20000 USDC
  FIX::Message maker1 = expect(*a_, "s1", 'F');
  EXPECT_EQ(field(maker1, 39), "1");
  EXPECT_EQ(field(maker1, 151), "0.6");
  EXPECT_EQ(field(maker1, 14), "0.4");
  EXPECT_EQ(field(maker1, 851), "1");
  EXPECT_EQ(field(maker1, 12), "-4");  // maker rebate 2 bps
  EXPECT_EQ(field(maker1, tag::TradeID), field(taker, tag::TradeID));
  send(*b_, limit("b2", '1', "0.6", "50000", '3'));
  expect(*b_, "b2", 'F');
  FIX::Message maker2 = expect(*a_, "s1", 'F');
  EXPECT_EQ(field(maker2, 39), "2");
  EXPECT_EQ(field(maker2, 151), "0");
  EXPECT_EQ(field(maker2, 14), "1");
  EXPECT_EQ(field(maker2, 6), "50000");
}

TEST_F(OrderEntry, EveryOrderTypeAndTimeInForce) {
  // Liquidity on both sides.
  send(*b_, limit("ask", '2', "5", "50100"));
  expect(*b_, "ask", '0');
  send(*b_, limit("bid", '1', "5", "49900"));
  expect(*b_, "bid", '0');

  // Market (1), IOC: fills at the best ask.
  send(*a_, order("mkt", "BTC-PERP", '1', "0.1", '1', "", '3'));
  EXPECT_EQ(field(expect(*a_, "mkt", 'F'), 31), "50100");
  // Limit Day (0) and GTC (1) rest.
  send(*a_, limit("day", '1', "0.1", "49000", '0'));
  EXPECT_EQ(field(expect(*a_, "day", '0'), 59), "0");
  send(*a_, limit("gtc", '1', "0.1", "49000", '1'));
  EXPECT_EQ(field(expect(*a_, "gtc", '0'), 59), "1");
  // IOC (3): the part beyond the best ask is cancelled, with its cause.
  send(*a_, limit("ioc", '2', "6", "49900", '3'));
  expect(*a_, "ioc", 'F');
  FIX::Message rest = expect(*a_, "ioc", '4');
  EXPECT_EQ(field(rest, 20001), "1");  // IOC remainder
  EXPECT_EQ(field(rest, 14), "5");
  // FOK (4): cannot fill 10 in full, nothing trades.
  send(*a_, limit("fok", '1', "10", "50100", '4'));
  FIX::Message fok = expect(*a_, "fok", '4');
  EXPECT_EQ(field(fok, 14), "0");
  EXPECT_EQ(field(fok, 20001), "2");  // FOK not filled
  // GTD (6) with ExpireTime: expires at its time with ExecType C.
  FIX::Message gtd = limit("gtd", '1', "0.1", "49000", '6');
  gtd.setField(126, format_utc_timestamp(wall_clock_ns() + 1'500'000'000, 3));
  send(*a_, gtd);
  expect(*a_, "gtd", '0');
  FIX::Message expired = expect(*a_, "gtd", 'C');
  EXPECT_EQ(field(expired, 39), "C");
  EXPECT_EQ(field(expired, 20001), "6");
  // Stop (3) and stop limit (4) wait, then trigger when the mark reaches them. With the asks
  // gone the book is one-sided and the mark is the oracle price.
  send(*b_, cancel("ask-x", "ask", '2'));
  expect(*b_, "ask-x", '4');
  FIX::Message stop = order("stop", "BTC-PERP", '1', "0.1", '3');
  stop.setField(99, "50500");
  send(*a_, stop);
  expect(*a_, "stop", '0');
  FIX::Message stop_limit = order("stoplmt", "BTC-PERP", '2', "0.1", '4', "49500");
  stop_limit.setField(99, "49600");
  send(*a_, stop_limit);
  expect(*a_, "stoplmt", '0');
  v_.admin(SetOraclePrice{0, Price(50'600 * PRICE_PRECISION), Price(0), wall_clock_ns(), false});
  FIX::Message triggered = expect(*a_, "stop", 'D');
  EXPECT_EQ(field(triggered, 99), "50500");
  v_.admin(SetOraclePrice{0, Price(49'500 * PRICE_PRECISION), Price(0), wall_clock_ns(), false});
  EXPECT_TRUE(a_->wait_for(er("stoplmt", 'D'), 5s));
}

TEST_F(OrderEntry, CancelAndUnknownCancel) {
  send(*a_, limit("c1", '1', "0.2", "49500"));
  expect(*a_, "c1", '0');
  send(*a_, cancel("x1", "c1", '1'));
  FIX::Message done = expect(*a_, "x1", '4');
  EXPECT_EQ(field(done, 41), "c1");
  EXPECT_EQ(field(done, 39), "4");
  EXPECT_EQ(field(done, 20001), "0");  // client request
  send(*a_, cancel("x2", "never-sent", '1'));
  auto rej = a_->wait_for(type_is("9"), 5s);
  ASSERT_TRUE(rej);
  EXPECT_EQ(field(*rej, 11), "x2");
  EXPECT_EQ(field(*rej, 41), "never-sent");
  EXPECT_EQ(field(*rej, 102), "1");
  EXPECT_EQ(field(*rej, 434), "1");
  // Another desk's order is unknown to this one.
  send(*b_, limit("bb", '1', "0.2", "49500"));
  FIX::Message bb = expect(*b_, "bb", '0');
  FIX::Message other = cancel("x3", "bb", '1');
  other.setField(37, field(bb, 37));
  send(*a_, other);
  rej = a_->wait_for(type_is("9"), 5s);
  ASSERT_TRUE(rej);
  EXPECT_EQ(field(*rej, 102), "1");
  EXPECT_EQ(field(*rej, 37), "NONE");  // nothing about the other desk's order is revealed
  EXPECT_EQ(field(*rej, 39), "8");
}

TEST_F(OrderEntry, ReplaceKeepsOrLosesPriorityObservably) {
  send(*a_, limit("p1", '1', "1", "49500"));
  expect(*a_, "p1", '0');
  send(*a_, limit("p2", '1', "1", "49500"));
  expect(*a_, "p2", '0');
  // Raising p1's quantity sends it to the back of the level.
  send(*a_, replace("p1b", "p1", '1', "2", "49500"));
  FIX::Message up = expect(*a_, "p1b", '5');
  EXPECT_EQ(field(up, 41), "p1");
  EXPECT_EQ(field(up, 38), "2");
  EXPECT_EQ(field(up, 20004), "N");
  // Lowering p2's quantity keeps its place.
  send(*a_, replace("p2b", "p2", '1', "0.5", "49500"));
  EXPECT_EQ(field(expect(*a_, "p2b", '5'), 20004), "Y");
  // A seller meets p2 (now first) before p1.
  send(*b_, limit("hit", '2', "0.5", "49500", '3'));
  expect(*b_, "hit", 'F');
  FIX::Message first = a_->wait_for(type_is("8"), 5s).value();
  EXPECT_EQ(field(first, 150), "F");
  EXPECT_EQ(field(first, 11), "p2b");
  // Replace below the filled quantity is refused with an OrderCancelReject.
  send(*a_, replace("p2c", "p2b", '1', "0.5", "49500"));
  auto rej = a_->wait_for(type_is("9"), 5s);
  ASSERT_TRUE(rej);
  EXPECT_EQ(field(*rej, 434), "2");
  EXPECT_EQ(field(*rej, 11), "p2c");
}

TEST_F(OrderEntry, MassCancelAndMassStatus) {
  for (const char* cl : {"m1", "m2", "m3"}) {
    send(*a_, limit(cl, '1', "0.1", "49000"));
    expect(*a_, cl, '0');
  }
  send(*a_, order("e1", "ETH-PERP", '1', "1", '2', "2900"));
  expect(*a_, "e1", '0');

  FIX::Message af;
  af.getHeader().setField(35, "AF");
  af.setField(584, "ms1");
  af.setField(585, "7");
  send(*a_, af);
  std::set<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    auto m = a_->wait_for([](const FIX::Message& x) { return field(x, 584) == "ms1"; }, 5s);
    ASSERT_TRUE(m);
    EXPECT_EQ(field(*m, 150), "I");
    EXPECT_EQ(field(*m, 911), "4");
    EXPECT_EQ(field(*m, 912), i == 3 ? "Y" : "");
    seen.insert(field(*m, 11));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"m1", "m2", "m3", "e1"}));

  FIX::Message q;
  q.getHeader().setField(35, "q");
  q.setField(11, "mc1");
  q.setField(530, "1");
  q.setField(55, "BTC-PERP");
  q.setField(60, now_text());
  send(*a_, q);
  auto report = a_->wait_for(type_is("r"), 5s);
  ASSERT_TRUE(report);
  EXPECT_EQ(field(*report, 11), "mc1");
  EXPECT_EQ(field(*report, 531), "1");
  EXPECT_EQ(field(*report, 533), "3");
  for (const char* cl : {"m1", "m2", "m3"}) EXPECT_EQ(field(expect(*a_, cl, '4'), 20001), "8");

  FIX::Message h;
  h.getHeader().setField(35, "H");
  h.setField(11, "e1");
  h.setField(790, "st1");
  h.setField(55, "ETH-PERP");
  h.setField(54, "1");
  send(*a_, h);
  FIX::Message status = expect(*a_, "e1", 'I');
  EXPECT_EQ(field(status, 39), "0");
  EXPECT_EQ(field(status, 790), "st1");
  h.setField(11, "nope");
  send(*a_, h);
  FIX::Message unknown = expect(*a_, "nope", 'I');
  EXPECT_EQ(field(unknown, 39), "8");
  EXPECT_EQ(field(unknown, 103), "5");
  // Mass status by symbol with nothing open: one report saying so.
  af.setField(584, "ms2");
  af.setField(585, "1");
  af.setField(55, "BTC-PERP");
  send(*a_, af);
  auto none = a_->wait_for([](const FIX::Message& x) { return field(x, 584) == "ms2"; }, 5s);
  ASSERT_TRUE(none);
  EXPECT_EQ(field(*none, 911), "0");
  EXPECT_EQ(field(*none, 58), "no open orders");
}

TEST_F(OrderEntry, DuplicateClOrdIdIsRejected) {
  send(*a_, limit("dup", '1', "0.1", "49000"));
  expect(*a_, "dup", '0');
  send(*a_, limit("dup", '1', "0.2", "49000"));
  FIX::Message rej = expect(*a_, "dup", '8');
  EXPECT_EQ(field(rej, 103), "6");
  EXPECT_EQ(field(rej, 20003), "104");
  // The same ClOrdID on another session is that session's own.
  send(*b_, limit("dup", '1', "0.1", "49000"));
  expect(*b_, "dup", '0');
}

TEST_F(OrderEntry, PossibleResendIsNeverExecutedTwice) {
  send(*a_, limit("pr1", '1', "0.1", "49000"));
  FIX::Message ack = expect(*a_, "pr1", '0');
  FIX::Message again = limit("pr1", '1', "0.1", "49000");
  again.getHeader().setField(97, "Y");  // PossResend
  send(*a_, again);
  FIX::Message status = expect(*a_, "pr1", 'I');
  EXPECT_EQ(field(status, 37), field(ack, 37));
  EXPECT_FALSE(a_->wait_for(er("pr1", '8'), 300ms));
  EXPECT_FALSE(a_->wait_for(er("pr1", '0'), 300ms));
  // A PossResend of an order never received is executed normally.
  FIX::Message fresh = limit("pr2", '1', "0.1", "49000");
  fresh.getHeader().setField(97, "Y");
  send(*a_, fresh);
  expect(*a_, "pr2", '0');
}

TEST_F(OrderEntry, RejectsNameTheProblem) {
  // More decimals than a price can hold: rejected, never rounded.
  send(*a_, limit("d1", '1', "0.1", "49000.0000001"));
  FIX::Message r = expect(*a_, "d1", '8');
  EXPECT_EQ(field(r, 103), "99");
  EXPECT_EQ(field(r, 58), "Price (44): too many decimal places");
  // Off the tick (0.1) and off the lot (0.0001): the engine's rules.
  send(*a_, limit("d2", '1', "0.1", "49000.05"));
  EXPECT_EQ(field(expect(*a_, "d2", '8'), 20003), "206");
  send(*a_, limit("d3", '1', "0.00015", "49000"));
  r = expect(*a_, "d3", '8');
  EXPECT_EQ(field(r, 103), "13");
  EXPECT_EQ(field(r, 20003), "208");
  // Another account's id.
  FIX::Message wrong = limit("d4", '1', "0.1", "49000");
  wrong.setField(1, "DESK-B");
  send(*a_, wrong);
  r = expect(*a_, "d4", '8');
  EXPECT_EQ(field(r, 103), "15");
  EXPECT_EQ(field(r, 58), "Account (1) 'DESK-B' is not permitted on this session");
  // A standard tag the venue does not support on D, and an unknown user-defined tag: rejected
  // with the order's ClOrdID, not a session-level Reject.
  FIX::Message iceberg = limit("d5", '1', "1", "49000");
  iceberg.setField(111, "0.1");
  send(*a_, iceberg);
  EXPECT_EQ(field(expect(*a_, "d5", '8'), 58), "tag 111 is not supported on MsgType D");
  FIX::Message custom = limit("d6", '1', "1", "49000");
  custom.setField(9999, "x");
  send(*a_, custom);
  EXPECT_EQ(field(expect(*a_, "d6", '8'), 58), "user-defined tag 9999 is not supported");
  // Post-only that would take liquidity (a resting ask of another desk at 49500).
  send(*b_, limit("ask", '2', "0.1", "49500"));
  expect(*b_, "ask", '0');
  FIX::Message post = limit("d8", '1', "0.1", "49500");
  post.setField(18, "6");
  send(*a_, post);
  EXPECT_EQ(field(expect(*a_, "d8", '8'), 20003), "400");
  // Outside the price band.
  send(*a_, limit("d7", '1', "0.1", "60000"));
  EXPECT_EQ(field(expect(*a_, "d7", '8'), 20003), "213");
}

TEST_F(OrderEntry, HaltedMarketRejectsNewOrdersAndAcceptsCancels) {
  send(*a_, limit("h0", '1', "0.1", "49000"));
  expect(*a_, "h0", '0');
  v_.admin(SetMarketStatus{0, MarketStatus::halted});
  std::this_thread::sleep_for(100ms);
  send(*a_, limit("h1", '1', "0.1", "49000"));
  FIX::Message r = expect(*a_, "h1", '8');
  EXPECT_EQ(field(r, 103), "2");
  EXPECT_EQ(field(r, 58), "market halted");
  send(*a_, cancel("hx", "h0", '1'));
  expect(*a_, "hx", '4');
}

TEST(FixOrderEntry, CancelOnDisconnectAndResendAfterReconnect) {
  VenueHarness v;
  InitiatorOptions o = v.options("DESK_A");
  o.store_path = v.dir() + "/desk-a-store";
  auto a = v.connect(o);
  auto b = v.connect("DESK_B");
  FIX::Message d = limit("cod1", '1', "0.3", "49000");
  a->send(d);
  ASSERT_TRUE(a->wait_for(er("cod1", '0'), 5s));
  FIX::Message keep = limit("keep", '1', "0.3", "49000");
  b->send(keep);
  ASSERT_TRUE(b->wait_for(er("keep", '0'), 5s));
  // The connection drops without a Logout.
  a->stop(true);
  // B's order is untouched; A's is cancelled through the sequencer and stored for A.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (v.gateway().is_logged_on("DESK_A") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(300ms);
  v.gateway().flush_outbound();
  // Reconnect with the same store: the gap is filled by the venue's resend.
  auto again = v.connect(o);
  auto cancelled = again->wait_for(er("cod1", '4'), 5s);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(field(*cancelled, 20001), "7");
  EXPECT_EQ(field(*cancelled, 43), "Y");  // resent
  FIX::Message h;
  h.getHeader().setField(35, "H");
  h.setField(11, "keep");
  h.setField(55, "BTC-PERP");
  h.setField(54, "1");
  b->send(h);
  EXPECT_EQ(field(b->wait_for(er("keep", 'I'), 5s).value(), 39), "0");
  stop_all({again.get(), b.get()});
}

TEST(FixOrderEntry, OrderViewSurvivesARestart) {
  VenueHarness v([](VenueConfig& c) { c.sessions[1].cancel_on_disconnect = false; });
  std::string store = v.dir() + "/desk-b-store";
  InitiatorOptions o = v.options("DESK_B");
  o.store_path = store;
  {
    auto b = v.connect(o);
    FIX::Message d = limit("r1", '1', "0.3", "49000");
    b->send(d);
    ASSERT_TRUE(b->wait_for(er("r1", '0'), 5s));
    b->stop(false);
  }
  v.restart();  // journal replay rebuilds the order view and the ClOrdID registry
  auto b = v.connect(o);
  FIX::Message dup = limit("r1", '1', "0.3", "49000");
  b->send(dup);
  EXPECT_EQ(field(b->wait_for(er("r1", '8'), 5s).value(), 103), "6");
  FIX::Message h;
  h.getHeader().setField(35, "H");
  h.setField(11, "r1");
  h.setField(55, "BTC-PERP");
  h.setField(54, "1");
  b->send(h);
  EXPECT_EQ(field(b->wait_for(er("r1", 'I'), 5s).value(), 151), "0.3");
  b->stop(true);
}

TEST(FixOrderEntry, SessionLevelPossDupOfAnOrderIsNotExecutedTwice) {
  VenueHarness v;
  RawConnection c(v.port());
  auto hdr = [](int seq) {
    return "49=DESK_A|56=QUANTDESK|34=" + std::to_string(seq) + "|52=" + now_text() + "|";
  };
  c.send(frame("35=A|" + hdr(1) + "98=0|108=30|553=DESK_A|554=desk-a-pass|"));
  ASSERT_NE(c.read_until(soh("|35=A|"), 5s).find(soh("|35=A|")), std::string::npos);
  std::string d = "11=pd1|55=BTC-PERP|54=1|60=" + now_text() + "|38=0.1|40=2|44=49000|59=1|";
  c.send(frame("35=D|" + hdr(2) + d));
  std::string first = c.read_until(soh("|150=0|"), 5s);
  ASSERT_NE(first.find(soh("|11=pd1|")), std::string::npos) << first;
  // The same order again as a possible duplicate (43=Y) under the next sequence number.
  std::string original_time = now_text();
  c.send(frame("35=D|" + hdr(3) + "43=Y|122=" + original_time + "|" + d));
  std::string second = c.read_until(soh("|150=I|"), 5s);
  EXPECT_NE(second.find(soh("|150=I|")), std::string::npos) << second;
  EXPECT_EQ(second.find(soh("|150=0|")), std::string::npos) << second;
  EXPECT_EQ(v.gateway().stats().commands_submitted, 1u);
}

TEST(FixOrderEntry, AdminOraclesAreFreshTheMomentARestartedVenueTakesOrders) {
  VenueHarness v([](VenueConfig& c) {
    for (MarketConfig& m : c.markets) m.oracle.max_staleness_s = m.oracle.fill_staleness_s = 2;
  });
  auto a = v.connect("DESK_A");
  a->stop(true);
  v.stop();
  std::this_thread::sleep_for(2500ms);  // the journal's last oracle readings are stale now
  v.start();
  a = v.connect("DESK_A");
  FIX::Message m = limit("first", '1', "0.1", "49000");
  a->send(m);
  auto ack = a->wait_for(
      [](const FIX::Message& r) { return field(r, 35) == "8" && field(r, 11) == "first"; }, 5s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(field(*ack, 150), "0") << "first order after the restart: " << field(*ack, 58);
  a->stop(true);
}

}  // namespace
}  // namespace qd::fix::test
