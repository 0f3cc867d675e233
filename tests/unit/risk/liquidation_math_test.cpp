#include "risk/liquidation_math.hpp"

#include <gtest/gtest.h>

#include "risk/adl_ranking.hpp"
#include "risk_test_units.hpp"

namespace qd::risk {
namespace {

using test::btc;
using test::usd;
using test::usdc;

constexpr int64_t MAINTENANCE_5_PCT = 500;
constexpr int64_t BUFFER_2_PCT = 200;
constexpr int64_t LIQUIDATION_FEE_1_PCT = 100;
constexpr int64_t SPREAD_1_5 = 15'000;
const Qty LOT_0_0001 = Qty(100'000);
const Price TICK_0_1 = Price(100'000);

// RISK.md vector at mark 47,000: long 10 @ 50,000, collateral 50,000 -> equity 20,000,
// maintenance 23,500, notional 470,000.
const Quote EQUITY_20K = usdc(20'000);
const Quote MAINTENANCE_23_5K = usdc(23'500);
const Quote NOTIONAL_470K = usdc(470'000);

TEST(LiquidationShortage, MaintenancePlusBufferMinusEquity) {
  auto buffer = liquidation_buffer(NOTIONAL_470K, BUFFER_2_PCT);
  EXPECT_EQ(buffer, usdc(9'400));
  // 23,500 + 9,400 - 20,000 = 12,900.
  EXPECT_EQ(liquidation_shortage(MAINTENANCE_23_5K, *buffer, EQUITY_20K), usdc(12'900));
  EXPECT_EQ(liquidation_shortage(MAINTENANCE_23_5K, *buffer, usdc(40'000)), Quote(0));
}

TEST(BaseToCoverShortage, ClearsTheShortageAfterFeesRoundedUpToTheLot) {
  // 12,900 / (47,000 x (5% + 2% - 1%)) = 4.574468... BTC -> 4.5745 at a 0.0001 lot.
  EXPECT_EQ(base_to_cover_shortage(usdc(12'900), usd(47'000), MAINTENANCE_5_PCT, BUFFER_2_PCT,
                                   LIQUIDATION_FEE_1_PCT, LOT_0_0001, btc(10)),
            Qty(4'574'500'000));
}

TEST(BaseToCoverShortage, CappedAtThePositionAndWholeWhenNothingIsFreed) {
  EXPECT_EQ(base_to_cover_shortage(usdc(1'000'000), usd(47'000), MAINTENANCE_5_PCT, BUFFER_2_PCT,
                                   LIQUIDATION_FEE_1_PCT, LOT_0_0001, btc(-10)),
            btc(10));
  // A fee as large as maintenance + buffer frees nothing per unit: close everything.
  EXPECT_EQ(base_to_cover_shortage(usdc(1), usd(47'000), MAINTENANCE_5_PCT, BUFFER_2_PCT, 700,
                                   LOT_0_0001, btc(10)),
            btc(10));
  EXPECT_EQ(base_to_cover_shortage(Quote(0), usd(47'000), MAINTENANCE_5_PCT, BUFFER_2_PCT,
                                   LIQUIDATION_FEE_1_PCT, LOT_0_0001, btc(10)),
            Qty(0));
}

TEST(FillablePrice, DydxFormulaOnTheRiskMdVector) {
  // ABR = 1 - 20,000 / 23,500 = 0.148936; ABR x 1.5 x 23,500 = 5,250; (470,000 - 5,250) / 10.
  EXPECT_EQ(fillable_price(btc(10), usd(47'000), EQUITY_20K, MAINTENANCE_23_5K, MAINTENANCE_23_5K,
                           SPREAD_1_5),
            usd(46'475));
  // Short mirror: buys back at no more than 47,525.
  EXPECT_EQ(fillable_price(btc(-10), usd(47'000), EQUITY_20K, MAINTENANCE_23_5K, MAINTENANCE_23_5K,
                           SPREAD_1_5),
            usd(47'525));
}

TEST(FillablePrice, AbrClampedBetweenZeroAndOne) {
  // Healthy equity: ABR 0, the mark itself.
  EXPECT_EQ(fillable_price(btc(10), usd(47'000), usdc(30'000), MAINTENANCE_23_5K, MAINTENANCE_23_5K,
                           SPREAD_1_5),
            usd(47'000));
  // Negative equity: ABR 1: 47,000 - 1.5 x 2,350 = 43,475.
  EXPECT_EQ(fillable_price(btc(10), usd(47'000), Quote(-usdc(5'000).raw), MAINTENANCE_23_5K,
                           MAINTENANCE_23_5K, SPREAD_1_5),
            usd(43'475));
}

TEST(RoundLimitToTick, NeverLoosensTheLimit) {
  EXPECT_EQ(round_limit_to_tick(Price(46'475'050'000), Side::sell, TICK_0_1),
            Price(46'475'100'000));
  EXPECT_EQ(round_limit_to_tick(Price(47'524'950'000), Side::buy, TICK_0_1), Price(47'524'900'000));
  EXPECT_EQ(round_limit_to_tick(usd(46'475), Side::sell, TICK_0_1), usd(46'475));
  EXPECT_FALSE(round_limit_to_tick(usd(1), Side::sell, Price(0)).has_value());
}

TEST(LiquidationFee, OnePercentCappedAtWhatTheAccountCanAfford) {
  EXPECT_EQ(liquidation_fee(usdc(212'600), LIQUIDATION_FEE_1_PCT, usdc(10'000)), usdc(2'126));
  EXPECT_EQ(liquidation_fee(usdc(212'600), LIQUIDATION_FEE_1_PCT, usdc(300)), usdc(300));
  EXPECT_EQ(liquidation_fee(usdc(212'600), LIQUIDATION_FEE_1_PCT, Quote(-usdc(5).raw)), Quote(0));
  EXPECT_EQ(liquidation_fee(Quote(1), LIQUIDATION_FEE_1_PCT, usdc(1)), Quote(1));  // rounded up
}

TEST(RoundUpToLot, Multiples) {
  EXPECT_EQ(round_up_to_lot(Qty(1), LOT_0_0001), LOT_0_0001);
  EXPECT_EQ(round_up_to_lot(LOT_0_0001, LOT_0_0001), LOT_0_0001);
  EXPECT_EQ(round_up_to_lot(Qty(0), LOT_0_0001), Qty(0));
}

// ADL: shorts opposite a bankrupt long, mark 45,000.
Position short_at(int64_t units, int64_t entry_price) {
  Position p;
  p.base = btc(-units);
  p.quote_entry = usdc(-units * entry_price);
  return p;
}

TEST(AdlScore, PnlPercentTimesEffectiveLeverage) {
  // Short 10 @ 50,000: PnL +50,000 = 10%; notional 450,000 over equity 100,000 = 4.5x -> 0.45.
  EXPECT_EQ(adl_score(short_at(10, 50'000), usd(45'000), usdc(100'000)), 450'000);
  // Same position with half the equity: 9x -> 0.9.
  EXPECT_EQ(adl_score(short_at(10, 50'000), usd(45'000), usdc(50'000)), 900'000);
}

TEST(AdlScore, LosingPositionsDivideByLeverage) {
  // Short 1 @ 40,000: PnL -5,000 = -12.5%, leverage 4.5x -> -0.027777.
  EXPECT_EQ(adl_score(short_at(1, 40'000), usd(45'000), usdc(10'000)), -27'777);
}

TEST(AdlScore, NoEquityRanksAsInfinitelyLeveraged) {
  EXPECT_GT(adl_score(short_at(1, 50'000), usd(45'000), Quote(0)),
            adl_score(short_at(1, 50'000), usd(45'000), usdc(1)));
  EXPECT_EQ(adl_score(Position{}, usd(45'000), usdc(1)), 0);
}

TEST(RankForAdl, HighestScoreFirstTiesByAccountId) {
  std::vector<AdlCandidate> c{
      {7, short_at(1, 40'000), usdc(10'000)},    // -27,777
      {3, short_at(10, 50'000), usdc(100'000)},  // 450,000
      {9, short_at(10, 50'000), usdc(50'000)},   // 900,000
      {2, short_at(10, 50'000), usdc(100'000)},  // 450,000, lower id than 3
      {4, Position{}, usdc(1)},                  // flat: not a candidate
  };
  auto r = rank_for_adl(c, usd(45'000));
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].account, 9u);
  EXPECT_EQ(r[1].account, 2u);
  EXPECT_EQ(r[2].account, 3u);
  EXPECT_EQ(r[3].account, 7u);
  EXPECT_EQ(r[0].base, btc(-10));
}

}  // namespace
}  // namespace qd::risk
