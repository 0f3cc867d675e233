#include "risk/funding.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "risk_test_units.hpp"

namespace qd::risk {
namespace {

using test::btc;
using test::usd;
using test::usdc;

constexpr int64_t INITIAL_10_PCT = 1'000;
constexpr int64_t MAINTENANCE_5_PCT = 500;
constexpr int64_t PREMIUM_0_12_PCT = 1'200'000;  // 1e-9
constexpr int64_t RATE_0_07_PCT = 700'000;
constexpr int64_t INTEREST_0_01_PCT = 100'000;
constexpr int64_t CLAMP_0_05_PCT = 500'000;
const FundingParams DEFAULTS{};

TEST(ImpactNotional, FiveHundredOverTheInitialRatio) {
  EXPECT_EQ(impact_notional(usdc(500), INITIAL_10_PCT), usdc(5'000));
  EXPECT_EQ(impact_notional(usdc(500), 2'000), usdc(2'500));
  EXPECT_FALSE(impact_notional(usdc(500), 0).has_value());
}

TEST(ImpactPrice, AverageOverLevelsWithAPartialLast) {
  // Buying 5,000 USDC: 0.05 BTC at 50,000 (2,500) then 2,500 at 50,100 = 0.0499001996 BTC.
  std::vector<BookLevel> asks{{usd(50'000), Qty(50'000'000)}, {usd(50'100), btc(1)}};
  auto p = impact_price(asks, usdc(5'000), Side::buy);
  ASSERT_TRUE(p);
  // 0.05 + 0.049900199 (rounded down) = 0.099900199 BTC; 5,000 / that = 50,049.950351 (up).
  EXPECT_EQ(*p, Price(50'049'950'351));
  std::vector<BookLevel> bids{{usd(50'000), btc(1)}};
  EXPECT_EQ(impact_price(bids, usdc(5'000), Side::sell), usd(50'000));
}

TEST(ImpactPrice, TooThinIsNone) {
  std::vector<BookLevel> asks{{usd(50'000), Qty(50'000'000)}};  // 2,500 USDC
  EXPECT_FALSE(impact_price(asks, usdc(5'000), Side::buy).has_value());
  EXPECT_FALSE(impact_price({}, usdc(5'000), Side::buy).has_value());
}

TEST(PremiumSample, ImpactBidAboveOracleIsPositive) {
  // Impact bid 50,060 vs oracle 50,000: +0.12%.
  EXPECT_EQ(premium_sample(usd(50'000), usd(50'060), usd(50'070), Price(0)), PREMIUM_0_12_PCT);
  // Impact ask below the oracle: negative.
  EXPECT_EQ(premium_sample(usd(50'000), usd(49'900), usd(49'940), Price(0)), -1'200'000);
  // Oracle inside the impact spread: 0.
  EXPECT_EQ(premium_sample(usd(50'000), usd(49'990), usd(50'010), Price(0)), 0);
}

TEST(PremiumSample, MissingImpactPriceUsesTheMidAndNoMidIsZero) {
  EXPECT_EQ(premium_sample(usd(50'000), Price(0), usd(50'100), usd(50'060)), PREMIUM_0_12_PCT);
  EXPECT_EQ(premium_sample(usd(50'000), Price(0), Price(0), Price(0)), 0);
  EXPECT_FALSE(premium_sample(Price(0), usd(1), usd(1), usd(1)).has_value());
}

TEST(FundingRate8h, RiskMdVectorPremiumPointTwelveGivesPointZeroSeven) {
  // 0.12% + clamp(0.01% - 0.12%, +/-0.05%) = 0.12% - 0.05% = 0.07%.
  EXPECT_EQ(funding_rate_8h(PREMIUM_0_12_PCT, INTEREST_0_01_PCT, CLAMP_0_05_PCT), RATE_0_07_PCT);
}

TEST(FundingRate8h, SmallPremiumPaysTheInterestRate) {
  EXPECT_EQ(funding_rate_8h(0, INTEREST_0_01_PCT, CLAMP_0_05_PCT), INTEREST_0_01_PCT);
  EXPECT_EQ(funding_rate_8h(300'000, INTEREST_0_01_PCT, CLAMP_0_05_PCT), INTEREST_0_01_PCT);
  EXPECT_EQ(funding_rate_8h(-1'000'000, INTEREST_0_01_PCT, CLAMP_0_05_PCT), -500'000);
}

TEST(FundingRatePerInterval, HourlyIsAnEighthAndCapped) {
  // 0.07% / 8 = 0.00875% per hour.
  EXPECT_EQ(funding_rate_per_interval(RATE_0_07_PCT, NS_PER_HOUR, DEFAULTS, INITIAL_10_PCT,
                                      MAINTENANCE_5_PCT),
            87'500);
  // 2% per 8 h = 0.25%/h, capped at 0.125%/h either way.
  EXPECT_EQ(funding_rate_per_interval(20'000'000, NS_PER_HOUR, DEFAULTS, INITIAL_10_PCT,
                                      MAINTENANCE_5_PCT),
            1'250'000);
  EXPECT_EQ(funding_rate_per_interval(-20'000'000, NS_PER_HOUR, DEFAULTS, INITIAL_10_PCT,
                                      MAINTENANCE_5_PCT),
            -1'250'000);
  // Tight margins cap harder: 0.75 x (10% - 9.9%) = 0.075%.
  EXPECT_EQ(funding_rate_per_interval(20'000'000, NS_PER_HOUR, DEFAULTS, INITIAL_10_PCT, 990),
            750'000);
}

TEST(FundingPayment, RiskMdVectorLongTenPaysFortyThreeSeventyFivePerHour) {
  const Wide delta = funding_index_delta(87'500, usd(50'000));
  ASSERT_TRUE(delta.ok());
  // 4.375 USDC per BTC at 1e-15.
  EXPECT_EQ(to_i64(delta), 4'375'000'000'000'000);
  EXPECT_EQ(funding_payment(btc(10), 0, delta.value()), Quote(43'750'000));
  // The short side receives the same.
  EXPECT_EQ(funding_payment(btc(-10), 0, delta.value()), Quote(-43'750'000));
}

TEST(FundingPayment, RoundedUpSoPayersPayAndReceiversLoseTheFraction) {
  // 1e-9 BTC x 4.375 USDC = 4.375e-9 USDC: the long pays 1e-6, the short receives 0.
  const i128 delta = 4'375'000'000'000'000;
  EXPECT_EQ(funding_payment(Qty(1), 0, delta), Quote(1));
  EXPECT_EQ(funding_payment(Qty(-1), 0, delta), Quote(0));
  EXPECT_EQ(funding_payment(btc(10), delta, delta), Quote(0));
}

}  // namespace
}  // namespace qd::risk
