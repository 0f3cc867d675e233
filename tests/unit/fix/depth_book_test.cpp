// DepthBook: aggregated levels, trades and statistics from committed events only.
#include "fix/depth_book.hpp"

#include <gtest/gtest.h>

#include "risk/account.hpp"

namespace qd::fix {
namespace {

constexpr int64_t kPx = PRICE_PRECISION;  // 1 USDC
constexpr int64_t kQty = QTY_PRECISION;   // 1 base unit

OrderState order(OrderId id, Side side, int64_t price_usdc, int64_t qty_units,
                 OrderType type = OrderType::limit) {
  OrderState s;
  s.order_id = id;
  s.origin = Origin{1, 1};
  s.market = 0;
  s.side = side;
  s.type = type;
  s.status = OrderStatus::new_;
  s.price = Price(price_usdc * kPx);
  s.order_qty = Qty(qty_units * kQty);
  s.leaves_qty = s.order_qty;
  return s;
}

Event ev(EventBody body, SeqNo seq = 1) {
  Event e;
  e.seq = seq;
  e.ts = 1'700'000'000'000'000'000 + int64_t(seq);
  e.body = std::move(body);
  return e;
}

OrderFilled filled(OrderState s, int64_t qty_units, Liquidity liq, int64_t position_units = 0) {
  OrderFilled f;
  f.last_qty = Qty(qty_units * kQty);
  s.leaves_qty = s.leaves_qty - f.last_qty;
  s.cum_qty = s.cum_qty + f.last_qty;
  s.status = s.leaves_qty.raw == 0 ? OrderStatus::filled : OrderStatus::partially_filled;
  f.order = s;
  f.trade_id = TradeId{7, 2};
  f.last_price = s.price;
  f.liquidity = liq;
  f.aggressor_side = liq == Liquidity::maker ? opposite(s.side) : s.side;
  f.position_after = Qty(position_units * kQty);
  return f;
}

OrderCanceled canceled(OrderState s) {
  OrderCanceled c;
  c.canceled_qty = s.leaves_qty;
  s.leaves_qty = Qty(0);
  s.status = OrderStatus::canceled;
  c.order = s;
  return c;
}

DepthLevel level(int64_t price_usdc, int64_t qty_units, uint32_t orders) {
  return DepthLevel{Price(price_usdc * kPx), Qty(qty_units * kQty), orders};
}

TEST(DepthBook, AcceptedLimitOrdersAggregateByPriceBestFirst) {
  DepthBook b(1);
  b.apply(ev(OrderAccepted{order(1, Side::buy, 100, 2)}));
  b.apply(ev(OrderAccepted{order(2, Side::buy, 101, 1)}));
  b.apply(ev(OrderAccepted{order(3, Side::buy, 100, 3)}));
  b.apply(ev(OrderAccepted{order(4, Side::sell, 103, 5)}));
  b.apply(ev(OrderAccepted{order(5, Side::sell, 102, 1)}));
  EXPECT_EQ(b.levels(0, Side::buy), (std::vector<DepthLevel>{level(101, 1, 1), level(100, 5, 2)}));
  EXPECT_EQ(b.levels(0, Side::sell), (std::vector<DepthLevel>{level(102, 1, 1), level(103, 5, 1)}));
  EXPECT_EQ(b.levels(0, Side::buy, 1), (std::vector<DepthLevel>{level(101, 1, 1)}));
  EXPECT_EQ(b.take_dirty(), std::vector<MarketId>{0});
  EXPECT_TRUE(b.take_dirty().empty());
}

TEST(DepthBook, FillsReduceLevelsAndPrintOneTradePerMakerSide) {
  DepthBook b(1);
  OrderState maker = order(1, Side::sell, 100, 5);
  b.apply(ev(OrderAccepted{maker}));
  OrderState taker = order(2, Side::buy, 100, 2);
  b.apply(ev(OrderAccepted{taker}, 2));
  b.apply(ev(filled(maker, 2, Liquidity::maker, -2), 2));
  b.apply(ev(filled(taker, 2, Liquidity::taker, 2), 2));
  EXPECT_EQ(b.levels(0, Side::sell), (std::vector<DepthLevel>{level(100, 3, 1)}));
  EXPECT_TRUE(b.levels(0, Side::buy).empty());  // the taker filled completely
  std::vector<DepthTrade> t = b.take_trades();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].price, Price(100 * kPx));
  EXPECT_EQ(t[0].qty, Qty(2 * kQty));
  EXPECT_EQ(t[0].aggressor, Side::buy);
  EXPECT_EQ(t[0].trade_id, (TradeId{7, 2}));
  EXPECT_EQ(b.stats(0).open_interest, Qty(2 * kQty));
  EXPECT_EQ(b.stats(0).last_trade->qty, Qty(2 * kQty));
  EXPECT_EQ(b.tracked_orders(), 1u);
}

