// RiskEngine liquidation scenarios on RISK.md's vector: detection, the plan (cancel first, then
// the reduce-only IOC at the fillable price), the liquidation fee, the insurance fund takeover at
// the bankruptcy price, ADL against ranked opposite positions, and deficits of flat accounts.
#include <gtest/gtest.h>

#include "risk_engine_fixture.hpp"

namespace qd::risk::test {
namespace {

class Liquidation : public RiskEngineFixture {
 protected:
  // No trading fees, so the account's equity is exactly RISK.md's.
  MarketRiskParams params() const override {
    MarketRiskParams p;
    p.maker_fee_ppm = 0;
    p.taker_fee_ppm = 0;
    return p;
  }
  void SetUp() override {
    RiskEngineFixture::SetUp();
    ASSERT_EQ(risk.seed_insurance_fund(usdc(100'000)), RiskStatus::ok);
    // Alice: long 10 BTC @ 50,000 with 50,000 USDC. Bob holds the short with plenty of margin.
    fund(ALICE, usdc(50'000));
    fund(BOB, usdc(1'000'000));
    fund(CAROL, usdc(1'000'000));
    trade(BOB, ALICE, Side::buy, usd(50'000), btc(10));
  }
};

TEST_F(Liquidation, RiskMdVectorHealthyAtFortyEightThousand) {
  set_price(usd(48'000));
  AccountMargin m = margin(ALICE);
  EXPECT_EQ(m.equity, usdc(30'000));
  EXPECT_EQ(m.maintenance_requirement, usdc(24'000));
  EXPECT_TRUE(risk.find_liquidatable(now).empty());
  EXPECT_FALSE(risk.is_liquidatable(ALICE, now));
  EXPECT_EQ(risk.plan_liquidation(ALICE, now).status, RiskStatus::not_liquidatable);
  EXPECT_EQ(risk.liquidation_price(ALICE, BTC), Price(47'368'421'053));  // 47,368.42
}

TEST_F(Liquidation, RiskMdVectorLiquidatableAtFortySevenThousand) {
  set_price(usd(47'000));
  AccountMargin m = margin(ALICE);
  EXPECT_EQ(m.equity, usdc(20'000));
  EXPECT_EQ(m.maintenance_requirement, usdc(23'500));
  std::vector<LiquidationCandidate> c = risk.find_liquidatable(now);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].account, ALICE);
  EXPECT_EQ(c[0].equity, usdc(20'000));
  EXPECT_FALSE(c[0].has_resting_orders);

  LiquidationPlan plan = risk.plan_liquidation(ALICE, now);
  ASSERT_EQ(plan.status, RiskStatus::ok);
  EXPECT_FALSE(plan.cancel_all_orders);
  ASSERT_TRUE(plan.has_order);
  // Shortage = 23,500 + 2% of 470,000 - 20,000 = 12,900; 12,900 / (47,000 x 6%) -> 4.5745 BTC.
  EXPECT_EQ(plan.shortage, usdc(12'900));
  EXPECT_EQ(plan.order.market, BTC);
  EXPECT_EQ(plan.order.side, Side::sell);
  EXPECT_EQ(plan.order.qty, Qty(4'574'500'000));
  EXPECT_EQ(plan.order.fillable_price, usd(46'475));
  EXPECT_EQ(plan.order.limit_price, usd(46'475));
  EXPECT_EQ(plan.order.bankruptcy_price, usd(45'000));
}

TEST_F(Liquidation, RestingOrdersAreCancelledFirst) {
  ASSERT_EQ(risk.on_order_rested(ALICE, BTC, Side::buy, btc(1)), RiskStatus::ok);
  set_price(usd(47'000));
  LiquidationPlan plan = risk.plan_liquidation(ALICE, now);
  ASSERT_EQ(plan.status, RiskStatus::ok);
  EXPECT_TRUE(plan.cancel_all_orders);
  EXPECT_TRUE(plan.liquidatable_after_cancel);
  EXPECT_FALSE(plan.has_order);
  EXPECT_EQ(risk.insurance_takeover(ALICE, BTC, now).status, RiskStatus::resting_orders);
  ASSERT_EQ(risk.on_order_removed(ALICE, BTC, Side::buy, btc(1)), RiskStatus::ok);
  plan = risk.plan_liquidation(ALICE, now);
  EXPECT_TRUE(plan.has_order);
}

TEST_F(Liquidation, OrdersAloneCanMakeAnAccountLiquidatable) {
  set_price(usd(48'000));  // healthy on positions: 30,000 vs 24,000
  ASSERT_EQ(risk.on_order_rested(ALICE, BTC, Side::buy, btc(5)), RiskStatus::ok);
  // With 5 more bid: maintenance 15 x 48,000 x 5% = 36,000 > 30,000.
  LiquidationPlan plan = risk.plan_liquidation(ALICE, now);
  ASSERT_EQ(plan.status, RiskStatus::ok);
  EXPECT_TRUE(plan.cancel_all_orders);
  EXPECT_FALSE(plan.liquidatable_after_cancel);  // cancelling is enough
}

TEST_F(Liquidation, BlockedByAStaleOracleOrAPause) {
  set_price(usd(47'000));
  EXPECT_TRUE(risk.find_liquidatable(now + seconds(61)).empty());
  EXPECT_EQ(risk.plan_liquidation(ALICE, now + seconds(61)).status, RiskStatus::oracle_blocked);
  // Stale for fills does not stop liquidations.
  EXPECT_EQ(risk.find_liquidatable(now + seconds(10)).size(), 1u);
  // A print 54% below the 5-minute TWAP (50,000) pauses liquidations: still within 5x of the
  // TWAP, so valid, but too far from it to liquidate on.
  set_price(usd(23'000));
  EXPECT_TRUE(risk.market(BTC)->primary.paused_at_receipt);
  EXPECT_TRUE(risk.find_liquidatable(now).empty());
  EXPECT_EQ(risk.insurance_takeover(ALICE, BTC, now).status, RiskStatus::liquidation_paused);
}

TEST_F(Liquidation, IocFillPaysTheLiquidationFeeThenTheFundTakesTheRest) {
  set_price(usd(47'000));
  LiquidationPlan plan = risk.plan_liquidation(ALICE, now);
  ASSERT_TRUE(plan.has_order);
  // The book absorbs 2 BTC at 46,500 (Carol's bid) of the 4.5745 planned.
  TradeResult t = trade(CAROL, ALICE, Side::sell, usd(46'500), btc(2), /*liquidation=*/true);
  EXPECT_TRUE(t.taker.liquidation);
  EXPECT_EQ(t.taker.realized_pnl, Quote(-usdc(7'000).raw));
  EXPECT_EQ(t.taker.fee, usdc(930));  // 1% of 93,000, to the fund
  EXPECT_EQ(risk.insurance_fund().liquidation_fees, usdc(930));
  EXPECT_EQ(collateral(ALICE), usdc(50'000 - 7'000 - 930));
  // 42,070 + 8 x (47,000 - 50,000) = 18,070 < 18,800: still liquidatable.
  AccountMargin m = margin(ALICE);
  EXPECT_EQ(m.equity, usdc(18'070));
  EXPECT_TRUE(risk.is_liquidatable(ALICE, now));
  expect_invariants();

  TakeoverResult r = risk.insurance_takeover(ALICE, BTC, now);
  ASSERT_EQ(r.status, RiskStatus::ok);
  // Bankruptcy price 47,000 - 18,070 / 8 = 44,741.25.
  EXPECT_EQ(r.bankruptcy_price, Price(44'741'250'000));
  EXPECT_EQ(r.qty, btc(8));
  EXPECT_EQ(r.account_side, Side::sell);
  EXPECT_EQ(r.account_position.base, Qty(0));
  EXPECT_EQ(r.account_collateral_after, Quote(0));
  EXPECT_EQ(r.fund_position.base, btc(8));
  EXPECT_EQ(r.fund_collateral_after, usdc(100'930));
  // The fund bought under the mark: 100,930 + 8 x 2,258.75.
  EXPECT_EQ(r.fund_equity_after, usdc(100'930 + 18'070));
  EXPECT_FALSE(risk.is_liquidatable(ALICE, now));
  expect_invariants();
}

TEST_F(Liquidation, LiquidationFeeIsCappedAtWhatTheAccountCanAfford) {
  set_price(usd(45'400));  // equity 4,000
  TradeResult t = trade(CAROL, ALICE, Side::sell, usd(45'100), btc(10), true);
  // Closing at 45,100 leaves 1,000; 1% of 451,000 would be 4,510.
  EXPECT_EQ(t.taker.fee, usdc(1'000));
  EXPECT_EQ(collateral(ALICE), Quote(0));
  expect_invariants();
}

TEST_F(Liquidation, DeficitOfAFlatAccountIsPaidByTheFund) {
  set_price(usd(44'000));  // equity -10,000: bankrupt
  // The IOC fills below the bankruptcy price: 10 @ 41,000 realizes -90,000.
  TradeResult t = trade(CAROL, ALICE, Side::sell, usd(41'000), btc(10), true);
  EXPECT_EQ(t.taker.fee, Quote(0));
  EXPECT_EQ(t.taker.deficit.deficit, usdc(40'000));
  EXPECT_EQ(t.taker.deficit.insurance_paid, usdc(40'000));
  EXPECT_EQ(t.taker.deficit.socialized, Quote(0));
  EXPECT_EQ(collateral(ALICE), Quote(0));
  EXPECT_EQ(risk.account(INSURANCE_FUND_ACCOUNT)->collateral, usdc(60'000));
  expect_invariants();
}

TEST_F(Liquidation, WhatTheFundCannotPayIsSocialized) {
  set_price(usd(44'000));
  // 10 @ 30,000 realizes -200,000: collateral -150,000; the fund has 100,000.
  TradeResult t = trade(CAROL, ALICE, Side::sell, usd(30'000), btc(10), true);
  EXPECT_EQ(t.taker.deficit.deficit, usdc(150'000));
  EXPECT_EQ(t.taker.deficit.insurance_paid, usdc(100'000));
  EXPECT_EQ(t.taker.deficit.socialized, usdc(50'000));
  EXPECT_EQ(collateral(ALICE), Quote(0));
  EXPECT_EQ(risk.account(INSURANCE_FUND_ACCOUNT)->collateral, Quote(0));
  EXPECT_EQ(risk.ledger().socialized_loss, usdc(50'000));
  expect_invariants();
}

class Adl : public Liquidation {
 protected:
  void SetUp() override {
    ASSERT_EQ(risk.add_market(btc_spec(), params()), RiskStatus::ok);
    for (AccountId a : {ALICE, BOB, CAROL}) ASSERT_EQ(risk.add_account(a), RiskStatus::ok);
    set_price(usd(50'000));
    ASSERT_EQ(risk.seed_insurance_fund(usdc(1'000)), RiskStatus::ok);  // a small fund
    fund(ALICE, usdc(50'000));
    fund(BOB, usdc(100'000));
    fund(CAROL, usdc(20'000));
    // Alice long 10; Bob short 6 and Carol short 4, all at 50,000.
    trade(BOB, ALICE, Side::buy, usd(50'000), btc(6));
    trade(CAROL, ALICE, Side::buy, usd(50'000), btc(4));
    set_price(usd(44'000));  // Alice: equity -10,000, bankruptcy price 45,000
  }
};

TEST_F(Adl, FundTooSmallThenRankedOppositePositionsCloseAtTheBankruptcyPrice) {
  TakeoverResult take = risk.insurance_takeover(ALICE, BTC, now);
  // The fund would lose 10 x (45,000 - 44,000) = 10,000 > its 1,000.
  EXPECT_EQ(take.status, RiskStatus::insurance_fund_insufficient);
  expect_invariants();

  AdlResult r = risk.adl(ALICE, BTC, now);
  ASSERT_EQ(r.status, RiskStatus::ok);
  EXPECT_EQ(r.bankruptcy_price, usd(45'000));
  ASSERT_EQ(r.fills.size(), 2u);
  // Carol: +12% x 4x leverage (176,000 / 44,000) = 0.48 ranks before
  // Bob: +12% x 1.94x (264,000 / 136,000) = 0.2329.
  EXPECT_EQ(r.fills[0].counterparty, CAROL);
  EXPECT_EQ(r.fills[0].score, 480'000);
  EXPECT_EQ(r.fills[0].qty, btc(4));
  EXPECT_EQ(r.fills[0].counterparty_side, Side::buy);
  EXPECT_EQ(r.fills[0].counterparty_realized_pnl, usdc(20'000));
  EXPECT_EQ(r.fills[1].counterparty, BOB);
  EXPECT_EQ(r.fills[1].score, 232'941);
  EXPECT_EQ(r.fills[1].qty, btc(6));
  EXPECT_EQ(r.fills[1].counterparty_realized_pnl, usdc(30'000));
  EXPECT_EQ(r.remaining, Qty(0));
  EXPECT_TRUE(r.deficits.empty());
  EXPECT_EQ(position(ALICE).base, Qty(0));
  EXPECT_EQ(collateral(ALICE), Quote(0));
  EXPECT_EQ(position(BOB).base, Qty(0));
  EXPECT_EQ(collateral(CAROL), usdc(40'000));
  EXPECT_EQ(risk.market(BTC)->long_open_interest, Qty(0));
  expect_invariants();
}

TEST_F(Adl, PartialWhenTheFirstCounterpartyIsBigEnough) {
  // Bob grows his short to 12 against Carol (short 4 -> long 2): Bob is the only short.
  trade(BOB, CAROL, Side::buy, usd(44'000), btc(6));
  AdlResult r = risk.adl(ALICE, BTC, now);
  ASSERT_EQ(r.status, RiskStatus::ok);
  ASSERT_EQ(r.fills.size(), 1u);
  EXPECT_EQ(r.fills[0].counterparty, BOB);
  EXPECT_EQ(r.fills[0].qty, btc(10));
  EXPECT_EQ(position(BOB).base, btc(-2));
  expect_invariants();
}

TEST_F(Adl, RequiresALiquidatableAccount) {
  set_price(usd(50'000));
  EXPECT_EQ(risk.adl(ALICE, BTC, now).status, RiskStatus::not_liquidatable);
  EXPECT_EQ(risk.adl(BOB, 7, now).status, RiskStatus::unknown_market);
  EXPECT_EQ(risk.adl(99, BTC, now).status, RiskStatus::unknown_account);
}

}  // namespace
}  // namespace qd::risk::test
