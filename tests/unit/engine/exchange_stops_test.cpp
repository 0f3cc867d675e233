// Stop-market and stop-limit orders: they wait for the mark, trigger in trigger-price then time
// order (buys lowest stop first, sells highest first), and then work as market or limit orders.

#include <gtest/gtest.h>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

using StopsTest = ExchangeTest;

std::vector<OrderId> triggered_ids(const std::vector<Event>& ev) {
  std::vector<OrderId> ids;
  for (const Event& e : ev) {
    if (auto* t = std::get_if<OrderTriggered>(&e.body)) ids.push_back(t->order.order_id);
  }
  return ids;
}

TEST_F(StopsTest, StopMarketWaitsForTheMarkThenTakesWithinTheBand) {
  rest(ALICE, Side::sell, 50'600, 1, "A1");
  rest(ALICE, Side::sell, 51'000, 5, "A2");
  std::vector<Event> ev =
      run(stop(BOB, Side::buy, OrderType::stop_market, usd(50'500), Price(0), lots(2), "B1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted"}));
  const OrderState& acc = as_event<OrderAccepted>(ev, 0).order;
  const OrderId id = acc.order_id;
  EXPECT_EQ(acc.type, OrderType::stop_market);
  EXPECT_EQ(acc.stop_price, usd(50'500));
  EXPECT_EQ(acc.price, Price(0));
  EXPECT_EQ(acc.leaves_qty, lots(2));
  ASSERT_NE(ex.order(id), nullptr);
  EXPECT_FALSE(ex.order(id)->resting);
  EXPECT_TRUE(book_side(Side::buy).empty());

  EXPECT_EQ(kinds(run(SetMarkPrice{BTC, usd(50'499)})), (Kinds{"mark_set"}));
  ev = run(SetMarkPrice{BTC, usd(50'500)});
  ASSERT_EQ(kinds(ev), (Kinds{"mark_set", "triggered", "filled", "filled", "filled", "filled"}));
  EXPECT_EQ(as_event<MarkPriceSet>(ev, 0).mark, usd(50'500));
  const OrderState& t = as_event<OrderTriggered>(ev, 1).order;
  EXPECT_EQ(t.order_id, id);
  EXPECT_EQ(t.price, usd(53'025));  // protection from the new mark: 50,500 + 5%
  EXPECT_EQ(t.leaves_qty, lots(2));
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).last_price, usd(50'600));
  EXPECT_EQ(as_event<OrderFilled>(ev, 5).last_price, usd(51'000));
  EXPECT_EQ(as_event<OrderFilled>(ev, 5).order.status, OrderStatus::filled);
  EXPECT_EQ(as_event<OrderFilled>(ev, 5).liquidity, Liquidity::taker);
  EXPECT_EQ(ex.order(id), nullptr);
  // Triggered once only.
  EXPECT_EQ(kinds(run(SetMarkPrice{BTC, usd(50'700)})), (Kinds{"mark_set"}));
}

TEST_F(StopsTest, StopMarketRemainderIsCancelledAtTheProtectionPrice) {
  rest(ALICE, Side::buy, 49'000, 1, "A1");
  run(stop(BOB, Side::sell, OrderType::stop_market, usd(49'500), Price(0), lots(3), "B1"));
  std::vector<Event> ev = run(SetMarkPrice{BTC, usd(49'400)});
  ASSERT_EQ(kinds(ev), (Kinds{"mark_set", "triggered", "filled", "filled", "canceled"}));
  EXPECT_EQ(as_event<OrderTriggered>(ev, 1).order.price, usd(46'930));  // 49,400 - 5%
  EXPECT_EQ(as_event<OrderCanceled>(ev, 4).reason, CancelReason::market_remainder);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 4).canceled_qty, lots(2));
}

TEST_F(StopsTest, StopLimitRestsAtItsLimitAfterTriggering) {
  rest(ALICE, Side::sell, 50'600, 1, "A1");
  const OrderId id =
      place(stop(BOB, Side::buy, OrderType::stop_limit, usd(50'500), usd(50'550), lots(2), "B1"));
  std::vector<Event> ev = run(SetMarkPrice{BTC, usd(50'800)});
  ASSERT_EQ(kinds(ev), (Kinds{"mark_set", "triggered"}));
  EXPECT_EQ(as_event<OrderTriggered>(ev, 1).order.price, usd(50'550));
  EXPECT_EQ(as_event<OrderTriggered>(ev, 1).order.type, OrderType::stop_limit);
  EXPECT_EQ(book_side(Side::buy), (Side3{{id, 50'550, 2}}));
  ASSERT_NE(ex.order(id), nullptr);
  EXPECT_TRUE(ex.order(id)->resting);
  // It trades as a resting limit now.
  ev = run(limit(CAROL, Side::sell, usd(50'550), lots(1), "C1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).order.order_id, id);
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).liquidity, Liquidity::maker);
}

TEST_F(StopsTest, BuyStopsTriggerLowestStopFirstThenByTime) {
  const OrderId a =
      place(stop(ALICE, Side::buy, OrderType::stop_limit, usd(50'300), usd(50'300), lots(1), "S1"));
  const OrderId b =
      place(stop(ALICE, Side::buy, OrderType::stop_limit, usd(50'100), usd(50'100), lots(1), "S2"));
  const OrderId c =
      place(stop(BOB, Side::buy, OrderType::stop_limit, usd(50'200), usd(50'200), lots(1), "S3"));
  const OrderId d =
      place(stop(BOB, Side::buy, OrderType::stop_limit, usd(50'100), usd(50'100), lots(1), "S4"));
  const OrderId not_yet =
      place(stop(BOB, Side::buy, OrderType::stop_limit, usd(50'401), usd(50'401), lots(1), "S5"));
  const OrderId sell =
      place(stop(BOB, Side::sell, OrderType::stop_limit, usd(49'000), usd(49'000), lots(1), "S6"));
  std::vector<Event> ev = run(SetMarkPrice{BTC, usd(50'400)});
  EXPECT_EQ(triggered_ids(ev), (std::vector<OrderId>{b, d, c, a}));
  // The first triggered takes the liquidity first: a sell at 50,100 meets b, then d.
  ev = run(limit(CAROL, Side::sell, usd(50'100), lots(3), "C1"));
  ASSERT_EQ(kinds(ev),
            (Kinds{"accepted", "filled", "filled", "filled", "filled", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).order.order_id, a);  // best price first: 50,300
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).order.order_id, c);
  EXPECT_EQ(as_event<OrderFilled>(ev, 5).order.order_id, b);
  EXPECT_EQ(triggered_ids(run(SetMarkPrice{BTC, usd(50'401)})), (std::vector<OrderId>{not_yet}));
  EXPECT_NE(ex.order(sell), nullptr);
}

TEST_F(StopsTest, SellStopsTriggerHighestStopFirstThenByTime) {
  const OrderId e =
      place(stop(ALICE, Side::sell, OrderType::stop_market, usd(49'800), Price(0), lots(1), "S1"));
  const OrderId f =
      place(stop(BOB, Side::sell, OrderType::stop_market, usd(49'900), Price(0), lots(1), "S2"));
  const OrderId g =
      place(stop(CAROL, Side::sell, OrderType::stop_market, usd(49'800), Price(0), lots(1), "S3"));
  const OrderId h =
      place(stop(DAVE, Side::sell, OrderType::stop_market, usd(49'000), Price(0), lots(1), "S4"));
  std::vector<Event> ev = run(SetMarkPrice{BTC, usd(49'500)});
  EXPECT_EQ(triggered_ids(ev), (std::vector<OrderId>{f, e, g}));
  EXPECT_NE(ex.order(h), nullptr);
}

TEST_F(StopsTest, OneMarkCanTriggerBothSidesBuysFirst) {
  // Stops entered before the market has a mark can sit on both sides of the first one.
  const OrderId sell_hi = place(
      stop(ALICE, Side::sell, OrderType::stop_limit, usd(200), usd(150), lots(1), "S1", NOMARK));
  const OrderId buy_lo =
      place(stop(BOB, Side::buy, OrderType::stop_limit, usd(100), usd(140), lots(1), "S2", NOMARK));
  const OrderId sell_lo = place(
      stop(ALICE, Side::sell, OrderType::stop_limit, usd(160), usd(150), lots(1), "S3", NOMARK));
  const OrderId buy_hi =
      place(stop(BOB, Side::buy, OrderType::stop_limit, usd(140), usd(140), lots(1), "S4", NOMARK));
  std::vector<Event> ev = run(SetMarkPrice{NOMARK, usd(150)});
  EXPECT_EQ(triggered_ids(ev), (std::vector<OrderId>{buy_lo, buy_hi, sell_hi, sell_lo}));
  EXPECT_EQ(book_side(Side::buy, NOMARK), (Side3{{buy_lo, 140, 1}, {buy_hi, 140, 1}}));
  EXPECT_EQ(book_side(Side::sell, NOMARK), (Side3{{sell_hi, 150, 1}, {sell_lo, 150, 1}}));
}

TEST_F(StopsTest, ATriggeredStopTradesWithTheOneBeforeIt) {
  // Both trigger on one mark; the second (a sell) meets the first (a buy) now resting.
  const OrderId buy = place(
      stop(ALICE, Side::buy, OrderType::stop_limit, usd(100), usd(150), lots(2), "S1", NOMARK));
  const OrderId sell = place(
      stop(BOB, Side::sell, OrderType::stop_limit, usd(200), usd(145), lots(1), "S2", NOMARK));
  std::vector<Event> ev = run(SetMarkPrice{NOMARK, usd(150)});
  ASSERT_EQ(kinds(ev), (Kinds{"mark_set", "triggered", "triggered", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).order.order_id, buy);
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).last_price, usd(150));
  EXPECT_EQ(as_event<OrderFilled>(ev, 4).order.order_id, sell);
  EXPECT_EQ(book_side(Side::buy, NOMARK), (Side3{{buy, 150, 1}}));
}

TEST_F(StopsTest, CancelledOrReplacedStopsFollowTheirNewState) {
  const OrderId gone =
      place(stop(ALICE, Side::buy, OrderType::stop_market, usd(50'100), Price(0), lots(1), "S1"));
  const OrderId moved =
      place(stop(ALICE, Side::buy, OrderType::stop_limit, usd(50'200), usd(50'200), lots(1), "S2"));
  std::vector<Event> ev = run(cancel(ALICE, gone, "X1"));
  ASSERT_EQ(kinds(ev), (Kinds{"canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 0).canceled_qty, lots(1));
  ReplaceOrder r = replace(ALICE, moved, Side::buy, usd(50'600), lots(2), "S2b");
  r.stop_price = usd(50'600);
  ev = run(r);
  ASSERT_EQ(kinds(ev), (Kinds{"replaced"}));
  const OrderReplaced& rep = as_event<OrderReplaced>(ev, 0);
  EXPECT_EQ(rep.order.stop_price, usd(50'600));
  EXPECT_EQ(rep.order.price, usd(50'600));
  EXPECT_EQ(rep.order.order_qty, lots(2));
  EXPECT_EQ(rep.order.client_id.view(), "S2b");
  EXPECT_EQ(rep.order.orig_client_id.view(), "S2");
  EXPECT_FALSE(rep.kept_priority);
  EXPECT_TRUE(triggered_ids(run(SetMarkPrice{BTC, usd(50'500)})).empty());
  EXPECT_EQ(triggered_ids(run(SetMarkPrice{BTC, usd(50'600)})), (std::vector<OrderId>{moved}));
}

TEST_F(StopsTest, ReplacingAStopToAnAlreadyReachedPriceIsRefused) {
  const OrderId id =
      place(stop(ALICE, Side::sell, OrderType::stop_market, usd(49'000), Price(0), lots(1), "S1"));
  ReplaceOrder r = replace(ALICE, id, Side::sell, Price(0), lots(1), "S1b");
  r.stop_price = usd(50'000);  // the mark is 50,000: a sell stop there is already reached
  std::vector<Event> ev = run(r);
  ASSERT_EQ(kinds(ev), (Kinds{"cancel_rejected"}));
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).reason, RejectReason::stop_price_already_triggered);
  EXPECT_EQ(as_event<CancelRejected>(ev, 0).response_to, CancelRejectTo::replace);
  r.stop_price = Price(0);
  EXPECT_EQ(as_event<CancelRejected>(run(r), 0).reason, RejectReason::missing_stop_price);
  r.stop_price = Price(48'000'500'000);
  EXPECT_EQ(as_event<CancelRejected>(run(r), 0).reason, RejectReason::price_not_on_tick);
}

TEST_F(StopsTest, StopsWaitOutAHaltAndTriggerWhenTheMarketReopens) {
  const OrderId reached =
      place(stop(ALICE, Side::buy, OrderType::stop_limit, usd(50'100), usd(50'100), lots(1), "S1"));
  const OrderId not_yet =
      place(stop(ALICE, Side::buy, OrderType::stop_limit, usd(50'300), usd(50'300), lots(1), "S2"));
  run(SetMarketStatus{BTC, MarketStatus::halted});
  EXPECT_EQ(kinds(run(SetMarkPrice{BTC, usd(50'200)})), (Kinds{"mark_set"}));
  std::vector<Event> ev = run(SetMarketStatus{BTC, MarketStatus::open});
  ASSERT_EQ(kinds(ev), (Kinds{"status_changed", "triggered"}));
  EXPECT_EQ(triggered_ids(ev), (std::vector<OrderId>{reached}));
  EXPECT_EQ(triggered_ids(run(SetMarkPrice{BTC, usd(50'300)})), (std::vector<OrderId>{not_yet}));
}

TEST_F(StopsTest, PostOnlyStopLimitIsRefused) {
  // A post-only stop could only be refused at trigger time, long after it was accepted; the
  // venue refuses the combination up front.
  NewOrder s =
      stop(ALICE, Side::buy, OrderType::stop_limit, usd(50'100), usd(50'200), lots(1), "S1");
  s.post_only = true;
  std::vector<Event> ev = run(s);
  ASSERT_EQ(kinds(ev), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(ev, 0).reason, RejectReason::invalid_order_type);
  // Were it accepted, this mark would make it take the 50,150 ask.
  rest(BOB, Side::sell, 50'150, 1, "B1");
  ev = run(SetMarkPrice{BTC, usd(50'100)});
  EXPECT_EQ(kinds(ev), (Kinds{"mark_set"}));
  EXPECT_EQ(book_side(Side::sell).size(), 1u);
}

}  // namespace
}  // namespace qd::test
