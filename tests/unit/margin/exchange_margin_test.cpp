// The margin core inside the matching flow: pre-trade rejects with the numbers, fees and PnL on
// fills, funding on clock ticks, liquidation through the book, the insurance fund's takeover,
// and the money and position invariants after every command of a random session.

#include <gtest/gtest.h>

#include <random>

#include "engine/exchange.hpp"

namespace qd {
namespace {

constexpr int64_t USDC = QUOTE_PRECISION;
constexpr int64_t BTC = QTY_PRECISION;
constexpr TimestampNs T0 = 1'800'000'000'000'000'000;  // command time of the first command
constexpr TimestampNs SEC = 1'000'000'000;

Price usd(int64_t whole) { return Price(whole * PRICE_PRECISION); }

ExchangeSpec btc_market() {
  ExchangeSpec spec;
  MarketSpec m;
  m.symbol = "BTC-PERP";
  m.tick_size = Price(PRICE_PRECISION);  // $1
  m.lot_size = Qty(BTC / 1000);          // 0.001
  m.min_size = m.lot_size;
  m.price_band_bps = 2000;
  spec.markets = {m};
  risk::MarketRiskParams p;  // RISK.md defaults: IM 10%, MM 5%, taker 10 bps, maker -2 bps
  spec.risk = {p};
  for (AccountId a = 1; a <= 4; ++a) spec.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, 0, 100, true});
  return spec;
}

class MarginFlow : public ::testing::Test {
 protected:
  Exchange ex{btc_market()};
  SeqNo seq = 0;
  TimestampNs now = T0;

  std::vector<Event> run(CommandBody body) {
    std::vector<Event> out;
    ex.process(Command{++seq, now, std::move(body)}, out);
    const auto report = ex.risk()->check_invariants();
    EXPECT_TRUE(report.ok()) << (report.violations.empty() ? "" : report.violations.front());
    return out;
  }
  std::vector<Event> order(AccountId a, Side side, int64_t price, int64_t qty_milli,
                           TimeInForce tif = TimeInForce::gtc, bool reduce_only = false) {
    NewOrder o;
    o.origin = {a, a};
    o.client_id.assign("o" + std::to_string(seq + 1));
    o.side = side;
    o.tif = tif;
    o.price = usd(price);
    o.qty = Qty(qty_milli * (BTC / 1000));
    o.reduce_only = reduce_only;
    return run(o);
  }
  void oracle(int64_t price) { run(SetOraclePrice{0, usd(price), Price(0), now, false}); }
  template <class T>
  static std::vector<T> all(const std::vector<Event>& evs) {
    std::vector<T> out;
    for (const Event& e : evs) {
      if (const T* t = std::get_if<T>(&e.body)) out.push_back(*t);
    }
    return out;
  }
  Quote collateral(AccountId a) const { return ex.risk()->account(a)->collateral; }
};

TEST_F(MarginFlow, DepositsCreditCollateralAndWithdrawalsAreChecked) {
  auto evs = run(Deposit{1, Quote(1000 * USDC)});
  ASSERT_EQ(all<CollateralChanged>(evs).size(), 1u);
  EXPECT_EQ(collateral(1).raw, 1000 * USDC);
  evs = run(Withdraw{1, Quote(1001 * USDC)});
  ASSERT_EQ(all<CollateralRejected>(evs).size(), 1u);
  EXPECT_EQ(all<CollateralRejected>(evs)[0].reason, RejectReason::insufficient_collateral);
  evs = run(Withdraw{1, Quote(400 * USDC)});
  ASSERT_EQ(all<CollateralChanged>(evs).size(), 1u);
  EXPECT_EQ(all<CollateralChanged>(evs)[0].amount.raw, -400 * USDC);
  EXPECT_EQ(collateral(1).raw, 600 * USDC);
}

