// RiskEngine: setup, collateral, the pre-trade check, exposure hooks, fills and the state hash.
#include "risk/risk_engine.hpp"

#include <gtest/gtest.h>

#include "risk_engine_fixture.hpp"

namespace qd::risk::test {
namespace {

using Engine = RiskEngineFixture;

TEST_F(Engine, SetupRejectsDuplicatesAndBadParameters) {
  EXPECT_EQ(risk.add_market(btc_spec(), MarketRiskParams{}), RiskStatus::duplicate);
  EXPECT_EQ(risk.add_account(ALICE), RiskStatus::duplicate);
  EXPECT_EQ(risk.add_account(INSURANCE_FUND_ACCOUNT), RiskStatus::invalid_params);
  MarketSpec eth = btc_spec();
  eth.id = 1;
  MarketRiskParams bad;
  bad.initial_margin_bps = 400;  // below maintenance 5%
  EXPECT_EQ(risk.add_market(eth, bad), RiskStatus::invalid_params);
  EXPECT_NE(validate(bad), nullptr);
  EXPECT_EQ(validate(MarketRiskParams{}), nullptr);
  EXPECT_EQ(risk.seed_insurance_fund(Quote(0)), RiskStatus::invalid_quantity);
}

TEST_F(Engine, DepositsAndWithdrawalsOfAFlatAccount) {
  EXPECT_EQ(risk.deposit(99, usdc(1)).reason, RejectReason::unknown_account);
  EXPECT_EQ(risk.deposit(ALICE, Quote(0)).reason, RejectReason::invalid_quantity);
  EXPECT_EQ(risk.deposit(INSURANCE_FUND_ACCOUNT, usdc(1)).reason, RejectReason::unknown_account);
  CollateralResult d = risk.deposit(ALICE, usdc(1'000));
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.collateral_after, usdc(1'000));
  CollateralResult w = risk.withdraw(ALICE, usdc(1'001), now);
  EXPECT_EQ(w.reason, RejectReason::insufficient_collateral);
  EXPECT_EQ(w.text, "withdrawal 1001 USDC above collateral 1000 USDC");
  EXPECT_TRUE(risk.withdraw(ALICE, usdc(1'000), now).ok());
  EXPECT_EQ(collateral(ALICE), Quote(0));
  EXPECT_EQ(risk.ledger().deposits, usdc(1'000));
  EXPECT_EQ(risk.ledger().withdrawals, usdc(1'000));
  expect_invariants();
}

TEST_F(Engine, WithdrawalKeepsFreeCollateralNonNegative) {
  fund(ALICE, usdc(100'000));
  fund(BOB, usdc(100'000));
  trade(BOB, ALICE, Side::buy, usd(50'000), btc(10));  // Alice pays 500 fee: 99,500 left
  // Initial requirement 50,000: free collateral 49,500.
  EXPECT_EQ(margin(ALICE).free_collateral, usdc(49'500));
  CollateralResult w = risk.withdraw(ALICE, usdc(49'501), now);
  EXPECT_EQ(w.reason, RejectReason::withdrawal_exceeds_free_collateral);
  EXPECT_EQ(
      w.text,
      "withdrawal 49501 USDC above free collateral 49500 USDC (initial requirement 50000 USDC)");
  EXPECT_EQ(collateral(ALICE), usdc(99'500));
  CollateralResult ok = risk.withdraw(ALICE, usdc(49'500), now);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.free_collateral_after, Quote(0));
  expect_invariants();
}

TEST_F(Engine, WithdrawalBlockedWhileTheOracleIsStaleForMargin) {
  fund(ALICE, usdc(100'000));
  fund(BOB, usdc(100'000));
  trade(BOB, ALICE, Side::buy, usd(50'000), btc(1));
  EXPECT_EQ(risk.withdraw(ALICE, usdc(1), now + seconds(61)).reason, RejectReason::oracle_invalid);
  // Stale for fills only: withdrawals still allowed.
  EXPECT_TRUE(risk.withdraw(ALICE, usdc(1), now + seconds(6)).ok());
  // A flat account may always withdraw.
  fund(CAROL, usdc(10));
  EXPECT_TRUE(risk.withdraw(CAROL, usdc(10), now + seconds(6'000)).ok());
}

TEST_F(Engine, CheckOrderAcceptsWithinFreeCollateralAndShowsTheNumbers) {
  fund(ALICE, usdc(50'000));
  // Buy 9 @ 50,000: requirement 45,000, taker fee 450: free collateral 4,550 after.
  OrderCheck c = risk.check_order(ALICE, BTC, Side::buy, usd(50'000), btc(9), false, now);
  EXPECT_TRUE(c.ok()) << c.text;
  EXPECT_TRUE(c.risk_increasing);
  EXPECT_EQ(c.free_collateral_before, usdc(50'000));
  EXPECT_EQ(c.free_collateral_after, usdc(4'550));
  EXPECT_EQ(c.initial_requirement_after, usdc(45'000));
  EXPECT_EQ(c.qty, btc(9));
}

TEST_F(Engine, CheckOrderRejectsInsufficientMarginWithTheNumbers) {
  fund(ALICE, usdc(50'000));
  OrderCheck c = risk.check_order(ALICE, BTC, Side::buy, usd(50'000), btc(10), false, now);
  EXPECT_EQ(c.reason, RejectReason::insufficient_margin);
  EXPECT_EQ(c.free_collateral_after, Quote(-usdc(500).raw));
  EXPECT_EQ(c.text,
            "free collateral 50000 USDC before, -500 USDC after; initial requirement 50000 USDC, "
            "equity 50000 USDC");
}

TEST_F(Engine, CheckOrderCountsTheLossOfBuyingAboveTheMark) {
  fund(ALICE, usdc(50'000));
  // 9 @ 50,500 (1% above the mark): 4,500 lost at once + fee 454.5 + requirement 45,000.
  OrderCheck c = risk.check_order(ALICE, BTC, Side::buy, usd(50'500), btc(9), false, now);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.free_collateral_after, Quote(usdc(50'000 - 45'000 - 4'500).raw - 454'500'000));
  // A sell below the mark counts the same way; one above the mark costs nothing extra.
  OrderCheck s = risk.check_order(ALICE, BTC, Side::sell, usd(50'500), btc(9), false, now);
  EXPECT_EQ(s.free_collateral_after, Quote(usdc(50'000 - 45'000).raw - 454'500'000));
}

TEST_F(Engine, RestingOrdersUseUpFreeCollateral) {
  fund(ALICE, usdc(50'000));
  ASSERT_EQ(risk.on_order_rested(ALICE, BTC, Side::buy, btc(5)), RiskStatus::ok);
  EXPECT_EQ(margin(ALICE).initial_requirement, usdc(25'000));
  OrderCheck c = risk.check_order(ALICE, BTC, Side::buy, usd(50'000), btc(5), false, now);
  EXPECT_EQ(c.reason, RejectReason::insufficient_margin);
  // The opposite side does not add to a flat account's worst case beyond the larger side.
  OrderCheck s = risk.check_order(ALICE, BTC, Side::sell, usd(50'000), btc(5), false, now);
  EXPECT_FALSE(s.risk_increasing);
  EXPECT_TRUE(s.ok());
}

TEST_F(Engine, ReduceOnlyIsRejectedWhenFlatOrIncreasingAndResizedWhenLarger) {
  fund(ALICE, usdc(100'000));
  fund(BOB, usdc(100'000));
  OrderCheck flat = risk.check_order(ALICE, BTC, Side::sell, usd(50'000), btc(1), true, now);
  EXPECT_EQ(flat.reason, RejectReason::reduce_only_would_increase);
  EXPECT_EQ(flat.text, "reduce-only sell 1 with position 0");
  trade(BOB, ALICE, Side::buy, usd(50'000), btc(2));
  OrderCheck grow = risk.check_order(ALICE, BTC, Side::buy, usd(50'000), btc(1), true, now);
  EXPECT_EQ(grow.reason, RejectReason::reduce_only_would_increase);
  OrderCheck cut = risk.check_order(ALICE, BTC, Side::sell, usd(50'000), btc(3), true, now);
  EXPECT_TRUE(cut.ok());
  EXPECT_TRUE(cut.resized);
  EXPECT_EQ(cut.qty, btc(2));
  EXPECT_EQ(cut.text, "reduce-only order resized from 3 to the position 2");
  OrderCheck fits = risk.check_order(ALICE, BTC, Side::sell, usd(50'000), btc(1), true, now);
  EXPECT_TRUE(fits.ok());
  EXPECT_FALSE(fits.resized);
}

TEST_F(Engine, ReducingOrdersPassEvenWithoutMarginOrOracle) {
  fund(ALICE, usdc(100'000));
  fund(BOB, usdc(100'000));
  trade(BOB, ALICE, Side::buy, usd(50'000), btc(10));
  set_price(usd(41'000));  // Alice: equity 100,000 - 500 - 90,000 = 9,500; needs 41,000
  EXPECT_LT(margin(ALICE).free_collateral.raw, 0);
  OrderCheck c = risk.check_order(ALICE, BTC, Side::sell, usd(41'000), btc(4), false, now);
  EXPECT_TRUE(c.ok());
  EXPECT_FALSE(c.risk_increasing);
  OrderCheck stale =
      risk.check_order(ALICE, BTC, Side::sell, usd(41'000), btc(4), false, now + seconds(3'600));
  EXPECT_TRUE(stale.ok());
  EXPECT_EQ(risk.check_order(ALICE, BTC, Side::buy, usd(41'000), btc(1), false, now).reason,
            RejectReason::insufficient_margin);
}

TEST_F(Engine, StaleOracleBlocksRiskIncreasingOrders) {
  fund(ALICE, usdc(100'000));
  OrderCheck c =
      risk.check_order(ALICE, BTC, Side::buy, usd(50'000), btc(1), false, now + seconds(6));
  EXPECT_EQ(c.reason, RejectReason::oracle_invalid);
  EXPECT_EQ(c.text, "oracle stale for fills: risk-increasing orders blocked");
  EXPECT_TRUE(
      risk.check_order(ALICE, BTC, Side::buy, usd(50'000), btc(1), false, now + seconds(5)).ok());
}

TEST_F(Engine, FallbackOracleIsUsedWhileThePrimaryIsWorse) {
  fund(ALICE, usdc(100'000));
  const TimestampNs later = now + seconds(30);
  OracleResult r =
      risk.set_oracle(BTC, usd(50'100), Price(0), later, later, OracleSource::fallback);
  EXPECT_EQ(r.reading_validity, OracleValidity::valid);
  EXPECT_EQ(r.effective_validity, OracleValidity::valid);
  EXPECT_EQ(r.oracle, usd(50'100));
  EXPECT_EQ(r.mark, usd(50'100));
  EXPECT_TRUE(risk.check_order(ALICE, BTC, Side::buy, usd(50'100), btc(1), false, later).ok());
  // An uncertain fallback is no better than a stale primary: blocked.
  risk.set_oracle(BTC, usd(50'100), usd(5'000), later, later, OracleSource::fallback);
  EXPECT_EQ(risk.check_order(ALICE, BTC, Side::buy, usd(50'100), btc(1), false, later).reason,
            RejectReason::oracle_invalid);
}

TEST_F(Engine, MaxPositionCountsRestingOrders) {
  MarketSpec eth = btc_spec();
  eth.id = 1;
  MarketRiskParams p;
  p.max_position = btc(5);
  ASSERT_EQ(risk.add_market(eth, p), RiskStatus::ok);
  risk.set_oracle(1, usd(3'000), Price(0), now, now);
  fund(ALICE, usdc(1'000'000));
  ASSERT_EQ(risk.on_order_rested(ALICE, 1, Side::buy, btc(3)), RiskStatus::ok);
  OrderCheck c = risk.check_order(ALICE, 1, Side::buy, usd(3'000), btc(3), false, now);
  EXPECT_EQ(c.reason, RejectReason::max_position_exceeded);
  EXPECT_EQ(c.text, "worst-case position 6 above the maximum 5");
  EXPECT_TRUE(risk.check_order(ALICE, 1, Side::buy, usd(3'000), btc(2), false, now).ok());
}

TEST_F(Engine, OpenInterestCapAtPlacementAndAfterTheFill) {
  MarketSpec eth = btc_spec();
  eth.id = 1;
  MarketRiskParams p;
  p.open_interest_cap = btc(10);
  ASSERT_EQ(risk.add_market(eth, p), RiskStatus::ok);
  risk.set_oracle(1, usd(3'000), Price(0), now, now);
  fund(ALICE, usdc(1'000'000));
  fund(BOB, usdc(1'000'000));
  ASSERT_EQ(risk.on_order_rested(BOB, 1, Side::sell, btc(8)), RiskStatus::ok);
  TradeResult t = risk.apply_trade(1, BOB, ALICE, Side::buy, usd(3'000), btc(8));
  ASSERT_EQ(t.status, RiskStatus::ok);
  EXPECT_EQ(t.taker.open_interest_after, btc(8));
  EXPECT_FALSE(t.taker.open_interest_cap_exceeded);
  fund(CAROL, usdc(1'000'000));
  OrderCheck c = risk.check_order(CAROL, 1, Side::buy, usd(3'000), btc(3), false, now);
  EXPECT_EQ(c.reason, RejectReason::open_interest_cap_exceeded);
  EXPECT_EQ(c.text, "open interest 8 + 3 above the cap 10");
  // Bob buying back (closing his short) does not grow open interest.
  EXPECT_TRUE(risk.check_order(BOB, 1, Side::buy, usd(3'000), btc(8), false, now).ok());
  // Resting orders placed before can still push OI past the cap: the fill reports it.
  ASSERT_EQ(risk.on_order_rested(BOB, 1, Side::sell, btc(3)), RiskStatus::ok);
  TradeResult over = risk.apply_trade(1, BOB, CAROL, Side::buy, usd(3'000), btc(3));
  EXPECT_TRUE(over.taker.open_interest_cap_exceeded);
  EXPECT_EQ(over.taker.open_interest_after, btc(11));
}

TEST_F(Engine, ExposureHooksAndUnderflow) {
  EXPECT_EQ(risk.on_order_rested(ALICE, BTC, Side::sell, btc(2)), RiskStatus::ok);
  EXPECT_EQ(risk.on_order_reduced(ALICE, BTC, Side::sell, btc(1)), RiskStatus::ok);
  EXPECT_EQ(risk.account(ALICE)->find(BTC)->orders.asks, btc(1));
  EXPECT_EQ(risk.on_order_removed(ALICE, BTC, Side::sell, btc(2)), RiskStatus::exposure_underflow);
  EXPECT_EQ(risk.on_order_removed(ALICE, BTC, Side::buy, btc(1)), RiskStatus::exposure_underflow);
  EXPECT_EQ(risk.on_order_removed(ALICE, BTC, Side::sell, btc(1)), RiskStatus::ok);
  EXPECT_TRUE(risk.account(ALICE)->find(BTC)->orders.empty());
  EXPECT_EQ(risk.on_order_rested(ALICE, 7, Side::buy, btc(1)), RiskStatus::unknown_market);
  EXPECT_EQ(risk.on_order_rested(99, BTC, Side::buy, btc(1)), RiskStatus::unknown_account);
  EXPECT_EQ(risk.on_order_rested(ALICE, BTC, Side::buy, Qty(0)), RiskStatus::invalid_quantity);
}

TEST_F(Engine, TradeWithoutRestingMakerQuantityChangesNothing) {
  fund(ALICE, usdc(100'000));
  const uint64_t before = risk.state_hash();
  TradeResult t = risk.apply_trade(BTC, BOB, ALICE, Side::buy, usd(50'000), btc(1));
  EXPECT_EQ(t.status, RiskStatus::exposure_underflow);
  EXPECT_EQ(risk.state_hash(), before);
  EXPECT_EQ(risk.apply_trade(BTC, BOB, ALICE, Side::buy, Price(0), btc(1)).status,
            RiskStatus::invalid_price);
  EXPECT_EQ(risk.apply_trade(BTC, BOB, 99, Side::buy, usd(1), btc(1)).status,
            RiskStatus::unknown_account);
  EXPECT_EQ(risk.state_hash(), before);
}

// RISK.md position vector through the engine: Alice takes, Bob makes, fees 10 bps / -2 bps.
TEST_F(Engine, RiskMdPositionVectorOpenIncreaseReduceFlip) {
  fund(ALICE, usdc(1'000'000));
  fund(BOB, usdc(1'000'000));

  TradeResult t1 = trade(BOB, ALICE, Side::buy, usd(50'000), btc(10));
  EXPECT_EQ(t1.taker.fee, usdc(500));
  EXPECT_EQ(t1.maker.fee, Quote(-usdc(100).raw));  // the 500,000-notional rebate: 100
  EXPECT_EQ(t1.taker.change, PositionChange::open);
  EXPECT_EQ(entry_price_trunc(position(ALICE)), usd(50'000));
  EXPECT_EQ(break_even_price_trunc(position(ALICE)), usd(50'050));
  EXPECT_EQ(risk.market(BTC)->long_open_interest, btc(10));

  TradeResult t2 = trade(BOB, ALICE, Side::buy, usd(52'000), btc(5));
  EXPECT_EQ(t2.taker.change, PositionChange::increase);
  EXPECT_EQ(entry_price_trunc(position(ALICE)), Price(50'666'666'666));

  TradeResult t3 = trade(BOB, ALICE, Side::sell, usd(55'000), btc(5));
  EXPECT_EQ(t3.taker.realized_pnl, Quote(21'666'666'667));
  EXPECT_EQ(t3.maker.realized_pnl, Quote(-21'666'666'667));

  TradeResult t4 = trade(BOB, ALICE, Side::sell, usd(54'000), btc(20));
  EXPECT_EQ(t4.taker.change, PositionChange::flip);
  EXPECT_EQ(t4.taker.realized_pnl, Quote(33'333'333'333));
  EXPECT_EQ(position(ALICE).base, btc(-10));
  EXPECT_EQ(entry_price_trunc(position(ALICE)), usd(54'000));
  EXPECT_EQ(position(BOB).base, btc(10));
  EXPECT_EQ(risk.market(BTC)->long_open_interest, btc(10));

  // Fees 500 + 260 + 275 + 1,080 = 2,115; realized 55,000. Rebates 100 + 52 + 55 + 216 = 423.
  EXPECT_EQ(collateral(ALICE), usdc(1'000'000 + 55'000 - 2'115));
  EXPECT_EQ(collateral(BOB), usdc(1'000'000 - 55'000 + 423));
  EXPECT_EQ(risk.fee_account().balance, usdc(2'115 - 423));
  EXPECT_EQ(risk.fee_account().trading_fees, usdc(2'115));
  EXPECT_EQ(risk.fee_account().rebates_paid, usdc(423));
  expect_invariants();

  // Close: everyone flat, and collateral + fees = deposits exactly.
  TradeResult t5 = trade(ALICE, BOB, Side::sell, usd(54'000), btc(10));
  EXPECT_EQ(t5.taker.change, PositionChange::close);
  EXPECT_EQ(risk.market(BTC)->long_open_interest, Qty(0));
  expect_invariants();
}

TEST_F(Engine, MakerFillsConsumeRestingExposure) {
  fund(ALICE, usdc(100'000));
  fund(BOB, usdc(100'000));
  ASSERT_EQ(risk.on_order_rested(BOB, BTC, Side::sell, btc(3)), RiskStatus::ok);
  risk.apply_trade(BTC, BOB, ALICE, Side::buy, usd(50'000), btc(1));
  EXPECT_EQ(risk.account(BOB)->find(BTC)->orders.asks, btc(2));
  EXPECT_EQ(risk.apply_trade(BTC, BOB, ALICE, Side::buy, usd(50'000), btc(3)).status,
            RiskStatus::exposure_underflow);
}

TEST_F(Engine, SubMicroNotionalResidueGoesToTheVenue) {
  fund(ALICE, usdc(100'000));
  fund(BOB, usdc(100'000));
  // $1.000001 x 1.5 = 1.5000015: the buyer pays 1.500002, the seller receives 1.500001.
  trade(BOB, ALICE, Side::buy, Price(1'000'001), Qty(1'500'000'000));
  EXPECT_EQ(risk.fee_account().rounding_residue, Quote(1));
  expect_invariants();
}

TEST_F(Engine, SelfTradeNetsToNothingButFees) {
  fund(ALICE, usdc(100'000));
  trade(ALICE, ALICE, Side::buy, usd(50'000), btc(1));
  EXPECT_EQ(position(ALICE).base, Qty(0));
  EXPECT_EQ(collateral(ALICE), usdc(100'000 - 50 + 10));
  expect_invariants();
}

TEST_F(Engine, MarkFollowsTheBookWithinTheBand) {
  BookTop top;
  top.best_bid = usd(50'100);
  top.best_ask = usd(50'200);
  top.last_trade = usd(50'150);
  MarkResult m = risk.update_mark(BTC, top, now);
  EXPECT_EQ(m.status, RiskStatus::ok);
  // First EMA sample seeds the basis at +150: leg 1 = 50,150 = leg 2: mark 50,150.
  EXPECT_EQ(m.mark, usd(50'150));
  EXPECT_TRUE(m.changed);
  EXPECT_EQ(risk.market(BTC)->mark, usd(50'150));
  // A new oracle re-marks without sampling the EMA: basis +150 stays.
  OracleResult o = risk.set_oracle(BTC, usd(50'000), Price(0), now + seconds(1), now + seconds(1));
  EXPECT_FALSE(o.mark_changed);
  // The book vanishes: the mark is the oracle.
  MarkResult empty = risk.update_mark(BTC, BookTop{}, now + seconds(1));
  EXPECT_EQ(empty.mark, usd(50'000));
}

TEST_F(Engine, NoOracleNoMarkNoRiskIncrease) {
  MarketSpec eth = btc_spec();
  eth.id = 1;
  ASSERT_EQ(risk.add_market(eth, MarketRiskParams{}), RiskStatus::ok);
  fund(ALICE, usdc(100'000));
  EXPECT_EQ(risk.update_mark(1, BookTop{}, now).status, RiskStatus::oracle_blocked);
  EXPECT_EQ(risk.check_order(ALICE, 1, Side::buy, usd(1), btc(1), false, now).reason,
            RejectReason::oracle_invalid);
}

TEST_F(Engine, StateHashIsReproducibleAndSensitive) {
  RiskEngine other;
  ASSERT_EQ(other.add_market(btc_spec(), MarketRiskParams{}), RiskStatus::ok);
  for (AccountId a : {ALICE, BOB, CAROL}) other.add_account(a);
  other.set_oracle(BTC, usd(50'000), Price(0), now, now);
  EXPECT_EQ(other.state_hash(), risk.state_hash());
  fund(ALICE, usdc(1));
  EXPECT_NE(other.state_hash(), risk.state_hash());
  ASSERT_TRUE(other.deposit(ALICE, usdc(1)).ok());
  EXPECT_EQ(other.state_hash(), risk.state_hash());
  ASSERT_EQ(other.on_order_rested(ALICE, BTC, Side::buy, Qty(1)), RiskStatus::ok);
  EXPECT_NE(other.state_hash(), risk.state_hash());
}

TEST_F(Engine, InvariantCheckCatchesAOneSidedFill) {
  fund(ALICE, usdc(100'000));
  FillResult f = risk.apply_fill(ALICE, BTC, Side::buy, usd(50'000), btc(1), Liquidity::taker);
  ASSERT_EQ(f.status, RiskStatus::ok);
  InvariantReport r = risk.check_invariants();
  EXPECT_FALSE(r.ok());
  EXPECT_NE(joined(r).find("positions do not sum to zero"), std::string::npos);
  EXPECT_NE(joined(r).find("money not conserved"), std::string::npos);
  // The other side restores both.
  ASSERT_EQ(risk.on_order_rested(BOB, BTC, Side::sell, btc(1)), RiskStatus::ok);
  risk.apply_fill(BOB, BTC, Side::sell, usd(50'000), btc(1), Liquidity::maker);
  expect_invariants();
}

}  // namespace
}  // namespace qd::risk::test