TEST(DepthBook, CancelRemovesAndAnIocRemainderNeverRests) {
  DepthBook b(1);
  OrderState a = order(1, Side::buy, 100, 2);
  b.apply(ev(OrderAccepted{a}));
  b.apply(ev(canceled(a)));
  EXPECT_TRUE(b.levels(0, Side::buy).empty());
  OrderState ioc = order(2, Side::buy, 99, 1);
  ioc.tif = TimeInForce::ioc;
  b.apply(ev(OrderAccepted{ioc}));
  b.apply(ev(canceled(ioc)));
  EXPECT_TRUE(b.levels(0, Side::buy).empty());
  EXPECT_EQ(b.tracked_orders(), 0u);
}

TEST(DepthBook, ReplaceMovesTheOrderAndRestatementShrinksIt) {
  DepthBook b(1);
  OrderState a = order(1, Side::buy, 100, 4);
  b.apply(ev(OrderAccepted{a}));
  OrderState moved = a;
  moved.price = Price(98 * kPx);
  moved.order_qty = Qty(6 * kQty);
  moved.leaves_qty = moved.order_qty;
  b.apply(ev(OrderReplaced{moved, false}));
  EXPECT_EQ(b.levels(0, Side::buy), (std::vector<DepthLevel>{level(98, 6, 1)}));
  OrderState cut = moved;
  cut.leaves_qty = Qty(1 * kQty);
  b.apply(ev(OrderRestated{cut, Qty(5 * kQty), CancelReason::stp_resting}));
  EXPECT_EQ(b.levels(0, Side::buy), (std::vector<DepthLevel>{level(98, 1, 1)}));
}

TEST(DepthBook, StopsRestOnlyAfterTheirTriggerAndStopMarketsNever) {
  DepthBook b(1);
  OrderState sl = order(1, Side::sell, 95, 1, OrderType::stop_limit);
  OrderState sm = order(2, Side::sell, 0, 1, OrderType::stop_market);
  b.apply(ev(OrderAccepted{sl}));
  b.apply(ev(OrderAccepted{sm}));
  EXPECT_TRUE(b.levels(0, Side::sell).empty());
  EXPECT_EQ(b.tracked_orders(), 2u);
  b.apply(ev(OrderTriggered{sl}));
  sm.price = Price(90 * kPx);  // the protection price
  b.apply(ev(OrderTriggered{sm}));
  EXPECT_EQ(b.levels(0, Side::sell), (std::vector<DepthLevel>{level(95, 1, 1)}));
  b.apply(ev(canceled(sm)));  // market remainder
  EXPECT_EQ(b.levels(0, Side::sell), (std::vector<DepthLevel>{level(95, 1, 1)}));
}

TEST(DepthBook, MarketOrdersNeverRest) {
  DepthBook b(1);
  OrderState m = order(1, Side::buy, 105, 1, OrderType::market);
  b.apply(ev(OrderAccepted{m}));
  EXPECT_TRUE(b.levels(0, Side::buy).empty());
}

TEST(DepthBook, StatisticsFollowPriceAndFundingEvents) {
  DepthBook b(2);
  OraclePriceSet o;
  o.market = 1;
  o.price = Price(3000 * kPx);
  b.apply(ev(o));
  b.apply(ev(MarkPriceSet{1, Price(3001 * kPx)}));
  FundingRateApplied f;
  f.market = 1;
  f.rate = -125;  // -0.000000125 per interval
  b.apply(ev(f, 9));
  EXPECT_EQ(b.stats(1).oracle, Price(3000 * kPx));
  EXPECT_EQ(b.stats(1).mark, Price(3001 * kPx));
  EXPECT_EQ(b.stats(1).funding_rate, -125);
  EXPECT_EQ(b.stats(1).funding_ts, ev(f, 9).ts);
  EXPECT_FALSE(b.stats(0).mark.has_value());
  EXPECT_EQ(b.take_dirty(), std::vector<MarketId>{1});
}