TEST_F(MarginFlow, AnOrderBeyondFreeCollateralIsRejectedWithTheNumbers) {
  oracle(50'000);
  run(Deposit{1, Quote(1'000 * USDC)});  // $1,000 supports about $10,000 of notional at 10%
  auto evs = order(1, Side::buy, 50'000, 1'000);  // 1 BTC = $50,000 notional
  const auto rej = all<OrderRejected>(evs);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_EQ(rej[0].reason, RejectReason::insufficient_margin);
  EXPECT_FALSE(rej[0].text.empty());
  EXPECT_NE(rej[0].text.find("free"), std::string::npos) << rej[0].text;
  // A tenth of it fits.
  evs = order(1, Side::buy, 50'000, 100);
  EXPECT_EQ(all<OrderAccepted>(evs).size(), 1u);
}

TEST_F(MarginFlow, FillsChargeFeesAndKeepPositionsBalanced) {
  oracle(50'000);
  run(Deposit{1, Quote(1'000'000 * USDC)});
  run(Deposit{2, Quote(1'000'000 * USDC)});
  order(2, Side::sell, 50'000, 10'000);             // maker: 10 BTC offered at $50,000
  auto evs = order(1, Side::buy, 50'000, 10'000);  // taker buys them
  const auto fills = all<OrderFilled>(evs);
  ASSERT_EQ(fills.size(), 2u);
  const OrderFilled& maker = fills[0];
  const OrderFilled& taker = fills[1];
  EXPECT_EQ(maker.liquidity, Liquidity::maker);
  // RISK.md: buy 10 @ 50,000 with a 10 bps taker fee pays 500; a 2 bps maker rebate earns 100.
  EXPECT_EQ(taker.fee.raw, 500 * USDC);
  EXPECT_EQ(maker.fee.raw, -100 * USDC);
  EXPECT_EQ(taker.position_after.raw, 10 * BTC);
  EXPECT_EQ(maker.position_after.raw, -10 * BTC);
  EXPECT_EQ(taker.collateral_after.raw, 1'000'000 * USDC - 500 * USDC);
}

TEST_F(MarginFlow, ReduceOnlyLargerThanThePositionIsResized) {
  oracle(50'000);
  run(Deposit{1, Quote(1'000'000 * USDC)});
  run(Deposit{2, Quote(1'000'000 * USDC)});
  order(2, Side::sell, 50'000, 2'000);
  order(1, Side::buy, 50'000, 2'000);  // account 1 is long 2 BTC
  auto evs = order(1, Side::sell, 50'100, 5'000, TimeInForce::gtc, true);
  const auto restated = all<OrderRestated>(evs);
  ASSERT_EQ(restated.size(), 1u);
  EXPECT_EQ(restated[0].reason, CancelReason::reduce_only_resize);
  EXPECT_EQ(restated[0].order.leaves_qty.raw, 2 * BTC);
  // And one that would increase the position is refused.
  evs = order(1, Side::buy, 49'000, 1'000, TimeInForce::gtc, true);
  ASSERT_EQ(all<OrderRejected>(evs).size(), 1u);
  EXPECT_EQ(all<OrderRejected>(evs)[0].reason, RejectReason::reduce_only_would_increase);
}

TEST_F(MarginFlow, FundingIsPaidOnTheHourAndSumsToZero) {
  oracle(50'000);
  run(Deposit{1, Quote(1'000'000 * USDC)});
  run(Deposit{2, Quote(1'000'000 * USDC)});
  order(2, Side::sell, 50'000, 10'000);
  order(1, Side::buy, 50'000, 10'000);
  std::vector<FundingPaid> paid;
  for (int s = 0; s <= 3700; s += 5) {
    now = T0 + s * SEC;
    oracle(50'000);
    auto evs = run(ClockTick{});
    for (const auto& p : all<FundingPaid>(evs)) paid.push_back(p);
  }
  ASSERT_GE(paid.size(), 2u);
  int64_t sum = 0;
  for (const auto& p : paid) sum += p.amount.raw;
  // What longs pay, shorts receive; the venue keeps only the rounding residue (>= 0).
  EXPECT_GE(sum, 0);
  EXPECT_LE(sum, 2);
}

TEST_F(MarginFlow, AFallingMarkLiquidatesThroughTheBook) {
  oracle(50'000);
  // RISK.md's vector (long 10 @ 50,000, 50,000 USDC) plus the $500 taker fee the entry pays.
  run(Deposit{1, Quote(50'500 * USDC)});
  run(Deposit{2, Quote(10'000'000 * USDC)});
  run(Deposit{3, Quote(10'000'000 * USDC)});
  order(2, Side::sell, 50'000, 10'000);
  order(1, Side::buy, 50'000, 10'000);
  ASSERT_EQ(ex.risk()->account(1)->markets.at(0).position.base.raw, 10 * BTC);
  // A deep bid to absorb the liquidation.
  order(3, Side::buy, 46'900, 20'000);
  now += 1 * SEC;
  auto evs = run(SetOraclePrice{0, usd(47'000), Price(0), now, false});  // liquidatable at 47,000
  const auto liq = all<LiquidationTriggered>(evs);
  ASSERT_EQ(liq.size(), 1u);
  EXPECT_EQ(liq[0].account, 1u);
  const auto fills = all<OrderFilled>(evs);
  ASSERT_GE(fills.size(), 2u);
  bool liquidation_fill = false;
  for (const auto& f : fills) liquidation_fill |= f.liquidation && f.order.origin.account == 1;
  EXPECT_TRUE(liquidation_fill);
  EXPECT_LT(ex.risk()->account(1)->markets.at(0).position.base.raw, 10 * BTC);
  EXPECT_FALSE(ex.risk()->is_liquidatable(1, now));
}

TEST_F(MarginFlow, WithAnEmptyBookTheInsuranceFundTakesOver) {
  oracle(50'000);
  run(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(1'000'000 * USDC)});
  run(Deposit{1, Quote(50'500 * USDC)});  // 50,000 after the $500 entry fee
  run(Deposit{2, Quote(10'000'000 * USDC)});
  order(2, Side::sell, 50'000, 10'000);
  order(1, Side::buy, 50'000, 10'000);
  now += 1 * SEC;
  auto evs = run(SetOraclePrice{0, usd(47'000), Price(0), now, false});
  ASSERT_EQ(all<LiquidationTriggered>(evs).size(), 1u);
  const auto takeover = all<InsuranceTakeover>(evs);
  ASSERT_EQ(takeover.size(), 1u);
  EXPECT_EQ(takeover[0].account, 1u);
  EXPECT_EQ(takeover[0].qty.raw, 10 * BTC);
  EXPECT_EQ(takeover[0].price, usd(45'000));  // RISK.md: bankruptcy price 45,000
}

TEST_F(MarginFlow, RandomSessionKeepsEveryInvariantAfterEveryCommand) {
  std::mt19937_64 rng(2026);
  for (AccountId a = 1; a <= 4; ++a) run(Deposit{a, Quote(int64_t(20'000 + rng() % 80'000) * USDC)});
  run(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(100'000 * USDC)});
  int64_t px = 50'000;
  for (int i = 0; i < 3000; ++i) {
    now += SEC / 2;
    const auto r = rng() % 10;
    if (r < 6) {
      const AccountId a = AccountId(1 + rng() % 4);
      const Side side = rng() % 2 ? Side::buy : Side::sell;
      const int64_t p = px + int64_t(rng() % 200) - 100;
      order(a, side, p, int64_t(1 + rng() % 2000), rng() % 3 == 0 ? TimeInForce::ioc : TimeInForce::gtc);
    } else if (r < 8) {
      px = std::max<int64_t>(1000, px + int64_t(rng() % 1500) - 750);
      oracle(px);
    } else if (r < 9) {
      run(ClockTick{});
    } else {
      MassCancel mc;
      mc.origin = {AccountId(1 + rng() % 4), 1};
      run(mc);
    }
  }
}

}  // namespace
}  // namespace qd
