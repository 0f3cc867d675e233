// Order types and time in force end to end through Exchange::process: limit, market (bounded by
// the band's protection price), IOC, FOK, post-only, and Day / GTD expiry by ClockTick. Events are
// checked field by field.

#include <gtest/gtest.h>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

using OrdersTest = ExchangeTest;

TEST_F(OrdersTest, LimitRestsThenFillsAtTheMakersPrice) {
  std::vector<Event> ev = run(limit(ALICE, Side::sell, usd(50'010), lots(2), "A1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted"}));
  EXPECT_EQ(ev[0].seq, last_seq);
  EXPECT_EQ(ev[0].index, 0u);
  EXPECT_EQ(ev[0].ts, T0);
  const OrderState& a = as_event<OrderAccepted>(ev, 0).order;
  EXPECT_EQ(a.order_id, 1u);
  EXPECT_EQ(a.origin.account, ALICE);
  EXPECT_EQ(a.origin.session, session_of(ALICE));
  EXPECT_EQ(a.market, BTC);
  EXPECT_EQ(a.client_id.view(), "A1");
  EXPECT_TRUE(a.orig_client_id.empty());
  EXPECT_EQ(a.side, Side::sell);
  EXPECT_EQ(a.type, OrderType::limit);
  EXPECT_EQ(a.tif, TimeInForce::gtc);
  EXPECT_EQ(a.status, OrderStatus::new_);
  EXPECT_EQ(a.price, usd(50'010));
  EXPECT_EQ(a.stop_price, Price(0));
  EXPECT_EQ(a.order_qty, lots(2));
  EXPECT_EQ(a.leaves_qty, lots(2));
  EXPECT_EQ(a.cum_qty, Qty(0));
  EXPECT_EQ(a.avg_price, Price(0));
  EXPECT_EQ(a.expire_time, 0);
  EXPECT_FALSE(a.post_only);

  ev = run(limit(BOB, Side::buy, usd(50'020), lots(3), "B1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.order_id, 2u);
  const OrderFilled& maker = as_event<OrderFilled>(ev, 1);
  const OrderFilled& taker = as_event<OrderFilled>(ev, 2);
  EXPECT_EQ(ev[1].exec_id(), (ExecId{last_seq, 1}));
  EXPECT_EQ(ev[2].exec_id(), (ExecId{last_seq, 2}));
  EXPECT_EQ(maker.trade_id, (TradeId{last_seq, 0}));
  EXPECT_EQ(taker.trade_id, maker.trade_id);

  EXPECT_EQ(maker.order.order_id, 1u);
  EXPECT_EQ(maker.order.client_id.view(), "A1");
  EXPECT_EQ(maker.order.status, OrderStatus::filled);
  EXPECT_EQ(maker.order.leaves_qty, Qty(0));
  EXPECT_EQ(maker.order.cum_qty, lots(2));
  EXPECT_EQ(maker.order.avg_price, usd(50'010));
  EXPECT_EQ(maker.counterparty_order_id, 2u);
  EXPECT_EQ(maker.counterparty_account, BOB);
  EXPECT_EQ(maker.last_price, usd(50'010));
  EXPECT_EQ(maker.last_qty, lots(2));
  EXPECT_EQ(maker.liquidity, Liquidity::maker);
  EXPECT_EQ(maker.aggressor_side, Side::buy);

  EXPECT_EQ(taker.order.order_id, 2u);
  EXPECT_EQ(taker.order.status, OrderStatus::partially_filled);
  EXPECT_EQ(taker.order.price, usd(50'020));
  EXPECT_EQ(taker.order.order_qty, lots(3));
  EXPECT_EQ(taker.order.leaves_qty, lots(1));
  EXPECT_EQ(taker.order.cum_qty, lots(2));
  EXPECT_EQ(taker.order.avg_price, usd(50'010));
  EXPECT_EQ(taker.counterparty_order_id, 1u);
  EXPECT_EQ(taker.counterparty_account, ALICE);
  EXPECT_EQ(taker.last_price, usd(50'010));
  EXPECT_EQ(taker.last_qty, lots(2));
  EXPECT_EQ(taker.liquidity, Liquidity::taker);
  EXPECT_EQ(taker.aggressor_side, Side::buy);

  EXPECT_EQ(book_side(Side::buy), (Side3{{2, 50'020, 1}}));
  EXPECT_TRUE(book_side(Side::sell).empty());
  EXPECT_EQ(ex.order(1), nullptr);
  ASSERT_NE(ex.order(2), nullptr);
  EXPECT_TRUE(ex.order(2)->resting);
  EXPECT_EQ(ex.live_orders(), 1u);
}

TEST_F(OrdersTest, TradeIdsCountFillsWithinTheCommand) {
  rest(ALICE, Side::sell, 50'000, 1, "A1");
  rest(BOB, Side::sell, 50'001, 1, "B1");
  std::vector<Event> ev = run(limit(CAROL, Side::buy, usd(50'001), lots(2), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).trade_id, (TradeId{last_seq, 0}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).trade_id, (TradeId{last_seq, 1}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).order.status, OrderStatus::filled);
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).last_price, usd(50'001));
  for (uint32_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i].index, i);
}

TEST_F(OrdersTest, AveragePriceIsCumulativeAndRoundsHalfUp) {
  rest(ALICE, Side::sell, 50'000, 127, "A1");
  rest(BOB, Side::sell, 50'001, 1, "B1");
  std::vector<Event> ev = run(limit(CAROL, Side::buy, usd(50'001), lots(128), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 2).order.avg_price, usd(50'000));
  // (127 x 50,000 + 1 x 50,001) / 128 = 50,000.0078125: the 7th decimal is a 5, rounded up.
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).order.avg_price, Price(50'000'007'813));
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).order.cum_qty, lots(128));
}

TEST_F(OrdersTest, MarketBuyNeverSweepsPastTheProtectionPrice) {
  rest(ALICE, Side::sell, 50'000, 1, "A1");
  rest(BOB, Side::sell, 52'500, 1, "B1");  // the band's edge: mark 50,000 + 5%
  const OrderId beyond = rest(BOB, Side::sell, 52'501, 1, "B2");
  std::vector<Event> ev = run(market_order(CAROL, Side::buy, lots(5), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "filled", "filled", "canceled"}));
  const OrderState& acc = as_event<OrderAccepted>(ev, 0).order;
  EXPECT_EQ(acc.type, OrderType::market);
  EXPECT_EQ(acc.price, usd(52'500));  // the protection price
  EXPECT_EQ(as_event<OrderFilled>(ev, 2).last_price, usd(50'000));
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).last_price, usd(52'500));
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 5);
  EXPECT_EQ(c.reason, CancelReason::market_remainder);
  EXPECT_EQ(c.canceled_qty, lots(3));
  EXPECT_EQ(c.order.status, OrderStatus::canceled);
  EXPECT_EQ(c.order.leaves_qty, Qty(0));
  EXPECT_EQ(c.order.cum_qty, lots(2));
  EXPECT_EQ(c.order.avg_price, usd(51'250));
  EXPECT_EQ(book_side(Side::sell), (Side3{{beyond, 52'501, 1}}));
  EXPECT_EQ(ex.live_orders(), 1u);
}

TEST_F(OrdersTest, MarketSellNeverSweepsPastTheProtectionPrice) {
  rest(ALICE, Side::buy, 50'000, 1, "A1");
  rest(BOB, Side::buy, 47'500, 1, "B1");  // mark 50,000 - 5%
  const OrderId beyond = rest(BOB, Side::buy, 47'499, 1, "B2");
  std::vector<Event> ev = run(market_order(CAROL, Side::sell, lots(3), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "filled", "filled", "canceled"}));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.price, usd(47'500));
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).last_price, usd(47'500));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 5).canceled_qty, lots(1));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 5).reason, CancelReason::market_remainder);
  EXPECT_EQ(book_side(Side::buy), (Side3{{beyond, 47'499, 1}}));
}

TEST_F(OrdersTest, MarketOrderFilledInFullEndsWithItsLastFill) {
  rest(ALICE, Side::sell, 50'100, 3, "A1");
  std::vector<Event> ev = run(market_order(CAROL, Side::buy, lots(2), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 2).order.status, OrderStatus::filled);
  EXPECT_EQ(ex.live_orders(), 1u);
}

TEST_F(OrdersTest, ProtectionPriceStaysInsideTheBandOnTheTickGrid) {
  run(SetMarkPrice{BTC, Price(50'000'300'000)});  // 50,000.30
  // Buy edge 52,500.315 rounds down to 52,500; sell edge 47,500.285 rounds up to 47,501.
  std::vector<Event> ev = run(market_order(CAROL, Side::buy, lots(1), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.price, usd(52'500));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::market_remainder);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).canceled_qty, lots(1));
  ev = run(market_order(CAROL, Side::sell, lots(1), "C2"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.price, usd(47'501));
  EXPECT_EQ(ex.live_orders(), 0u);
}

TEST_F(OrdersTest, MarketOrderWithoutAMarkIsRejected) {
  rest(ALICE, Side::sell, 50'000, 1, "A1", NOMARK);
  std::vector<Event> ev = run(market_order(CAROL, Side::buy, lots(1), "C1", NOMARK));
  ASSERT_EQ(kinds(ev), (Kinds{"rejected"}));
  const OrderRejected& r = as_event<OrderRejected>(ev, 0);
  EXPECT_EQ(r.reason, RejectReason::no_reference_price);
  EXPECT_EQ(r.order.order_id, 0u);
  EXPECT_EQ(r.order.status, OrderStatus::rejected);
  EXPECT_EQ(r.order.leaves_qty, Qty(0));
  EXPECT_EQ(r.order.order_qty, lots(1));
  EXPECT_EQ(r.order.client_id.view(), "C1");
  EXPECT_EQ(book_side(Side::sell, NOMARK).size(), 1u);
}

TEST_F(OrdersTest, FillOrKillIsAllOrNothing) {
  rest(ALICE, Side::sell, 50'000, 2, "A1");
  rest(BOB, Side::sell, 50'001, 1, "B1");
  std::vector<Event> ev =
      run(limit(CAROL, Side::buy, usd(50'001), lots(4), "C1", TimeInForce::fok));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 1);
  EXPECT_EQ(c.reason, CancelReason::fok_unfilled);
  EXPECT_EQ(c.canceled_qty, lots(4));
  EXPECT_EQ(c.order.cum_qty, Qty(0));
  EXPECT_EQ(c.order.tif, TimeInForce::fok);
  EXPECT_EQ(book_side(Side::sell), (Side3{{1, 50'000, 2}, {2, 50'001, 1}}));  // untouched

  ev = run(limit(CAROL, Side::buy, usd(50'001), lots(3), "C2", TimeInForce::fok));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).order.status, OrderStatus::filled);
  EXPECT_TRUE(book_side(Side::sell).empty());
  EXPECT_EQ(ex.live_orders(), 0u);
}

TEST_F(OrdersTest, FillOrKillCountsOnlyPricesWithinItsLimit) {
  rest(ALICE, Side::sell, 50'000, 2, "A1");
  rest(BOB, Side::sell, 50'002, 5, "B1");
  std::vector<Event> ev =
      run(limit(CAROL, Side::buy, usd(50'001), lots(3), "C1", TimeInForce::fok));
  EXPECT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  NewOrder m = market_order(CAROL, Side::buy, lots(8), "C2");
  m.tif = TimeInForce::fok;
  ev = run(m);
  EXPECT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::fok_unfilled);
  m.qty = lots(7);
  m.client_id = ClientOrderId("C3");
  ev = run(m);
  EXPECT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "filled", "filled"}));
}

TEST_F(OrdersTest, ImmediateOrCancelCancelsTheRemainder) {
  rest(ALICE, Side::sell, 50'000, 2, "A1");
  std::vector<Event> ev =
      run(limit(CAROL, Side::buy, usd(50'000), lots(5), "C1", TimeInForce::ioc));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "canceled"}));
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 3);
  EXPECT_EQ(c.reason, CancelReason::ioc_remainder);
  EXPECT_EQ(c.canceled_qty, lots(3));
  EXPECT_EQ(c.order.status, OrderStatus::canceled);
  EXPECT_EQ(c.order.leaves_qty, Qty(0));
  EXPECT_EQ(c.order.cum_qty, lots(2));
  EXPECT_EQ(c.order.avg_price, usd(50'000));
  EXPECT_TRUE(c.request_client_id.empty());
  EXPECT_TRUE(book_side(Side::buy).empty());
  // Nothing to take: accepted and cancelled at once.
  ev = run(limit(CAROL, Side::buy, usd(49'000), lots(1), "C2", TimeInForce::ioc));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).canceled_qty, lots(1));
  EXPECT_EQ(ex.live_orders(), 0u);
}

TEST_F(OrdersTest, PostOnlyRestsOrIsRejected) {
  rest(ALICE, Side::sell, 50'000, 1, "A1");
  NewOrder p = limit(BOB, Side::buy, usd(50'000), lots(1), "B1");
  p.post_only = true;
  std::vector<Event> ev = run(p);
  ASSERT_EQ(kinds(ev), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(ev, 0).reason, RejectReason::post_only_would_take);
  EXPECT_TRUE(as_event<OrderRejected>(ev, 0).order.post_only);
  p.price = usd(49'999);
  ev = run(p);
  ASSERT_EQ(kinds(ev), (Kinds{"accepted"}));
  EXPECT_TRUE(as_event<OrderAccepted>(ev, 0).order.post_only);
  EXPECT_EQ(book_side(Side::buy),
            (Side3{{as_event<OrderAccepted>(ev, 0).order.order_id, 49'999, 1}}));
}

// --- expiry

TEST_F(OrdersTest, DayOrderExpiresAtTheDayBoundary) {
  rest(ALICE, Side::sell, 50'000, 1, "A0");
  std::vector<Event> ev = run(limit(BOB, Side::buy, usd(50'000), lots(3), "B1", TimeInForce::day));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled"}));
  const OrderId id = as_event<OrderAccepted>(ev, 0).order.order_id;
  const TimestampNs midnight = JAN_2_2024 + DAY;
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.expire_time, midnight);
  EXPECT_TRUE(tick_at(midnight - 1).empty());
  EXPECT_EQ(book_side(Side::buy), (Side3{{id, 50'000, 2}}));
  ev = tick_at(midnight);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 0);
  EXPECT_EQ(c.order.order_id, id);
  EXPECT_EQ(c.reason, CancelReason::expired);
  EXPECT_EQ(c.order.status, OrderStatus::expired);
  EXPECT_EQ(c.canceled_qty, lots(2));
  EXPECT_EQ(c.order.cum_qty, lots(1));
  EXPECT_EQ(c.order.leaves_qty, Qty(0));
  EXPECT_EQ(ev[0].ts, midnight);
  EXPECT_TRUE(book_side(Side::buy).empty());
  EXPECT_TRUE(tick_at(midnight + HOUR).empty());  // expires once
}

TEST_F(OrdersTest, DayEndsAtTheMarketsOffsetFromMidnight) {
  // ETH's day ends at 21:00 UTC: entered at 10:00 an order ends the same day, at 22:00 the next.
  const Price eth_px(2'990 * PRICE_PRECISION);
  const Qty one_eth(QTY_PRECISION);
  std::vector<Event> ev =
      run(limit(ALICE, Side::buy, eth_px, one_eth, "A1", TimeInForce::day, ETH));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.expire_time, JAN_2_2024 + 21 * HOUR);
  ev = tick_at(JAN_2_2024 + 21 * HOUR);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.client_id.view(), "A1");
  now = JAN_2_2024 + 22 * HOUR;
  ev = run(limit(ALICE, Side::buy, eth_px, one_eth, "A2", TimeInForce::day, ETH));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.expire_time, JAN_2_2024 + DAY + 21 * HOUR);
  // Entered exactly at a boundary, an order lives until the next one.
  now = JAN_2_2024 + DAY;
  ev = run(limit(ALICE, Side::buy, usd(49'000), lots(1), "A3", TimeInForce::day));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.expire_time, JAN_2_2024 + 2 * DAY);
  ev = tick_at(JAN_2_2024 + DAY + 21 * HOUR);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.client_id.view(), "A2");
  EXPECT_EQ(ex.live_orders(), 1u);
}

TEST_F(OrdersTest, GoodTillDateExpiresAtItsTime) {
  NewOrder o = limit(ALICE, Side::buy, usd(49'000), lots(1), "A1", TimeInForce::gtd);
  o.expire_time = T0 + HOUR;
  std::vector<Event> ev = run(o);
  ASSERT_EQ(kinds(ev), (Kinds{"accepted"}));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.expire_time, T0 + HOUR);
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.tif, TimeInForce::gtd);
  EXPECT_TRUE(tick_at(T0 + HOUR - 1).empty());
  ev = tick_at(T0 + HOUR);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).reason, CancelReason::expired);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.status, OrderStatus::expired);
  // Once expired it no longer trades: a crossing sell now rests.
  ev = run(limit(BOB, Side::sell, usd(49'000), lots(1), "B1"));
  EXPECT_EQ(kinds(ev), (Kinds{"accepted"}));
}

TEST_F(OrdersTest, ExpiryIgnoresOrdersThatAlreadyLeftAndRunsInTimeOrder) {
  NewOrder o = limit(ALICE, Side::buy, usd(49'000), lots(1), "A1", TimeInForce::gtd);
  o.expire_time = T0 + 2 * HOUR;
  const OrderId late = place(o);
  o.client_id = ClientOrderId("A2");
  o.expire_time = T0 + HOUR;
  const OrderId early = place(o);
  o.client_id = ClientOrderId("A3");
  const OrderId gone = place(o);
  run(cancel(ALICE, gone, "X1"));
  NewOrder s =
      stop(ALICE, Side::buy, OrderType::stop_limit, usd(51'000), usd(51'000), lots(1), "A4");
  s.tif = TimeInForce::gtd;
  s.expire_time = T0 + HOUR;
  const OrderId pending_stop = place(s);
  std::vector<Event> ev = tick_at(T0 + 3 * HOUR);
  ASSERT_EQ(kinds(ev), (Kinds{"canceled", "canceled", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).order.order_id, early);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.order_id, pending_stop);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 2).order.order_id, late);
  EXPECT_EQ(ex.live_orders(), 0u);
  // The expired stop no longer triggers.
  EXPECT_EQ(kinds(run(SetMarkPrice{BTC, usd(51'500)})), (Kinds{"mark_set"}));
}

}  // namespace
}  // namespace qd::test