TEST(DepthBook, OpenInterestIsTheSumOfLongsThroughAdlAndTakeover) {
  DepthBook b(1);
  // Account 1 buys 3 from account 2: OI 3.
  OrderState maker = order(1, Side::sell, 100, 3);
  maker.origin = Origin{2, 2};
  OrderState taker = order(2, Side::buy, 100, 3);
  b.apply(ev(OrderAccepted{maker}));
  b.apply(ev(filled(maker, 3, Liquidity::maker, -3)));
  b.apply(ev(filled(taker, 3, Liquidity::taker, 3)));
  EXPECT_EQ(b.stats(0).open_interest, Qty(3 * kQty));
  // The fund takes 1 of account 1's long: account 1 sells 1 to the fund (OI unchanged: the
  // fund is long 1, account 1 long 2).
  InsuranceTakeover t;
  t.account = 1;
  t.market = 0;
  t.account_side = Side::sell;
  t.qty = Qty(1 * kQty);
  b.apply(ev(t));
  EXPECT_EQ(b.stats(0).open_interest, Qty(3 * kQty));
  // ADL: account 2 (short 3) closes 2 against account 1 (long 2): OI 1 (the fund's).
  AutoDeleveraged a;
  a.account = 1;
  a.counterparty = 2;
  a.market = 0;
  a.counterparty_side = Side::buy;
  a.qty = Qty(2 * kQty);
  a.counterparty_position_after = Qty(-1 * kQty);
  b.apply(ev(a));
  EXPECT_EQ(b.stats(0).open_interest, Qty(1 * kQty));
}

TEST(DepthBook, EventsOfUnknownMarketsAreIgnored) {
  DepthBook b(1);
  OrderState s = order(1, Side::buy, 100, 1);
  s.market = 5;
  b.apply(ev(OrderAccepted{s}));
  b.apply(ev(MarkPriceSet{5, Price(1)}));
  EXPECT_EQ(b.tracked_orders(), 0u);
  EXPECT_TRUE(b.take_dirty().empty());
}

TEST(DepthBook, SavedAndRestoredItHasTheSameLevelsStatisticsAndFutureAsBefore) {
  DepthBook b(2);
  OrderState bid = order(1, Side::buy, 100, 5);
  OrderState ask = order(2, Side::sell, 101, 3);
  b.apply(ev(OrderAccepted{bid}, 1));
  b.apply(ev(OrderAccepted{ask}, 2));
  b.apply(ev(OrderAccepted{order(3, Side::buy, 99, 1)}, 3));
  b.apply(ev(filled(bid, 2, Liquidity::maker, 2), 4));
  b.apply(ev(MarkPriceSet{0, Price(100 * kPx)}, 5));
  ByteWriter saved;
  b.save(saved);

  DepthBook r(2);
  ByteReader in(saved.bytes());
  r.restore(in);
  EXPECT_TRUE(in.done());
  ByteWriter again;
  r.save(again);
  EXPECT_EQ(again.bytes(), saved.bytes());
  EXPECT_EQ(r.levels(0, Side::buy), b.levels(0, Side::buy));
  EXPECT_EQ(r.levels(0, Side::sell), b.levels(0, Side::sell));
  EXPECT_EQ(r.stats(0).mark, b.stats(0).mark);
  EXPECT_EQ(r.stats(0).open_interest, b.stats(0).open_interest);
  ASSERT_TRUE(r.stats(0).last_trade.has_value());
  EXPECT_EQ(r.stats(0).last_trade->price, b.stats(0).last_trade->price);
  EXPECT_EQ(r.tracked_orders(), 3u);
  EXPECT_TRUE(r.take_trades().empty());  // trades before the save are not printed again
  // The same events after the save move both books the same way.
  OrderState rest = bid;
  rest.leaves_qty = Qty(3 * kQty);
  rest.cum_qty = Qty(2 * kQty);
  for (DepthBook* x : {&b, &r}) x->apply(ev(canceled(rest), 6));
  EXPECT_EQ(r.levels(0, Side::buy), b.levels(0, Side::buy));
  EXPECT_EQ(r.levels(0, Side::buy), (std::vector<DepthLevel>{level(99, 1, 1)}));
}

TEST(DepthBook, ASaveOfAnotherMarketCountIsRefused) {
  DepthBook b(2);
  b.apply(ev(OrderAccepted{order(1, Side::buy, 100, 5)}, 1));
  ByteWriter saved;
  b.save(saved);
  DepthBook r(3);
  ByteReader in(saved.bytes());
  EXPECT_THROW(r.restore(in), std::runtime_error);
  EXPECT_EQ(r.tracked_orders(), 0u);
}

}  // namespace
}  // namespace qd::fix
