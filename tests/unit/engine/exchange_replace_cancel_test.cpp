// Cancel, cancel/replace and mass cancel: priority rules on replace (observed by the order in
// which a later aggressor fills), lookups by OrderID and by OrigClOrdID, other accounts' orders
// reported unknown, and every mass-cancel scope.

#include <gtest/gtest.h>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

using ReplaceCancelTest = ExchangeTest;

/// The maker order ids of a command's fills, in order.
std::vector<OrderId> makers(const std::vector<Event>& ev) {
  std::vector<OrderId> ids;
  for (const Event& e : ev) {
    if (auto* f = std::get_if<OrderFilled>(&e.body); f && f->liquidity == Liquidity::maker)
      ids.push_back(f->order.order_id);
  }
  return ids;
}

TEST_F(ReplaceCancelTest, QuantityDownAtTheSamePriceKeepsPriority) {
  const OrderId first = rest(ALICE, Side::sell, 50'000, 5, "A1");
  const OrderId second = rest(BOB, Side::sell, 50'000, 5, "B1");
  std::vector<Event> ev = run(replace(ALICE, first, Side::sell, usd(50'000), lots(3), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"replaced"}));
  const OrderReplaced& r = as_event<OrderReplaced>(ev, 0);
  EXPECT_TRUE(r.kept_priority);
  EXPECT_EQ(r.order.order_id, first);
  EXPECT_EQ(r.order.client_id.view(), "A2");
  EXPECT_EQ(r.order.orig_client_id.view(), "A1");
  EXPECT_EQ(r.order.order_qty, lots(3));
  EXPECT_EQ(r.order.leaves_qty, lots(3));
  EXPECT_EQ(r.order.price, usd(50'000));
  EXPECT_EQ(book_side(Side::sell), (Side3{{first, 50'000, 3}, {second, 50'000, 5}}));
  ev = run(limit(CAROL, Side::buy, usd(50'000), lots(4), "C1"));
  EXPECT_EQ(makers(ev), (std::vector<OrderId>{first, second}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).last_qty, lots(3));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).order.client_id.view(), "A2");
}

TEST_F(ReplaceCancelTest, QuantityUpLosesPriority) {
  const OrderId first = rest(ALICE, Side::sell, 50'000, 5, "A1");
  const OrderId second = rest(BOB, Side::sell, 50'000, 5, "B1");
  std::vector<Event> ev = run(replace(ALICE, first, Side::sell, usd(50'000), lots(6), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"replaced"}));
  EXPECT_FALSE(as_event<OrderReplaced>(ev, 0).kept_priority);
  EXPECT_EQ(as_event<OrderReplaced>(ev, 0).order.leaves_qty, lots(6));
  EXPECT_EQ(book_side(Side::sell), (Side3{{second, 50'000, 5}, {first, 50'000, 6}}));
  EXPECT_EQ(makers(run(limit(CAROL, Side::buy, usd(50'000), lots(6), "C1"))),
            (std::vector<OrderId>{second, first}));
}

TEST_F(ReplaceCancelTest, PriceChangeLosesPriorityEvenBackToTheSameLevel) {
  const OrderId first = rest(ALICE, Side::sell, 50'000, 1, "A1");
  const OrderId second = rest(BOB, Side::sell, 50'000, 1, "B1");
  run(replace(ALICE, first, Side::sell, usd(50'001), lots(1), "A2"));
  std::vector<Event> ev = run(replace(ALICE, first, Side::sell, usd(50'000), lots(1), "A3"));
  EXPECT_FALSE(as_event<OrderReplaced>(ev, 0).kept_priority);
  EXPECT_EQ(makers(run(limit(CAROL, Side::buy, usd(50'000), lots(2), "C1"))),
            (std::vector<OrderId>{second, first}));
}

TEST_F(ReplaceCancelTest, ReplaceThatCrossesTradesAtOnce) {
  const OrderId ask = rest(BOB, Side::sell, 50'000, 1, "B1");
  const OrderId bid = rest(ALICE, Side::buy, 49'000, 3, "A1");
  std::vector<Event> ev = run(replace(ALICE, bid, Side::buy, usd(50'000), lots(3), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"replaced", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderReplaced>(ev, 0).order.price, usd(50'000));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).order.order_id, ask);
  const OrderFilled& t = as_event<OrderFilled>(ev, 2);
  EXPECT_EQ(t.order.order_id, bid);
  EXPECT_EQ(t.order.client_id.view(), "A2");
  EXPECT_EQ(t.liquidity, Liquidity::taker);
  EXPECT_EQ(t.order.leaves_qty, lots(2));
  EXPECT_EQ(book_side(Side::buy), (Side3{{bid, 50'000, 2}}));
}

TEST_F(ReplaceCancelTest, ReplaceCountsTheFilledPart) {
  const OrderId id = rest(ALICE, Side::sell, 50'000, 5, "A1");
  run(limit(BOB, Side::buy, usd(50'000), lots(2), "B1"));  // 2 of 5 filled
  for (int64_t q : {2, 1}) {
    std::vector<Event> ev = run(replace(ALICE, id, Side::sell, usd(50'000), lots(q), "A2"));
    ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
    const CancelRejected& r = as_event<CancelRejected>(ev, 0);
    EXPECT_EQ(r.reason, RejectReason::replace_below_filled);
    EXPECT_EQ(r.response_to, CancelRejectTo::replace);
    EXPECT_EQ(r.order_id, id);
    EXPECT_EQ(r.status, OrderStatus::partially_filled);
    EXPECT_EQ(r.client_id.view(), "A2");
    EXPECT_EQ(r.orig_client_id.view(), "A1");
  }
  std::vector<Event> ev = run(replace(ALICE, id, Side::sell, usd(50'000), lots(4), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"replaced"}));
  const OrderReplaced& r = as_event<OrderReplaced>(ev, 0);
  EXPECT_TRUE(r.kept_priority);  // 2 open of a new 4 is less than the 3 open before
  EXPECT_EQ(r.order.order_qty, lots(4));
  EXPECT_EQ(r.order.cum_qty, lots(2));
  EXPECT_EQ(r.order.leaves_qty, lots(2));
  EXPECT_EQ(r.order.status, OrderStatus::partially_filled);
  EXPECT_EQ(book_side(Side::sell), (Side3{{id, 50'000, 2}}));
}

TEST_F(ReplaceCancelTest, ReplaceMayNotChangeTheSide) {
  const OrderId id = rest(ALICE, Side::sell, 50'000, 5, "A1");
  std::vector<Event> ev = run(replace(ALICE, id, Side::buy, usd(49'000), lots(5), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::replace_changes_side);
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).status, OrderStatus::new_);
  EXPECT_EQ(book_side(Side::sell), (Side3{{id, 50'000, 5}}));
}

TEST_F(ReplaceCancelTest, ReplaceByOrigClOrdIdAndChainedClOrdIds) {
  const OrderId id = rest(ALICE, Side::buy, 49'000, 5, "A1");
  ReplaceOrder r = replace(ALICE, 0, Side::buy, usd(49'000), lots(4), "A2");
  r.ref.orig_client_id = ClientOrderId("A1");
  std::vector<Event> ev = run(r);
  ASSERT_EQ(kinds(ev), (Kinds{"replaced"}));
  EXPECT_EQ(as_event<OrderReplaced>(ev, 0).order.order_id, id);
  // The old ClOrdID is gone; the new one names the order.
  ev = run(r);
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::unknown_order);
  r.ref.orig_client_id = ClientOrderId("A2");
  r.client_id = ClientOrderId("A3");
  r.qty = lots(3);
  ev = run(r);
  ASSERT_EQ(kinds(ev), (Kinds{"replaced"}));
  EXPECT_EQ(as_event<OrderReplaced>(ev, 0).order.orig_client_id.view(), "A2");
  // A replace may keep its ClOrdID, but not take another live order's.
  rest(ALICE, Side::buy, 48'000, 1, "OTHER");
  r.ref.orig_client_id = ClientOrderId("A3");
  r.client_id = ClientOrderId("OTHER");
  ev = run(r);
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::duplicate_client_order_id);
  r.client_id = ClientOrderId("A3");
  EXPECT_EQ(kinds(run(r)), (Kinds{"replaced"}));
}

TEST_F(ReplaceCancelTest, ReplaceOfUnknownOrOthersOrdersIsUnknown) {
  const OrderId bobs = rest(BOB, Side::sell, 50'000, 5, "B1");
  for (const ReplaceOrder& r : {replace(ALICE, bobs, Side::sell, usd(50'000), lots(1), "A1"),
                                replace(ALICE, 12345, Side::sell, usd(50'000), lots(1), "A1"),
                                replace(BOB, bobs, Side::sell, usd(50'000), lots(1), "B2", ETH)}) {
    std::vector<Event> ev = run(r);
    ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
    const CancelRejected& c = as_event<CancelRejected>(ev, 0);
    EXPECT_EQ(c.reason, RejectReason::unknown_order);
    EXPECT_EQ(c.status, OrderStatus::rejected);  // nothing revealed about the order
    EXPECT_EQ(c.response_to, CancelRejectTo::replace);
  }
  EXPECT_EQ(book_side(Side::sell), (Side3{{bobs, 50'000, 5}}));
}

TEST_F(ReplaceCancelTest, PostOnlyReplaceThatWouldTakeIsRefused) {
  rest(BOB, Side::sell, 50'000, 1, "B1");
  NewOrder p = limit(ALICE, Side::buy, usd(49'000), lots(1), "A1");
  p.post_only = true;
  const OrderId id = place(p);
  std::vector<Event> ev = run(replace(ALICE, id, Side::buy, usd(50'000), lots(1), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::post_only_would_take);
  EXPECT_EQ(kinds(run(replace(ALICE, id, Side::buy, usd(49'999), lots(1), "A2"))),
            (Kinds{"replaced"}));
}

// --- cancel

TEST_F(ReplaceCancelTest, CancelByOrderIdReportsTheRequestAndTheOrder) {
  const OrderId id = rest(ALICE, Side::buy, 49'000, 5, "A1");
  run(limit(BOB, Side::sell, usd(49'000), lots(2), "B1"));
  std::vector<Event> ev = run(cancel(ALICE, id, "X1"));
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 0);
  EXPECT_EQ(c.order.order_id, id);
  EXPECT_EQ(c.order.client_id.view(), "X1");
  EXPECT_EQ(c.order.orig_client_id.view(), "A1");
  EXPECT_EQ(c.request_client_id.view(), "X1");
  EXPECT_EQ(c.reason, CancelReason::client_request);
  EXPECT_EQ(c.order.status, OrderStatus::canceled);
  EXPECT_EQ(c.canceled_qty, lots(3));
  EXPECT_EQ(c.order.leaves_qty, Qty(0));
  EXPECT_EQ(c.order.cum_qty, lots(2));
  EXPECT_EQ(c.order.avg_price, usd(49'000));
  EXPECT_TRUE(book_side(Side::buy).empty());
  EXPECT_EQ(ex.order(id), nullptr);
  // A second cancel finds nothing.
  ev = run(cancel(ALICE, id, "X2"));
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::unknown_order);
}

TEST_F(ReplaceCancelTest, CancelByOrigClOrdId) {
  const OrderId id = rest(ALICE, Side::buy, 49'000, 5, "A1");
  std::vector<Event> ev = run(cancel_by_client_id(ALICE, "A1", "X1"));
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.order_id, id);
  // The ClOrdID is free again once the order is gone.
  EXPECT_EQ(kinds(run(limit(ALICE, Side::buy, usd(49'000), lots(1), "A1"))), (Kinds{"accepted"}));
}

TEST_F(ReplaceCancelTest, CancelOfUnknownOrOthersOrdersIsUnknown) {
  const OrderId bobs = rest(BOB, Side::sell, 50'000, 5, "B1");
  for (const CancelOrder& c : {cancel(ALICE, bobs, "X1"), cancel_by_client_id(ALICE, "B1", "X2"),
                               cancel(ALICE, 777, "X3"), cancel(BOB, bobs, "X4", ETH)}) {
    std::vector<Event> ev = run(c);
    ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
    const CancelRejected& r = as_event<CancelRejected>(ev, 0);
    EXPECT_EQ(r.reason, RejectReason::unknown_order);
    EXPECT_EQ(r.response_to, CancelRejectTo::cancel);
    EXPECT_EQ(r.client_id, c.client_id);
    EXPECT_EQ(r.order_id, c.ref.order_id);
    EXPECT_EQ(r.origin.account, c.origin.account);
  }
  EXPECT_EQ(book_side(Side::sell), (Side3{{bobs, 50'000, 5}}));
}

TEST_F(ReplaceCancelTest, TheVenueMayCancelAnyOrder) {
  const OrderId bobs = rest(BOB, Side::sell, 50'000, 5, "B1");
  CancelOrder c = cancel(ALICE, bobs, "ADMIN1");
  c.origin = VENUE;
  std::vector<Event> ev = run(c);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.origin.account, BOB);
}

// --- mass cancel

class MassCancelTest : public ExchangeTest {
 protected:
  void SetUp() override {
    a_btc = rest(ALICE, Side::buy, 49'000, 1, "A1");
    a_eth = place(
        limit(ALICE, Side::sell, usd(3'100), Qty(QTY_PRECISION), "A2", TimeInForce::gtc, ETH));
    a_stop =
        place(stop(ALICE, Side::buy, OrderType::stop_market, usd(51'000), Price(0), lots(1), "A3"));
    b_btc = rest(BOB, Side::sell, 51'000, 1, "B1");
    b_eth =
        place(limit(BOB, Side::buy, usd(2'900), Qty(QTY_PRECISION), "B2", TimeInForce::gtc, ETH));
  }
  static std::vector<OrderId> canceled(const std::vector<Event>& ev) {
    std::vector<OrderId> ids;
    for (const Event& e : ev) {
      if (auto* c = std::get_if<OrderCanceled>(&e.body)) {
        EXPECT_EQ(c->reason, CancelReason::mass_cancel);
        ids.push_back(c->order.order_id);
      }
    }
    return ids;
  }
  MassCancel mass(AccountId a, MassCancelScope scope, MarketId market = BTC) {
    return MassCancel{as(a), scope, market, ClientOrderId("M1"), CancelReason::mass_cancel};
  }
  OrderId a_btc = 0, a_eth = 0, a_stop = 0, b_btc = 0, b_eth = 0;
};

TEST_F(MassCancelTest, AccountScopeCancelsOwnOrdersInEveryMarket) {
  std::vector<Event> ev = run(mass(ALICE, MassCancelScope::account));
  EXPECT_EQ(canceled(ev), (std::vector<OrderId>{a_btc, a_eth, a_stop}));
  ASSERT_EQ(kind(ev.back()), std::string("mass_done"));
  const MassCancelDone& d = std::get<MassCancelDone>(ev.back().body);
  EXPECT_EQ(d.canceled, 3u);
  EXPECT_EQ(d.reason, RejectReason::none);
  EXPECT_EQ(d.client_id.view(), "M1");
  EXPECT_EQ(d.scope, MassCancelScope::account);
  EXPECT_EQ(ex.live_orders(), 2u);
  EXPECT_TRUE(run(SetMarkPrice{BTC, usd(51'000)}).size() == 1);  // the stop is gone
}

TEST_F(MassCancelTest, AccountMarketScope) {
  std::vector<Event> ev = run(mass(ALICE, MassCancelScope::account_market, BTC));
  EXPECT_EQ(canceled(ev), (std::vector<OrderId>{a_btc, a_stop}));
  EXPECT_EQ(std::get<MassCancelDone>(ev.back().body).canceled, 2u);
  EXPECT_NE(ex.order(a_eth), nullptr);
}

TEST_F(MassCancelTest, MarketScopeCancelsEveryAccountsOrdersInTheMarket) {
  MassCancel m = mass(ALICE, MassCancelScope::market, ETH);
  m.origin = VENUE;
  m.reason = CancelReason::admin;
  std::vector<Event> ev = run(m);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled", "canceled", "mass_done"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.order_id, a_eth);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).reason, CancelReason::admin);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.order_id, b_eth);
  EXPECT_EQ(ex.live_orders(), 3u);
}

TEST_F(MassCancelTest, SessionScopeCancelsWhatTheSessionEntered) {
  MassCancel m = mass(BOB, MassCancelScope::session);
  m.reason = CancelReason::cancel_on_disconnect;
  std::vector<Event> ev = run(m);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled", "canceled", "mass_done"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.order_id, b_btc);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).reason, CancelReason::cancel_on_disconnect);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.order_id, b_eth);
  EXPECT_EQ(ex.live_orders(), 3u);
}

TEST_F(MassCancelTest, NothingToCancelAndUnknownMarket) {
  std::vector<Event> ev = run(mass(CAROL, MassCancelScope::account));
  ASSERT_EQ(kinds(ev), (Kinds{"mass_done"}));
  EXPECT_EQ(std::get<MassCancelDone>(ev[0].body).canceled, 0u);
  ev = run(mass(ALICE, MassCancelScope::account_market, NO_SUCH_MARKET));
  ASSERT_EQ(kinds(ev), (Kinds{"mass_done"}));
  EXPECT_EQ(std::get<MassCancelDone>(ev[0].body).reason, RejectReason::unknown_market);
  EXPECT_EQ(ex.live_orders(), 5u);
}

}  // namespace
}  // namespace qd::test
