#include "core/decimal.hpp"

#include <gtest/gtest.h>

namespace qd {
namespace {

TEST(ParseDecimal, IntegersAndFractionsAreExact) {
  EXPECT_EQ(parse_decimal("50000", 6).raw, 50'000'000'000);
  EXPECT_EQ(parse_decimal("0.1", 6).raw, 100'000);
  EXPECT_EQ(parse_decimal(".5", 6).raw, 500'000);
  EXPECT_EQ(parse_decimal("5.", 6).raw, 5'000'000);
  EXPECT_EQ(parse_decimal("0.000001", 6).raw, 1);
  EXPECT_EQ(parse_decimal("1.000000001", 9).raw, 1'000'000'001);
  EXPECT_EQ(parse_decimal("007", 0).raw, 7);
}

TEST(ParseDecimal, TrailingZerosPastPrecisionAreExactAndAccepted) {
  EXPECT_EQ(parse_decimal("1.50000000", 6).raw, 1'500'000);
}

TEST(ParseDecimal, RejectsTooManyDecimals) {
  EXPECT_EQ(parse_decimal("0.0000001", 6).error, DecimalError::too_many_decimals);
  EXPECT_EQ(parse_decimal("1.1234567", 6).error, DecimalError::too_many_decimals);
}

TEST(ParseDecimal, RejectsSignsUnlessAllowed) {
  EXPECT_EQ(parse_decimal("-1", 6).error, DecimalError::sign);
  EXPECT_EQ(parse_decimal("+1", 6).error, DecimalError::sign);
  EXPECT_EQ(parse_decimal("+1", 6, true).error, DecimalError::sign);
  EXPECT_EQ(parse_decimal("-1.5", 6, true).raw, -1'500'000);
}

TEST(ParseDecimal, RejectsExponentsAndJunk) {
  EXPECT_EQ(parse_decimal("1e5", 6).error, DecimalError::exponent);
  EXPECT_EQ(parse_decimal("1E5", 6).error, DecimalError::exponent);
  EXPECT_EQ(parse_decimal("", 6).error, DecimalError::empty);
  EXPECT_EQ(parse_decimal(".", 6).error, DecimalError::junk);
  EXPECT_EQ(parse_decimal("1.2.3", 6).error, DecimalError::junk);
  EXPECT_EQ(parse_decimal("12a", 6).error, DecimalError::junk);
  EXPECT_EQ(parse_decimal(" 1", 6).error, DecimalError::junk);
  EXPECT_EQ(parse_decimal("1,5", 6).error, DecimalError::junk);
  EXPECT_EQ(parse_decimal("NaN", 6).error, DecimalError::junk);
  EXPECT_EQ(parse_decimal("-", 6, true).error, DecimalError::junk);
}

TEST(ParseDecimal, RejectsOverflowAtTheBoundary) {
  EXPECT_EQ(parse_decimal("9223372036854775807", 0).raw, INT64_MAX);
  EXPECT_EQ(parse_decimal("9223372036854775808", 0).error, DecimalError::overflow);
  EXPECT_EQ(parse_decimal("-9223372036854775808", 0, true).raw, INT64_MIN);
  EXPECT_EQ(parse_decimal("9223372036854.775808", 6).error, DecimalError::overflow);
  EXPECT_EQ(parse_decimal("9223372036854.775807", 6).raw, INT64_MAX);
  EXPECT_EQ(parse_decimal("99999999999999999999999", 6).error, DecimalError::overflow);
}

TEST(FormatDecimal, ShortestExactForm) {
  EXPECT_EQ(format_decimal(50'000'000'000, 6), "50000");
  EXPECT_EQ(format_decimal(100'000, 6), "0.1");
  EXPECT_EQ(format_decimal(-12'000'001, 6), "-12.000001");
  EXPECT_EQ(format_decimal(0, 9), "0");
  EXPECT_EQ(format_decimal(INT64_MIN, 0), "-9223372036854775808");
  EXPECT_EQ(to_string(Price(1)), "0.000001");
  EXPECT_EQ(to_string(Qty(1)), "0.000000001");
}

TEST(FormatDecimal, RoundTripsThroughParse) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{10}, int64_t{123456789}, INT64_MAX}) {
    EXPECT_EQ(parse_decimal(format_decimal(v, 6), 6).raw, v);
  }
}

TEST(Notional, RoundsInTheNamedDirection) {
  Price p(50'000'000'001);  // 50,000.000001
  Qty q(1);                 // 1e-9 base
  EXPECT_EQ(notional_floor(p, q).raw, 50);
  EXPECT_EQ(notional_ceil(p, q).raw, 51);
  // 10 BTC x $50,000 overflows int64 in raw product; the __int128 path is exact.
  EXPECT_EQ(notional_floor(Price(50'000 * PRICE_PRECISION), Qty(10 * QTY_PRECISION)).raw,
            500'000 * QUOTE_PRECISION);
}

}  // namespace
}  // namespace qd
