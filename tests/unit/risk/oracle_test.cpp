#include "risk/oracle.hpp"

#include <gtest/gtest.h>

#include "risk_test_units.hpp"

namespace qd::risk {
namespace {

using test::seconds;
using test::usd;

const OracleParams DEFAULTS{};
const Price TWAP_50K = usd(50'000);
constexpr TimestampNs T0 = seconds(1'800'000'000);  // some command time

OracleReading reading(Price p, Price conf = Price(0), TimestampNs published = T0) {
  return {p, conf, published};
}

TEST(OracleValidity, ChecksInTheDocumentedOrder) {
  // Non-positive wins over everything else.
  EXPECT_EQ(assess_at_receipt(reading(Price(0), usd(99'999)), TWAP_50K, DEFAULTS),
            OracleValidity::non_positive);
  EXPECT_EQ(assess_at_receipt(reading(Price(-5)), TWAP_50K, DEFAULTS),
            OracleValidity::non_positive);
  // Too volatile is checked before too uncertain.
  EXPECT_EQ(assess_at_receipt(reading(usd(250'001), usd(100'000)), TWAP_50K, DEFAULTS),
            OracleValidity::too_volatile);
  EXPECT_EQ(assess_at_receipt(reading(usd(50'000), usd(1'001)), TWAP_50K, DEFAULTS),
            OracleValidity::too_uncertain);
  // Receipt-valid readings then age: stale for margin before stale for fills.
  EXPECT_EQ(assess_at(OracleValidity::valid, T0, T0 + seconds(61), DEFAULTS),
            OracleValidity::stale_for_margin);
  EXPECT_EQ(assess_at(OracleValidity::valid, T0, T0 + seconds(6), DEFAULTS),
            OracleValidity::stale_for_fills);
  EXPECT_EQ(assess_at(OracleValidity::too_uncertain, T0, T0 + seconds(600), DEFAULTS),
            OracleValidity::too_uncertain);
}

TEST(OracleValidity, VolatilityBandIsFiveTimesEitherWay) {
  EXPECT_EQ(assess_at_receipt(reading(usd(250'000)), TWAP_50K, DEFAULTS), OracleValidity::valid);
  EXPECT_EQ(assess_at_receipt(reading(Price(usd(250'000).raw + 1)), TWAP_50K, DEFAULTS),
            OracleValidity::too_volatile);
  EXPECT_EQ(assess_at_receipt(reading(usd(10'000)), TWAP_50K, DEFAULTS), OracleValidity::valid);
  EXPECT_EQ(assess_at_receipt(reading(Price(usd(10'000).raw - 1)), TWAP_50K, DEFAULTS),
            OracleValidity::too_volatile);
  // No TWAP yet: no volatility check.
  EXPECT_EQ(assess_at_receipt(reading(usd(1)), Price(0), DEFAULTS), OracleValidity::valid);
}

TEST(OracleValidity, ConfidenceLimitIsTwoPercentInclusive) {
  EXPECT_EQ(assess_at_receipt(reading(usd(50'000), usd(1'000)), TWAP_50K, DEFAULTS),
            OracleValidity::valid);
  EXPECT_EQ(assess_at_receipt(reading(usd(50'000), Price(usd(1'000).raw + 1)), TWAP_50K, DEFAULTS),
            OracleValidity::too_uncertain);
}

TEST(OracleValidity, StalenessBoundariesAreInclusiveOfTheLimit) {
  EXPECT_EQ(assess_at(OracleValidity::valid, T0, T0 + seconds(5), DEFAULTS), OracleValidity::valid);
  EXPECT_EQ(assess_at(OracleValidity::valid, T0, T0 + seconds(5) + 1, DEFAULTS),
            OracleValidity::stale_for_fills);
  EXPECT_EQ(assess_at(OracleValidity::valid, T0, T0 + seconds(60), DEFAULTS),
            OracleValidity::stale_for_fills);
  // A publish time ahead of command time counts as fresh.
  EXPECT_EQ(assess_at(OracleValidity::valid, T0 + seconds(30), T0, DEFAULTS),
            OracleValidity::valid);
}

TEST(OracleBlocks, EachStateNamesWhatItBlocks) {
  using A = OracleAction;
  using V = OracleValidity;
  EXPECT_FALSE(oracle_blocks(V::valid, A::increase_risk));
  EXPECT_FALSE(oracle_blocks(V::valid, A::liquidate));
  EXPECT_TRUE(oracle_blocks(V::stale_for_fills, A::increase_risk));
  EXPECT_FALSE(oracle_blocks(V::stale_for_fills, A::liquidate));
  EXPECT_FALSE(oracle_blocks(V::stale_for_fills, A::withdraw));
  EXPECT_TRUE(oracle_blocks(V::stale_for_margin, A::withdraw));
  EXPECT_TRUE(oracle_blocks(V::stale_for_margin, A::liquidate));
  EXPECT_FALSE(oracle_blocks(V::stale_for_margin, A::value));
  EXPECT_TRUE(oracle_blocks(V::too_volatile, A::liquidate));
  EXPECT_TRUE(oracle_blocks(V::too_uncertain, A::settle_funding));
  EXPECT_TRUE(oracle_blocks(V::non_positive, A::value));
  EXPECT_TRUE(oracle_blocks(V::missing, A::value));
}

TEST(Twap, WeightsTheNewPriceByElapsedTimeOverThePeriod) {
  const TimestampNs period = seconds(300);
  // 60 s of a 300 s period at 60,000 against a 50,000 TWAP: (60k x 60 + 50k x 240) / 300 = 52,000.
  EXPECT_EQ(twap_update(usd(50'000), T0, usd(60'000), T0 + seconds(60), period), usd(52'000));
  // A whole period or more replaces it; no time passing changes nothing; no TWAP starts one.
  EXPECT_EQ(twap_update(usd(50'000), T0, usd(60'000), T0 + seconds(300), period), usd(60'000));
  EXPECT_EQ(twap_update(usd(50'000), T0, usd(60'000), T0, period), usd(50'000));
  EXPECT_EQ(twap_update(Price(0), T0, usd(60'000), T0, period), usd(60'000));
  // Rounded down.
  EXPECT_EQ(twap_update(Price(10), T0, Price(11), T0 + seconds(100), period), Price(10));
}

TEST(LiquidationPause, AtFiftyPercentFromTheTwap) {
  EXPECT_FALSE(liquidation_paused(usd(74'999), TWAP_50K, 5'000));
  EXPECT_TRUE(liquidation_paused(usd(75'000), TWAP_50K, 5'000));
  EXPECT_TRUE(liquidation_paused(usd(25'000), TWAP_50K, 5'000));
  EXPECT_FALSE(liquidation_paused(usd(25'001), TWAP_50K, 5'000));
  EXPECT_FALSE(liquidation_paused(usd(1), Price(0), 5'000));
}

TEST(RecordReading, FirstReadingSeedsTheTwapsAndIsValid) {
  OracleSourceState s;
  EXPECT_EQ(s.validity(T0, DEFAULTS), OracleValidity::missing);
  EXPECT_EQ(record_reading(s, reading(usd(50'000)), T0, DEFAULTS), OracleValidity::valid);
  EXPECT_EQ(s.twap, usd(50'000));
  EXPECT_EQ(s.funding_twap, usd(50'000));
  EXPECT_EQ(s.validity(T0 + seconds(6), DEFAULTS), OracleValidity::stale_for_fills);
}

TEST(RecordReading, ABadPrintIsFlaggedAndClampedIntoTheTwap) {
  OracleSourceState s;
  record_reading(s, reading(usd(50'000)), T0, DEFAULTS);
  const TimestampNs t1 = T0 + seconds(150);
  EXPECT_EQ(record_reading(s, reading(usd(1'000'000), Price(0), t1), t1, DEFAULTS),
            OracleValidity::too_volatile);
  EXPECT_TRUE(s.paused_at_receipt);
  // Absorbed as 250,000 (5x), half the period: (250k + 50k) / 2.
  EXPECT_EQ(s.twap, usd(150'000));
  // The next sane reading is judged against that TWAP: 50,000 is within 5x of 150,000.
  const TimestampNs t2 = t1 + seconds(1);
  EXPECT_EQ(record_reading(s, reading(usd(50'000), Price(0), t2), t2, DEFAULTS),
            OracleValidity::valid);
}

TEST(RecordReading, NonPositivePriceNeverEntersTheTwap) {
  OracleSourceState s;
  record_reading(s, reading(usd(50'000)), T0, DEFAULTS);
  EXPECT_EQ(record_reading(s, reading(Price(0)), T0 + seconds(400), DEFAULTS),
            OracleValidity::non_positive);
  EXPECT_EQ(s.twap, usd(50'000));
  EXPECT_EQ(s.validity(T0 + seconds(400), DEFAULTS), OracleValidity::non_positive);
}

}  // namespace
}  // namespace qd::risk
