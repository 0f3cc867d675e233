// Market status: a halted market refuses new orders and replaces but takes cancels; closing a
// market ends every order in it; other markets carry on.

#include <gtest/gtest.h>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

using MarketStatusTest = ExchangeTest;

TEST_F(MarketStatusTest, HaltedMarketRefusesNewOrdersAndReplacesButTakesCancels) {
  const OrderId a = rest(ALICE, Side::buy, 49'000, 1, "A1");
  const OrderId b = rest(ALICE, Side::buy, 48'000, 1, "A2");
  std::vector<Event> ev = run(SetMarketStatus{BTC, MarketStatus::halted});
  ASSERT_EQ(kinds(ev), (Kinds{"status_changed"}));
  EXPECT_EQ(as_event<MarketStatusChanged>(ev, 0).market, BTC);
  EXPECT_EQ(as_event<MarketStatusChanged>(ev, 0).status, MarketStatus::halted);
  EXPECT_EQ(ex.market(BTC).status, MarketStatus::halted);

  ev = run(limit(BOB, Side::sell, usd(49'000), lots(1), "B1"));
  ASSERT_EQ(kinds(ev), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(ev, 0).reason, RejectReason::market_halted);
  ev = run(replace(ALICE, a, Side::buy, usd(49'500), lots(1), "A3"));
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::market_halted);
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).order_id, a);
  EXPECT_EQ(kinds(run(cancel(ALICE, a, "X1"))), (Kinds{"canceled"}));
  ev = run(MassCancel{as(ALICE), MassCancelScope::account_market, BTC, ClientOrderId("M1"),
                      CancelReason::mass_cancel});
  EXPECT_EQ(kinds(ev), (Kinds{"canceled", "mass_done"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.order_id, b);
  // Other markets trade on.
  EXPECT_EQ(kinds(run(limit(BOB, Side::buy, usd(2'900), Qty(QTY_PRECISION), "B2", TimeInForce::gtc,
                            ETH))),
            (Kinds{"accepted"}));
  // Reopened, it takes orders again.
  run(SetMarketStatus{BTC, MarketStatus::open});
  EXPECT_EQ(kinds(run(limit(BOB, Side::sell, usd(49'000), lots(1), "B1"))), (Kinds{"accepted"}));
}

TEST_F(MarketStatusTest, ClosingAMarketEndsEveryOrderInIt) {
  const OrderId a = rest(ALICE, Side::buy, 49'000, 2, "A1");
  run(limit(BOB, Side::sell, usd(49'000), lots(1), "B0"));  // a is now partly filled
  const OrderId b = rest(BOB, Side::sell, 51'000, 1, "B1");
  const OrderId s =
      place(stop(CAROL, Side::buy, OrderType::stop_market, usd(50'500), Price(0), lots(1), "C1"));
  const OrderId eth =
      place(limit(BOB, Side::buy, usd(2'900), Qty(QTY_PRECISION), "B2", TimeInForce::gtc, ETH));
  std::vector<Event> ev = run(SetMarketStatus{BTC, MarketStatus::closed});
  ASSERT_EQ(kinds(ev), (Kinds{"status_changed", "canceled", "canceled", "canceled"}));
  const std::vector<OrderId> want{a, b, s};
  for (size_t i = 0; i < 3; ++i) {
    const OrderCanceled& c = as_event<OrderCanceled>(ev, i + 1);
    EXPECT_EQ(c.order.order_id, want[i]);
    EXPECT_EQ(c.reason, CancelReason::market_closed);
    EXPECT_EQ(c.order.status, OrderStatus::canceled);
    EXPECT_EQ(c.order.leaves_qty, Qty(0));
  }
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).canceled_qty, lots(1));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.cum_qty, lots(1));
  EXPECT_TRUE(book_side(Side::buy).empty());
  EXPECT_TRUE(book_side(Side::sell).empty());
  EXPECT_EQ(ex.live_orders(), 1u);
  EXPECT_NE(ex.order(eth), nullptr);

  ev = run(limit(BOB, Side::sell, usd(49'000), lots(1), "B3"));
  ASSERT_EQ(kinds(ev), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(ev, 0).reason, RejectReason::market_closed);
  // The closed market's stop is gone: a new mark triggers nothing.
  EXPECT_EQ(kinds(run(SetMarkPrice{BTC, usd(51'000)})), (Kinds{"mark_set"}));
}

TEST_F(MarketStatusTest, StatusAndMarkForAnUnknownMarketDoNothing) {
  EXPECT_TRUE(run(SetMarketStatus{NO_SUCH_MARKET, MarketStatus::halted}).empty());
  EXPECT_TRUE(run(SetMarkPrice{NO_SUCH_MARKET, usd(1)}).empty());
  EXPECT_TRUE(run(SetMarkPrice{BTC, Price(0)}).empty());  // a zero mark is not a price
  EXPECT_EQ(ex.mark(BTC), BTC_MARK);
}

}  // namespace
}  // namespace qd::test
