// SecurityList (x/y) and SecurityStatus (e/f) against the real venue with real QuickFIX
// initiators on loopback: market specs, unknown symbols, halt/resume pushes, roles.
#include <gtest/gtest.h>

#include "tests/integration/fixdata/fixdata_harness.hpp"

namespace qd::fix::test {
namespace {

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
  // 263=2 has no answer: one to a later request on the same session (handled in order on its
  // connection thread) shows it was handled before the admin command races it.
  FIX::Message probe = status_request("ss1b", "BTC-PERP", '0');
  a->send(probe);
  EXPECT_EQ(field(expect(*a, answer("f", 324, "ss1b"), "SecurityStatus"), 326), "17");
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

}  // namespace
}  // namespace qd::fix::test
