// A bankrupt account's liquidation order may fill beyond its bankruptcy price (down to dYdX's
// fillable price) only while the insurance fund can pay the deficit that leaves; otherwise it
// stops at the bankruptcy price and the rest goes to the takeover or auto-deleveraging, so no
// loss is socialized while profitable opposite positions exist (RISK.md: "If the fund cannot
// cover the deficit: auto-deleverage").

#include <gtest/gtest.h>

#include "engine/exchange.hpp"

namespace qd {
namespace {

constexpr int64_t USDC = QUOTE_PRECISION;
constexpr int64_t BTC = QTY_PRECISION;
constexpr TimestampNs T0 = 1'800'057'600'000'000'000;
constexpr TimestampNs SEC = 1'000'000'000;
constexpr AccountId ALICE = 1, BOB = 2, LP = 3;

Price usd(int64_t whole) {
  return Price(whole * PRICE_PRECISION);
}

ExchangeSpec btc() {
  ExchangeSpec spec;
  MarketSpec m;
  m.symbol = "BTC-PERP";
  m.tick_size = Price(PRICE_PRECISION);
  m.lot_size = Qty(BTC / 1000);
  m.min_size = m.lot_size;
  m.price_band_bps = 2000;
  spec.markets = {m};
  spec.risk = {risk::MarketRiskParams{}};  // IM 10%, MM 5%, liquidation fee 1%
  for (AccountId a : {ALICE, BOB, LP}) spec.accounts.push_back(AccountSpec{a});
  return spec;
}

class LiquidationDeficit : public ::testing::Test {
 protected:
  Exchange ex{btc()};
  SeqNo seq = 0;
  TimestampNs now = T0;

  std::vector<Event> run(CommandBody body) {
    std::vector<Event> out;
    ex.process(Command{++seq, now, std::move(body)}, out);
    const auto report = ex.risk()->check_invariants();
    EXPECT_TRUE(report.ok()) << report.violations.front();
    return out;
  }
  void order(AccountId a, Side side, int64_t price, int64_t qty, TimeInForce tif) {
    NewOrder o;
    o.origin = {a, 1};
    o.client_id.assign("o" + std::to_string(seq + 1));
    o.side = side;
    o.tif = tif;
    o.price = usd(price);
    o.qty = Qty(qty * BTC);
    for (const Event& e : run(o)) ASSERT_FALSE(std::holds_alternative<OrderRejected>(e.body));
  }
  // ALICE long 10 @ 50,000 with 50,000 USDC, BOB the short; LP bids 10 @ 41,000. At 44,000
  // ALICE's equity is -10,000 and her bankruptcy price 45,000; her fillable price is ~40,700.
  std::vector<Event> gap_down(int64_t fund) {
    run(SetOraclePrice{0, usd(50'000), Price(0), now, false});
    run(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(fund * USDC)});
    run(Deposit{ALICE, Quote(50'500 * USDC)});
    run(Deposit{BOB, Quote(1'000'000 * USDC)});
    run(Deposit{LP, Quote(10'000'000 * USDC)});
    order(BOB, Side::sell, 50'000, 10, TimeInForce::gtc);
    order(ALICE, Side::buy, 50'000, 10, TimeInForce::ioc);
    order(LP, Side::buy, 41'000, 10, TimeInForce::gtc);
    now += SEC;
    return run(SetOraclePrice{0, usd(44'000), Price(0), now, false});
  }
  template <class T>
  static std::vector<T> all(const std::vector<Event>& evs) {
    std::vector<T> out;
    for (const Event& e : evs)
      if (const T* t = std::get_if<T>(&e.body)) out.push_back(*t);
    return out;
  }
};

TEST_F(LiquidationDeficit, AFundTooSmallForTheGapStopsTheOrderAtTheBankruptcyPriceAndDeleverages) {
  const auto evs = gap_down(1'000);
  const auto liq = all<LiquidationTriggered>(evs);
  ASSERT_EQ(liq.size(), 1u);
  EXPECT_EQ(liq[0].bankruptcy_price, usd(45'000));
  EXPECT_EQ(liq[0].limit_price, usd(45'000)) << "no further than the bankruptcy price";
  for (const auto& f : all<OrderFilled>(evs)) EXPECT_FALSE(f.liquidation) << "LP's bid is below it";
  const auto adl = all<AutoDeleveraged>(evs);
  ASSERT_EQ(adl.size(), 1u);
  EXPECT_EQ(adl[0].counterparty, BOB);
  EXPECT_EQ(adl[0].price, usd(45'000));
  EXPECT_EQ(ex.risk()->ledger().socialized_loss.raw, 0);
  EXPECT_EQ(ex.risk()->insurance_fund().account.collateral.raw, 1'000 * USDC);
  EXPECT_EQ(ex.risk()->account(ALICE)->collateral.raw, 0);
}

TEST_F(LiquidationDeficit, AFundThatCanPayTheGapLetsTheOrderFillDownToTheFillablePrice) {
  const auto evs = gap_down(1'000'000);
  const auto liq = all<LiquidationTriggered>(evs);
  ASSERT_EQ(liq.size(), 1u);
  EXPECT_LT(liq[0].limit_price, usd(41'000));
  // Sold 10 at 41,000: 40,000 below the 50,000 of collateral's worth, paid by the fund.
  const auto deficits = all<DeficitCovered>(evs);
  ASSERT_EQ(deficits.size(), 1u);
  EXPECT_EQ(deficits[0].deficit.raw, 40'000 * USDC);
  EXPECT_EQ(deficits[0].insurance_paid.raw, 40'000 * USDC);
  EXPECT_EQ(deficits[0].socialized.raw, 0);
  EXPECT_TRUE(all<AutoDeleveraged>(evs).empty());
}

}  // namespace
}  // namespace qd
