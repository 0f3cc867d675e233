// Reference data, security status, positions and collateral over FIX 4.4 against the real venue
// (journal, engine, sequencer, gateway) with real QuickFIX initiators on loopback.
#include <gtest/gtest.h>

#include "core/decimal.hpp"
#include "tests/integration/fix/fix_harness.hpp"

namespace qd::fix::test {
namespace {

constexpr auto kWait = 10s;

// --- requests

FIX::Message security_list_request(const std::string& id, const std::string& type,
                                   const std::string& symbol = "") {
  FIX::Message m;
  m.getHeader().setField(35, "x");
  m.setField(320, id);
  m.setField(559, type);
  if (!symbol.empty()) m.setField(55, symbol);
  return m;
}

FIX::Message status_request(const std::string& id, const std::string& symbol, char sub) {
  FIX::Message m;
  m.getHeader().setField(35, "e");
  m.setField(324, id);
  m.setField(55, symbol);
  m.setField(263, std::string(1, sub));
  return m;
}

FIX::Message positions_request(const std::string& id, char sub, const std::string& account = "",
                               const std::string& symbol = "") {
  FIX::Message m;
  m.getHeader().setField(35, "AN");
  m.setField(710, id);
  m.setField(724, "0");
  m.setField(263, std::string(1, sub));
  if (!account.empty()) m.setField(1, account);
  if (!symbol.empty()) m.setField(55, symbol);
  m.setField(60, now_text());
  return m;
}

FIX::Message collateral_inquiry(const std::string& id, char sub, const std::string& account = "") {
  FIX::Message m;
  m.getHeader().setField(35, "BB");
  m.setField(909, id);
  m.setField(263, std::string(1, sub));
  if (!account.empty()) m.setField(1, account);
  return m;
}

// --- reading answers

std::function<bool(const FIX::Message&)> answer(const std::string& type, int id_tag,
                                                const std::string& id) {
  return [=](const FIX::Message& m) { return field(m, 35) == type && field(m, id_tag) == id; };
}

FIX::Message expect(Initiator& i, const std::function<bool(const FIX::Message&)>& pred,
                    const char* what) {
  std::optional<FIX::Message> m = i.wait_for(pred, kWait);
  if (!m) throw std::runtime_error(std::string("no ") + what);
  return *m;
}

std::string group_field(const FIX::Message& m, int group, int delim, int n, int tag) {
  FIX::Group g(group, delim);
  m.getGroup(unsigned(n), g);
  return g.isSetField(tag) ? g.getField(tag) : "";
}

Quote quote(const FIX::Message& m, int tag) {
  auto p = parse_fixed<Quote>(field(m, tag), true);
  if (!p.ok()) throw std::runtime_error("tag " + std::to_string(tag) + " is not a USDC amount");
  return p.value;
}
Price price(const FIX::Message& m, int tag) {
  auto p = parse_fixed<Price>(field(m, tag), false);
  if (!p.ok()) throw std::runtime_error("tag " + std::to_string(tag) + " is not a price");
  return p.value;
}

/// A market-data session (MD_1) next to the test venue's sessions.
void add_market_data_session(VenueConfig& c) {
  SessionConfig md = session("MD_1", "md-1-pass", {});
  md.role = SessionRole::market_data;
  md.cancel_on_disconnect = false;
  c.sessions.push_back(md);
}

/// DESK_A rests a sell of `qty` BTC at 50000 and DESK_B takes it with an IOC buy.
void trade(Initiator& a, Initiator& b, const std::string& tag, const std::string& qty) {
  FIX::Message sell = limit("s" + tag, '2', qty, "50000");
  a.send(sell);
  expect(a, er("s" + tag, '0'), "sell ack");
  FIX::Message buy = limit("b" + tag, '1', qty, "50000", '3');
  b.send(buy);
  expect(b, er("b" + tag, 'F'), "buy fill");
}

// --- reference data

TEST(FixData, SecurityListNamesEveryMarketWithTickLotSizeAndStatus) {
  VenueHarness venue;
  auto a = venue.connect("DESK_A");
  FIX::Message req = security_list_request("sl1", "4");
  a->send(req);
  FIX::Message y = expect(*a, answer("y", 320, "sl1"), "SecurityList");
  EXPECT_EQ(field(y, 560), "0");
  EXPECT_EQ(field(y, 393), "2");
  EXPECT_EQ(field(y, 893), "Y");
  ASSERT_EQ(field(y, 146), "2");
  EXPECT_EQ(group_field(y, 146, 55, 1, 55), "BTC-PERP");
  EXPECT_EQ(group_field(y, 146, 55, 1, 969), "0.1");     // tick
  EXPECT_EQ(group_field(y, 146, 55, 1, 561), "0.0001");  // lot
  EXPECT_EQ(group_field(y, 146, 55, 1, 562), "0.0001");  // minimum size
  EXPECT_EQ(group_field(y, 146, 55, 1, 20200), "1");     // min notional, USDC
  EXPECT_EQ(group_field(y, 146, 55, 1, 20201), "100");   // max order size
  EXPECT_EQ(group_field(y, 146, 55, 1, 20203), "17");    // ready to trade
  EXPECT_EQ(group_field(y, 146, 55, 1, 15), "USDC");
  EXPECT_EQ(group_field(y, 146, 55, 2, 55), "ETH-PERP");
  EXPECT_EQ(group_field(y, 146, 55, 2, 969), "0.01");
  EXPECT_EQ(group_field(y, 146, 55, 2, 561), "0.001");

  // One symbol; then an unknown one: 560 = 2 with the symbol named, nothing listed.
  FIX::Message one = security_list_request("sl2", "0", "ETH-PERP");
  a->send(one);
  FIX::Message y2 = expect(*a, answer("y", 320, "sl2"), "SecurityList for one symbol");
  EXPECT_EQ(field(y2, 146), "1");
  EXPECT_EQ(group_field(y2, 146, 55, 1, 55), "ETH-PERP");
  FIX::Message bad = security_list_request("sl3", "0", "DOGE-PERP");
  a->send(bad);
  FIX::Message y3 = expect(*a, answer("y", 320, "sl3"), "SecurityList for an unknown symbol");
  EXPECT_EQ(field(y3, 560), "2");
  EXPECT_EQ(field(y3, 58), "unknown symbol DOGE-PERP");
  EXPECT_EQ(field(y3, 146), "");
  // Subscriptions are not offered on the list (status changes come with e): 560 = 1.
  FIX::Message subscribe = security_list_request("sl4", "4");
  subscribe.setField(263, "1");
  a->send(subscribe);
  FIX::Message y4 = expect(*a, answer("y", 320, "sl4"), "SecurityList for a subscription");
  EXPECT_EQ(field(y4, 560), "1");
  EXPECT_EQ(field(y4, 146), "");
  stop_all({a.get()});
}

TEST(FixData, SecurityListShowsAHaltedMarket) {
  VenueHarness venue;
  auto a = venue.connect("DESK_A");
  venue.admin(SetMarketStatus{1, MarketStatus::halted});
  // The list follows the committed status event: ask until it shows (the admin command is
  // sequenced asynchronously).
  std::string status;
  for (int n = 0; n < 50 && status != "2"; ++n) {
    FIX::Message req = security_list_request("h" + std::to_string(n), "0", "ETH-PERP");
    a->send(req);
    FIX::Message y = expect(*a, answer("y", 320, "h" + std::to_string(n)), "SecurityList");
    status = group_field(y, 146, 55, 1, 20203);
    if (status != "2") std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, "2");
  stop_all({a.get()});
}

TEST(FixData, SecurityStatusOnRequestAndPushedOnHaltAndResume) {
  VenueHarness venue(add_market_data_session);
  auto a = venue.connect("DESK_A");
  InitiatorOptions mo = venue.options("MD_1");
  mo.password = "md-1-pass";
  auto md = venue.connect(mo);

  FIX::Message sub = status_request("ss1", "BTC-PERP", '1');
  a->send(sub);
  FIX::Message f = expect(*a, answer("f", 324, "ss1"), "SecurityStatus");
  EXPECT_EQ(field(f, 55), "BTC-PERP");
  EXPECT_EQ(field(f, 326), "17");
  EXPECT_EQ(field(f, 325), "N");
  FIX::Message snap = status_request("m1", "BTC-PERP", '0');
  md->send(snap);
  EXPECT_EQ(field(expect(*md, answer("f", 324, "m1"), "SecurityStatus on md"), 326), "17");

  venue.admin(SetMarketStatus{0, MarketStatus::halted});
  FIX::Message halted = expect(
      *a, [](const FIX::Message& m) { return field(m, 35) == "f" && field(m, 326) == "2"; },
      "halt push");
  EXPECT_EQ(field(halted, 324), "ss1");
  EXPECT_EQ(field(halted, 325), "Y");
  EXPECT_EQ(field(halted, 58), "halted");
  venue.admin(SetMarketStatus{0, MarketStatus::open});
  FIX::Message resumed = expect(
      *a, [](const FIX::Message& m) { return field(m, 35) == "f" && field(m, 326) == "17"; },
      "resume push");
  EXPECT_EQ(field(resumed, 325), "Y");
  // md only asked for a snapshot: no push.
  EXPECT_FALSE(md->wait_for(type_is("f"), 300ms));

  // 263=2 ends the subscription: the next halt is not pushed.
  FIX::Message end = status_request("ss1", "BTC-PERP", '2');
  a->send(end);
  venue.admin(SetMarketStatus{0, MarketStatus::closed});
  EXPECT_FALSE(a->wait_for(type_is("f"), 500ms));
  // A status request now reads the closed market.
  FIX::Message after = status_request("ss2", "BTC-PERP", '0');
  a->send(after);
  EXPECT_EQ(field(expect(*a, answer("f", 324, "ss2"), "SecurityStatus"), 326), "18");
  stop_all({a.get(), md.get()});
}

TEST(FixData, SecurityStatusForAnUnknownSymbolIsRejected) {
  VenueHarness venue;
  auto a = venue.connect("DESK_A");
  FIX::Message req = status_request("u1", "DOGE-PERP", '1');
  a->send(req);
  FIX::Message j = expect(*a, type_is("j"), "BusinessMessageReject");
  EXPECT_EQ(field(j, 372), "e");
  EXPECT_EQ(field(j, 379), "u1");
  EXPECT_EQ(field(j, 380), "2");  // unknown security
  EXPECT_EQ(field(j, 58), "unknown symbol DOGE-PERP");
  // Ending a subscription that does not exist, and subscribing twice with one id.
  FIX::Message end = status_request("u2", "BTC-PERP", '2');
  a->send(end);
  FIX::Message j2 = expect(
      *a, [](const FIX::Message& m) { return field(m, 35) == "j" && field(m, 379) == "u2"; },
      "reject of an unknown subscription");
  EXPECT_EQ(field(j2, 380), "1");  // unknown id
  FIX::Message sub = status_request("u3", "BTC-PERP", '1');
  a->send(sub);
  expect(*a, answer("f", 324, "u3"), "SecurityStatus");
  a->send(sub);
  FIX::Message j3 = expect(
      *a, [](const FIX::Message& m) { return field(m, 35) == "j" && field(m, 379) == "u3"; },
      "reject of a second subscription with the same id");
  EXPECT_EQ(field(j3, 58), "SecurityStatusReqID u3 is already subscribed");
  stop_all({a.get()});
}

TEST(FixData, RolesDecideWhoMayAskForWhat) {
  VenueHarness venue(add_market_data_session);
  auto dc = venue.connect("COMPLIANCE");
  InitiatorOptions mo = venue.options("MD_1");
  mo.password = "md-1-pass";
  auto md = venue.connect(mo);
  // Market data sessions: reference data yes, account reports no.
  FIX::Message list = security_list_request("r1", "4");
  md->send(list);
  EXPECT_EQ(field(expect(*md, answer("y", 320, "r1"), "SecurityList on md"), 560), "0");
  FIX::Message pos = positions_request("r2", '0');
  md->send(pos);
  FIX::Message j1 = expect(*md, type_is("j"), "reject of AN on md");
  EXPECT_EQ(field(j1, 372), "AN");
  EXPECT_EQ(field(j1, 380), "6");
  FIX::Message coll = collateral_inquiry("r3", '0');
  md->send(coll);
  EXPECT_EQ(field(expect(*md, type_is("j"), "reject of BB on md"), 372), "BB");
  // Drop copy: nothing of this.
  for (FIX::Message m : {security_list_request("d1", "4"), status_request("d2", "BTC-PERP", '0'),
                         positions_request("d3", '0'), collateral_inquiry("d4", '0')}) {
    const std::string type = m.getHeader().getField(35);
    dc->send(m);
    FIX::Message j = expect(
        *dc, [&](const FIX::Message& r) { return field(r, 35) == "j" && field(r, 372) == type; },
        "reject on drop copy");
    EXPECT_EQ(field(j, 380), "6") << type;
  }
  stop_all({dc.get(), md.get()});
}

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
