// Positions (AN/AO/AP) and collateral (BB/BG/BA) against the real venue with real QuickFIX
// initiators on loopback: snapshots, subscriptions following trades, deposits, liquidation and
// funding (also across a restart), foreign accounts and Logout.
#include <gtest/gtest.h>

#include "tests/integration/fixdata/fixdata_harness.hpp"

namespace qd::fix::test {
namespace {

// --- positions and collateral

TEST(FixData, PositionSnapshotAndSubscriptionFollowTrades) {
  VenueHarness venue;
  auto a = venue.connect("DESK_A");
  auto b = venue.connect("DESK_B");

  // No position yet: acknowledged with "no positions", the subscription stays open.
  FIX::Message sub = positions_request("pa", '1');
  a->send(sub);
  FIX::Message ack = expect(*a, answer("AO", 710, "pa"), "RequestForPositionsAck");
  EXPECT_EQ(field(ack, 728), "2");
  EXPECT_EQ(field(ack, 729), "0");
  EXPECT_EQ(field(ack, 727), "0");
  EXPECT_EQ(field(ack, 1), "DESK-A");

  trade(*a, *b, "1", "1");
  // DESK_A sold 1 BTC at 50000: pushed.
  FIX::Message push = expect(*a, answer("AP", 710, "pa"), "PositionReport push");
  EXPECT_EQ(field(push, 325), "Y");
  EXPECT_EQ(field(push, 263), "1");
  EXPECT_EQ(field(push, 1), "DESK-A");
  EXPECT_EQ(field(push, 55), "BTC-PERP");
  EXPECT_EQ(group_field(push, 702, 703, 1, 703), "TOT");
  EXPECT_EQ(group_field(push, 702, 703, 1, 704), "0");
  EXPECT_EQ(group_field(push, 702, 703, 1, 705), "1");
  EXPECT_EQ(field(push, 20204), "50000");
  EXPECT_EQ(field(push, 731), "2");
  // Unrealized PnL = -1 x (mark - 50000); notional = mark; initial margin 10% of it, rounded up.
  const Price mark_a = price(push, 730);
  EXPECT_EQ(quote(push, 20205).raw, -(mark_a.raw - 50'000 * PRICE_PRECISION));
  EXPECT_EQ(quote(push, 20213).raw, mark_a.raw);
  EXPECT_EQ(quote(push, 20207).raw, (mark_a.raw + 9) / 10);
  EXPECT_EQ(field(push, 20209), "0");  // no funding yet

  // DESK_B asks for a snapshot: one report, long 1 at 50000.
  FIX::Message snap = positions_request("pb", '0', "DESK-B", "BTC-PERP");
  b->send(snap);
  FIX::Message back = expect(*b, answer("AO", 710, "pb"), "ack");
  EXPECT_EQ(field(back, 728), "0");
  EXPECT_EQ(field(back, 727), "1");
  FIX::Message ap = expect(*b, answer("AP", 710, "pb"), "PositionReport");
  EXPECT_EQ(field(ap, 325), "N");
  EXPECT_EQ(group_field(ap, 702, 703, 1, 704), "1");
  EXPECT_EQ(group_field(ap, 702, 703, 1, 705), "0");
  EXPECT_EQ(field(ap, 20204), "50000");
  EXPECT_EQ(quote(ap, 20205).raw, price(ap, 730).raw - 50'000 * PRICE_PRECISION);
  EXPECT_EQ(field(ap, 20206), "0");
  // Nothing else for B: its request was a snapshot.
  EXPECT_FALSE(b->wait_for(type_is("AP"), 300ms));

  // A buys back 0.4 from a resting offer of B at 50000: A's push shows 0.6 short.
  FIX::Message offer = limit("o1", '2', "0.4", "50000");
  b->send(offer);
  expect(*b, er("o1", '0'), "offer ack");
  FIX::Message lift = limit("l1", '1', "0.4", "50000", '3');
  a->send(lift);
  FIX::Message reduced = expect(
      *a,
      [](const FIX::Message& m) {
        return field(m, 35) == "AP" && group_field(m, 702, 703, 1, 705) == "0.6";
      },
      "reduced position push");
  EXPECT_EQ(field(reduced, 20204), "50000");
  EXPECT_EQ(field(reduced, 20206), "0");  // bought back at the entry price

  // 263=2 ends it; the next trade is not pushed.
  FIX::Message end = positions_request("pa", '2');
  a->send(end);
  FIX::Message ended = expect(*a, answer("AO", 710, "pa"), "ack of the end");
  EXPECT_EQ(field(ended, 728), "0");
  EXPECT_EQ(field(ended, 58), "subscription ended");
  a->clear();
  trade(*a, *b, "2", "0.1");
  EXPECT_FALSE(a->wait_for(type_is("AP"), 500ms));
  stop_all({a.get(), b.get()});
}

TEST(FixData, CollateralSnapshotAndSubscriptionFollowTradesAndDeposits) {
  VenueHarness venue;
  auto a = venue.connect("DESK_A");
  auto b = venue.connect("DESK_B");
  FIX::Message sub = collateral_inquiry("cb", '1');
  b->send(sub);
  FIX::Message ack = expect(*b, answer("BG", 909, "cb"), "CollateralInquiryAck");
  EXPECT_EQ(field(ack, 945), "0");  // accepted: the subscription stays open
  EXPECT_EQ(field(ack, 946), "0");
  EXPECT_EQ(field(ack, 911), "1");
  FIX::Message first = expect(*b, answer("BA", 909, "cb"), "CollateralReport");
  EXPECT_EQ(field(first, 1), "DESK-B");
  EXPECT_EQ(field(first, 15), "USDC");
  EXPECT_EQ(field(first, 20211), "1000000");
  EXPECT_EQ(field(first, 900), "1000000");
  EXPECT_EQ(field(first, 20207), "0");
  EXPECT_EQ(field(first, 20212), "1000000");
  EXPECT_EQ(field(first, 912), "Y");
  EXPECT_EQ(field(first, 325), "N");

  // B buys 1 BTC at 50000 as taker (10 bps fee = 50 USDC).
  trade(*a, *b, "1", "1");
  FIX::Message after = expect(
      *b,
      [](const FIX::Message& m) {
        return field(m, 35) == "BA" && field(m, 20211) == "999950" && field(m, 20207) != "0";
      },
      "CollateralReport after the trade");
  EXPECT_EQ(field(after, 325), "Y");
  const Quote upnl = quote(after, 20205);
  const Quote im = quote(after, 20207);
  EXPECT_EQ(quote(after, 900).raw, 999'950 * QUOTE_PRECISION + upnl.raw);
  EXPECT_EQ(quote(after, 20212).raw, 999'950 * QUOTE_PRECISION + upnl.raw - im.raw);
  EXPECT_GT(im.raw, 0);

  // A deposit of 1234.5 USDC.
  venue.admin(Deposit{2, Quote(1'234'500'000)});
  FIX::Message deposit = expect(
      *b,
      [](const FIX::Message& m) { return field(m, 35) == "BA" && field(m, 20211) == "1001184.5"; },
      "CollateralReport after the deposit");
  EXPECT_EQ(field(deposit, 909), "cb");

  // A snapshot from A: the maker rebate (2 bps = 10 USDC) credited.
  FIX::Message snap = collateral_inquiry("ca", '0', "DESK-A");
  a->send(snap);
  FIX::Message ack_a = expect(*a, answer("BG", 909, "ca"), "ack");
  EXPECT_EQ(field(ack_a, 945), "2");  // completed
  FIX::Message ba = expect(*a, answer("BA", 909, "ca"), "CollateralReport");
  EXPECT_EQ(field(ba, 20211), "1000010");

  // 263=2 ends it.
  FIX::Message end = collateral_inquiry("cb", '2');
  b->send(end);
  FIX::Message ended = expect(
      *b,
      [](const FIX::Message& m) {
        return field(m, 35) == "BG" && field(m, 58) == "subscription ended";
      },
      "end ack");
  EXPECT_EQ(field(ended, 945), "2");
  b->clear();
  venue.admin(Deposit{2, Quote(1'000'000)});
  EXPECT_FALSE(b->wait_for(type_is("BA"), 500ms));
  stop_all({a.get(), b.get()});
}

TEST(FixData, ForeignAndUnknownAccountsAndSymbolsAreRejected) {
  VenueHarness venue;
  auto a = venue.connect("DESK_A");
  for (const std::string account : {"DESK-B", "NO-SUCH-DESK"}) {
    FIX::Message pos = positions_request("p-" + account, '1', account);
    a->send(pos);
    FIX::Message ao = expect(*a, answer("AO", 710, "p-" + account), "AO reject");
    EXPECT_EQ(field(ao, 728), "3");  // not authorized
    EXPECT_EQ(field(ao, 729), "2");  // rejected
    EXPECT_EQ(field(ao, 1), account);
    EXPECT_EQ(field(ao, 58), "session may not act for account " + account);
    FIX::Message coll = collateral_inquiry("c-" + account, '1', account);
    a->send(coll);
    FIX::Message bg = expect(*a, answer("BG", 909, "c-" + account), "BG reject");
    EXPECT_EQ(field(bg, 945), "4");  // rejected
    EXPECT_EQ(field(bg, 946), "8");  // unauthorized
    EXPECT_EQ(field(bg, 58), "session may not act for account " + account);
  }
  FIX::Message sym = positions_request("p-sym", '0', "", "DOGE-PERP");
  a->send(sym);
  FIX::Message ao = expect(*a, answer("AO", 710, "p-sym"), "AO for an unknown symbol");
  EXPECT_EQ(field(ao, 728), "1");
  EXPECT_EQ(field(ao, 729), "2");
  EXPECT_EQ(field(ao, 58), "unknown symbol DOGE-PERP");
  FIX::Message end = positions_request("never", '2');
  a->send(end);
  FIX::Message ao2 = expect(*a, answer("AO", 710, "never"), "AO for an unknown subscription");
  EXPECT_EQ(field(ao2, 728), "1");
  EXPECT_EQ(field(ao2, 58), "no position subscription never");
  FIX::Message end_c = collateral_inquiry("never", '2');
  a->send(end_c);
  FIX::Message bg2 = expect(*a, answer("BG", 909, "never"), "BG for an unknown subscription");
  EXPECT_EQ(field(bg2, 945), "4");
  EXPECT_EQ(field(bg2, 58), "no collateral subscription never");
  // None of the rejects opened a subscription: a trade of DESK-B pushes nothing to A.
  auto b = venue.connect("DESK_B");
  a->clear();
  FIX::Message offer = limit("o1", '2', "0.1", "50000");
  b->send(offer);
  expect(*b, er("o1", '0'), "offer ack");
  EXPECT_FALSE(a->wait_for(type_is("AP"), 300ms));
  EXPECT_FALSE(a->wait_for(type_is("BA"), 10ms));
  stop_all({a.get(), b.get()});
}

TEST(FixData, SessionWithTwoAccountsGetsAReportPerAccount) {
  VenueHarness venue;
  auto m = venue.connect("DESK_M");
  FIX::Message coll = collateral_inquiry("cm", '0');
  m->send(coll);
  FIX::Message bg = expect(*m, answer("BG", 909, "cm"), "ack");
  EXPECT_EQ(field(bg, 911), "2");
  FIX::Message first = expect(*m, answer("BA", 909, "cm"), "first report");
  FIX::Message second = expect(
      *m,
      [&](const FIX::Message& r) { return field(r, 35) == "BA" && field(r, 1) != field(first, 1); },
      "second report");
  EXPECT_EQ(field(first, 1), "DESK-A");
  EXPECT_EQ(field(first, 912), "N");
  EXPECT_EQ(field(second, 1), "DESK-B");
  EXPECT_EQ(field(second, 912), "Y");
  stop_all({m.get()});
}

TEST(FixData, LogoutEndsEverySubscriptionOfTheSession) {
  VenueHarness venue;
  InitiatorOptions o = venue.options("DESK_A");
  o.store_path = venue.dir() + "/desk-a-store";  // sequence numbers continue across logons
  {
    auto a = venue.connect(o);
    FIX::Message pos = positions_request("lp", '1');
    a->send(pos);
    expect(*a, answer("AO", 710, "lp"), "ack");
    FIX::Message coll = collateral_inquiry("lc", '1');
    a->send(coll);
    expect(*a, answer("BA", 909, "lc"), "collateral report");
    FIX::Message status = status_request("ls", "BTC-PERP", '1');
    a->send(status);
    expect(*a, answer("f", 324, "ls"), "status");
    stop_all({a.get()});
  }
  auto a = venue.connect(o);
  auto b = venue.connect("DESK_B");
  trade(*a, *b, "1", "1");
  venue.admin(Deposit{1, Quote(1'000'000)});
  venue.admin(SetMarketStatus{0, MarketStatus::halted});
  EXPECT_FALSE(a->wait_for(
      [](const FIX::Message& m) {
        return field(m, 35) == "AP" || field(m, 35) == "BA" || field(m, 35) == "f";
      },
      700ms));
  // A new subscription works as before.
  FIX::Message again = status_request("ls2", "BTC-PERP", '1');
  a->send(again);
  EXPECT_EQ(field(expect(*a, answer("f", 324, "ls2"), "status"), 326), "2");
  stop_all({a.get(), b.get()});
}

TEST(FixData, ALiquidationIsPushedToPositionAndCollateralSubscribers) {
  // DESK-B holds 6000 USDC: 1 BTC at 50000 needs 5000 initial margin, and a fall of the oracle to
  // 45000 leaves equity (950) below maintenance (2250).
  VenueHarness venue(
      [](VenueConfig& c) { c.accounts[1].collateral = Quote(6'000 * QUOTE_PRECISION); });
  auto a = venue.connect("DESK_A");
  auto b = venue.connect("DESK_B");
  trade(*a, *b, "1", "1");
  FIX::Message pos = positions_request("lq", '1');
  b->send(pos);
  FIX::Message first = expect(*b, answer("AP", 710, "lq"), "PositionReport");
  EXPECT_EQ(group_field(first, 702, 703, 1, 704), "1");
  FIX::Message coll = collateral_inquiry("lqc", '1');
  b->send(coll);
  expect(*b, answer("BA", 909, "lqc"), "CollateralReport");
  venue.admin(SetOraclePrice{0, Price(45'000 * PRICE_PRECISION), Price(0), wall_clock_ns(), false});
  // The venue takes the position over: B is flat, with the loss realized.
  FIX::Message closed = expect(
      *b,
      [](const FIX::Message& m) {
        return field(m, 35) == "AP" && field(m, 325) == "Y" &&
               group_field(m, 702, 703, 1, 704) == "0";
      },
      "PositionReport after the liquidation");
  EXPECT_EQ(group_field(closed, 702, 703, 1, 705), "0");
  EXPECT_LT(quote(closed, 20206).raw, 0);  // realized loss
  EXPECT_EQ(field(closed, 20210), "");     // flat: no liquidation price
  FIX::Message after = expect(
      *b, [](const FIX::Message& m) { return field(m, 35) == "BA" && field(m, 20207) == "0"; },
      "CollateralReport after the liquidation");
  EXPECT_LT(quote(after, 20211).raw, 5'950 * QUOTE_PRECISION);
  stop_all({a.get(), b.get()});
}

/// Subscribes `b` (long 1 BTC, 999950 USDC after its taker fee) to positions and collateral and
/// reads pushes until a PositionReport's FundingPaid (20209) and a CollateralReport's balance
/// (20211) agree: balance = 999950 - funding paid, funding paid > 0.
void expect_funding_matches_balance(Initiator& b, const std::string& tag) {
  FIX::Message pos = positions_request("fp" + tag, '1', "", "BTC-PERP");
  b.send(pos);
  expect(b, answer("AO", 710, "fp" + tag), "ack");
  FIX::Message coll = collateral_inquiry("fc" + tag, '1');
  b.send(coll);
  expect(b, answer("BG", 909, "fc" + tag), "ack");
  Quote funding{0}, balance{0};
  bool consistent = false;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!consistent && std::chrono::steady_clock::now() < deadline) {
    std::optional<FIX::Message> m = b.wait_for(
        [](const FIX::Message& r) { return field(r, 35) == "AP" || field(r, 35) == "BA"; }, 2s);
    if (!m) continue;
    if (field(*m, 35) == "AP") {
      funding = quote(*m, 20209);
      ASSERT_GE(funding.raw, 0);
      continue;
    }
    // A push round sends the PositionReport before the CollateralReport: compare on the latter,
    // so both come from the same engine snapshot.
    balance = quote(*m, 20211);
    consistent = funding.raw > 0 && balance.raw == 999'950 * QUOTE_PRECISION - funding.raw;
  }
  EXPECT_TRUE(consistent) << "funding " << to_string(funding) << " balance " << to_string(balance);
}

/// Funding every second (the config loader asks for 60 s at least; the engine takes any interval).
void fast_funding(VenueConfig& c) {
  c.risk.funding_sample_s = 1;
  for (MarketConfig& m : c.markets) m.funding_interval_s = 1;
}

TEST(FixData, FundingPaymentsArePushedToSubscribers) {
  VenueHarness venue(fast_funding);
  auto a = venue.connect("DESK_A");
  auto b = venue.connect("DESK_B");
  trade(*a, *b, "1", "1");
  // Longs pay shorts while the premium is zero (the interest rate): B's funding paid grows, and
  // each payment reaches B both as a PositionReport and as a lower collateral balance.
  expect_funding_matches_balance(*b, "1");
  // The short side receives: A's snapshot shows negative funding paid.
  FIX::Message snap = positions_request("fa", '0');
  a->send(snap);
  FIX::Message ap = expect(*a, answer("AP", 710, "fa"), "A's PositionReport");
  EXPECT_EQ(field(ap, 325), "N");
  EXPECT_LT(quote(ap, 20209).raw, 0);
  stop_all({a.get(), b.get()});
}

TEST(FixData, FundingPaidIsRebuiltFromTheJournalAfterARestart) {
  VenueHarness venue(fast_funding);
  InitiatorOptions o = venue.options("DESK_B");
  o.store_path = venue.dir() + "/desk-b-store";  // sequence numbers continue after the restart
  {
    auto a = venue.connect("DESK_A");
    auto b = venue.connect(o);
    trade(*a, *b, "1", "1");
    FIX::Message pos = positions_request("w", '1');
    b->send(pos);
    expect(
        *b, [](const FIX::Message& m) { return field(m, 35) == "AP" && field(m, 20209) != "0"; },
        "a funding payment");
    stop_all({a.get(), b.get()});
  }
  // Without the replayed FundingPaid events the reports would count only the payments made
  // after the restart, and never match the balance, which holds them all.
  venue.restart();
  auto b = venue.connect(o);
  expect_funding_matches_balance(*b, "2");
  stop_all({b.get()});
}

}  // namespace
}  // namespace qd::fix::test
