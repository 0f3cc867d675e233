#include "risk/margin_math.hpp"

#include <gtest/gtest.h>

#include "risk/position_math.hpp"
#include "risk_test_units.hpp"

namespace qd::risk {
namespace {

using test::btc;
using test::usd;
using test::usdc;

constexpr int64_t INITIAL_10_PCT = 1'000;   // bps
constexpr int64_t MAINTENANCE_5_PCT = 500;  // bps
constexpr int64_t IMF_0_001 = 1'000;        // ppm

// RISK.md liquidation vector: long 10 BTC @ 50,000 with 50,000 USDC collateral.
Position long_10_at_50k() {
  Position p;
  p.base = btc(10);
  p.quote_entry = usdc(500'000);
  p.quote_break_even = usdc(500'000);
  return p;
}
const Quote COLLATERAL_50K = usdc(50'000);

TEST(UnrealizedPnl, LongLosesTwentyThousandAtFortyEightThousand) {
  EXPECT_EQ(unrealized_pnl(long_10_at_50k(), usd(48'000)), Quote(-usdc(20'000).raw));
}

TEST(UnrealizedPnl, ShortLiabilityRoundsAgainstTheAccount) {
  Position p;
  p.base = Qty(-1);  // 1e-9 short
  p.quote_entry = Quote(0);
  // 1e-9 x $1.5 = 1.5e-9 USDC: a liability rounded up to 1e-6.
  EXPECT_EQ(unrealized_pnl(p, Price(1'500'000)), Quote(-1));
}

TEST(PnlForInitialMargin, GainsWeightedLossesInFull) {
  EXPECT_EQ(pnl_for_initial_margin(usdc(1'000), 10'000), usdc(1'000));
  EXPECT_EQ(pnl_for_initial_margin(usdc(1'000), 5'000), usdc(500));
  EXPECT_EQ(pnl_for_initial_margin(Quote(-usdc(1'000).raw), 5'000), Quote(-usdc(1'000).raw));
  EXPECT_EQ(pnl_for_initial_margin(Quote(3), 5'000), Quote(1));  // 1.5 rounds down
}

TEST(WorstCaseBase, RestingOrdersCountOnTheSideThatGrowsThePosition) {
  // Long 10 with 5 bid and 30 ask: buying -> 15, selling -> -20: worst case 20.
  EXPECT_EQ(worst_case_base(btc(10), btc(5), btc(30)), btc(20));
  // Long 10 with a 4 ask only (a reduce): worst case stays 10.
  EXPECT_EQ(worst_case_base(btc(10), Qty(0), btc(4)), btc(10));
  EXPECT_EQ(worst_case_base(Qty(0), btc(2), btc(3)), btc(3));
  EXPECT_FALSE(worst_case_base(Qty(0), Qty(-1), Qty(0)).has_value());
}

TEST(SizePremium, TenPercentStaysUpToFourHundredUnits) {
  EXPECT_EQ(size_premium_ratio_ppm(INITIAL_10_PCT, IMF_0_001, btc(1)), 100'000);
  EXPECT_EQ(size_premium_ratio_ppm(INITIAL_10_PCT, IMF_0_001, btc(400)), 100'000);
  EXPECT_GT(*size_premium_ratio_ppm(INITIAL_10_PCT, IMF_0_001, btc(401)), 100'000);
}

TEST(SizePremium, ElevenPointOneSixPercentAtOneThousandBitcoin) {
  // RISK.md: 0.8 x 10% + 0.001 x sqrt(1000) = 11.1623% -> 11.16% at two decimals.
  // In ppm: 80,000 + ceil(1000 x 31,622,776,602 / 1e9) = 80,000 + 31,623 = 111,623.
  EXPECT_EQ(size_premium_ratio_ppm(INITIAL_10_PCT, IMF_0_001, btc(1'000)), 111'623);
}

TEST(SizePremium, NoFactorNoPremiumAndCappedAtOneHundredPercent) {
  EXPECT_EQ(size_premium_ratio_ppm(INITIAL_10_PCT, 0, btc(1'000'000)), 100'000);
  EXPECT_EQ(size_premium_ratio_ppm(INITIAL_10_PCT, 1'000'000, btc(1'000'000)), 1'000'000);
  EXPECT_FALSE(size_premium_ratio_ppm(-1, IMF_0_001, btc(1)).has_value());
}

TEST(OiRamp, LinearFromTheLowerCapToOneHundredPercentAtTheUpper) {
  const Qty lower = btc(1'000), upper = btc(2'000);
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, btc(500), lower, upper), 100'000);
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, btc(1'000), lower, upper), 100'000);
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, btc(1'500), lower, upper), 550'000);
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, btc(2'000), lower, upper), 1'000'000);
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, btc(9'000), lower, upper), 1'000'000);
  // Rounded up: one 1e-9 above the lower cap already costs a ppm.
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, Qty(btc(1'000).raw + 1), lower, upper), 100'001);
  // Off when upper <= lower.
  EXPECT_EQ(oi_ramp_ratio_ppm(100'000, btc(9'000), Qty(0), Qty(0)), 100'000);
}

TEST(MarginRequirement, RoundsUp) {
  EXPECT_EQ(margin_requirement_ceil(usdc(480'000), 50'000), usdc(24'000));
  EXPECT_EQ(margin_requirement_ceil(Quote(1), 50'000), Quote(1));
}

TEST(PositionMargin, RiskMdVectorHealthyAtFortyEightThousand) {
  PositionMarginInput in;
  in.position = long_10_at_50k();
  in.mark = usd(48'000);
  in.initial_ratio_bps = INITIAL_10_PCT;
  in.maintenance_ratio_bps = MAINTENANCE_5_PCT;
  auto m = position_margin(in);
  ASSERT_TRUE(m);
  const Quote equity = COLLATERAL_50K + m->pnl;
  EXPECT_EQ(equity, usdc(30'000));
  EXPECT_EQ(m->maintenance_requirement, usdc(24'000));
  EXPECT_GE(equity, m->maintenance_requirement);  // healthy
  EXPECT_EQ(m->initial_requirement, usdc(48'000));
  EXPECT_EQ(free_collateral(COLLATERAL_50K + m->pnl_initial, m->initial_requirement),
            Quote(-usdc(18'000).raw));
}

TEST(PositionMargin, RiskMdVectorLiquidatableAtFortySevenThousand) {
  PositionMarginInput in;
  in.position = long_10_at_50k();
  in.mark = usd(47'000);
  in.initial_ratio_bps = INITIAL_10_PCT;
  in.maintenance_ratio_bps = MAINTENANCE_5_PCT;
  auto m = position_margin(in);
  ASSERT_TRUE(m);
  const Quote equity = COLLATERAL_50K + m->pnl;
  EXPECT_EQ(equity, usdc(20'000));
  EXPECT_EQ(m->maintenance_requirement, usdc(23'500));
  EXPECT_LT(equity, m->maintenance_requirement);  // liquidatable
}

TEST(PositionMargin, RestingOrdersRaiseWorstCaseButNotPositionOnlyMaintenance) {
  PositionMarginInput in;
  in.position = long_10_at_50k();
  in.open_bids = btc(10);
  in.mark = usd(50'000);
  auto m = position_margin(in);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->worst_case_base, btc(20));
  EXPECT_EQ(m->worst_case_notional, usdc(1'000'000));
  EXPECT_EQ(m->initial_requirement, usdc(100'000));
  EXPECT_EQ(m->maintenance_requirement, usdc(50'000));
  EXPECT_EQ(m->maintenance_positions_only, usdc(25'000));
}

TEST(PositionMargin, SizePremiumAppliesToInitialOnly) {
  PositionMarginInput in;
  in.position.base = btc(1'000);
  in.position.quote_entry = usdc(50'000'000);
  in.mark = usd(50'000);
  in.imf_factor_ppm = IMF_0_001;
  auto m = position_margin(in);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->initial_ratio_ppm, 111'623);
  EXPECT_EQ(m->initial_requirement, usdc(5'581'150));  // 50,000,000 x 11.1623%
  EXPECT_EQ(m->maintenance_requirement, usdc(2'500'000));
}

TEST(LiquidationPrice, RiskMdVectorFortySevenThreeSixtyEightPointFourTwo) {
  // At mark 48,000 the equity is 30,000: p = (480,000 - 30,000) / (10 x 0.95) = 47,368.421052...
  // rounded up for a long (toward the mark): 47,368.421053, i.e. 47,368.42.
  auto p = liquidation_price(btc(10), usd(48'000), usdc(30'000), Quote(0), MAINTENANCE_5_PCT);
  EXPECT_EQ(p, Price(47'368'421'053));
  // The same answer from any mark: it depends on collateral and entry only.
  auto q = liquidation_price(btc(10), usd(50'000), usdc(50'000), Quote(0), MAINTENANCE_5_PCT);
  EXPECT_EQ(q, Price(47'368'421'053));
}

TEST(LiquidationPrice, ShortAndUnliquidatableLong) {
  // Short 10 @ 50,000 with 50,000 collateral: p = (-500,000 - 50,000) / (-10 x 0.95) =
  // 57,894.736842
  auto p = liquidation_price(btc(-10), usd(50'000), usdc(50'000), Quote(0), MAINTENANCE_5_PCT);
  EXPECT_EQ(p, Price(57'894'736'842));
  // A long backed by more than its notional is never liquidated: 0.
  auto q = liquidation_price(btc(1), usd(50'000), usdc(100'000), Quote(0), MAINTENANCE_5_PCT);
  EXPECT_EQ(q, Price(0));
  EXPECT_FALSE(liquidation_price(Qty(0), usd(1), usdc(1), Quote(0), 500).has_value());
}

TEST(BankruptcyPrice, RiskMdVectorFortyFiveThousand) {
  EXPECT_EQ(bankruptcy_price(btc(10), usd(47'000), usdc(20'000)), usd(45'000));
  EXPECT_EQ(bankruptcy_price(btc(10), usd(48'000), usdc(30'000)), usd(45'000));
}

TEST(BankruptcyPrice, ShortAndRoundingNeverLeavesTheAccountNegative) {
  EXPECT_EQ(bankruptcy_price(btc(-10), usd(50'000), usdc(20'000)), usd(52'000));
  // Long 3 with equity 1: p = mark - 1/3 rounded up -> the account keeps >= 0.
  EXPECT_EQ(bankruptcy_price(btc(3), usd(100), usdc(1)), Price(99'666'667));
  EXPECT_EQ(bankruptcy_price(btc(-3), usd(100), usdc(1)), Price(100'333'333));
  // Underwater long: above the mark.
  EXPECT_EQ(bankruptcy_price(btc(10), usd(44'000), Quote(-usdc(10'000).raw)), usd(45'000));
}

}  // namespace
}  // namespace qd::risk
