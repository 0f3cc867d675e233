#include "risk/checked_math.hpp"

#include <gtest/gtest.h>

namespace qd::risk {
namespace {

TEST(CheckedMath, TenBitcoinAtFiftyThousandOverflowsInt64ButNotWide) {
  const int64_t price_raw = 50'000'000'000;  // $50,000 at 1e-6
  const int64_t qty_raw = 10'000'000'000;    // 10 BTC at 1e-9
  Wide scaled = Wide(price_raw) * qty_raw;   // 5e20 > 2^63
  ASSERT_TRUE(scaled.ok());
  EXPECT_FALSE(to_i64(scaled).has_value());
  EXPECT_EQ(to_i64(div_floor(scaled, 1'000'000'000)), 500'000'000'000);  // $500,000
}

TEST(CheckedMath, AddSubMulReportOverflowInsteadOfWrapping) {
  EXPECT_FALSE((Wide::of(I128_MAX) + 1).ok());
  EXPECT_FALSE((Wide::of(I128_MIN) - 1).ok());
  EXPECT_FALSE((Wide::of(I128_MAX / 2 + 1) * 2).ok());
  EXPECT_FALSE((-Wide::of(I128_MIN)).ok());
  EXPECT_TRUE((Wide::of(I128_MAX / 2) * 2).ok());
}

TEST(CheckedMath, FailureIsSticky) {
  Wide bad = Wide::of(I128_MAX) + 1;
  EXPECT_FALSE((bad - 5).ok());
  EXPECT_FALSE((Wide(3) * bad).ok());
  EXPECT_FALSE(div_floor(bad, 2).ok());
  EXPECT_FALSE(wmax(bad, 0).ok());
  EXPECT_FALSE(to_i64(bad).has_value());
  EXPECT_EQ(to_i64_saturating(bad, -7), -7);
}

TEST(CheckedMath, DivisionRoundsInTheNamedDirection) {
  EXPECT_EQ(to_i64(div_floor(7, 2)), 3);
  EXPECT_EQ(to_i64(div_floor(-7, 2)), -4);
  EXPECT_EQ(to_i64(div_ceil(7, 2)), 4);
  EXPECT_EQ(to_i64(div_ceil(-7, 2)), -3);
  EXPECT_EQ(to_i64(div_trunc(-7, 2)), -3);
  EXPECT_EQ(to_i64(div_floor(7, -2)), -4);
  EXPECT_EQ(to_i64(div_ceil(7, -2)), -3);
  EXPECT_EQ(to_i64(div_floor(6, 2)), 3);
  EXPECT_EQ(to_i64(div_ceil(6, 2)), 3);
}

TEST(CheckedMath, DivisionByZeroAndMinByMinusOneFail) {
  EXPECT_FALSE(div_floor(1, 0).ok());
  EXPECT_FALSE(div_ceil(1, 0).ok());
  EXPECT_FALSE(div_trunc(1, 0).ok());
  EXPECT_FALSE(div_floor(Wide::of(I128_MIN), -1).ok());
}

TEST(CheckedMath, IntegerSquareRootFloorAndCeil) {
  EXPECT_EQ(to_i64(isqrt_floor(0)), 0);
  EXPECT_EQ(to_i64(isqrt_floor(1)), 1);
  EXPECT_EQ(to_i64(isqrt_floor(15)), 3);
  EXPECT_EQ(to_i64(isqrt_floor(16)), 4);
  EXPECT_EQ(to_i64(isqrt_ceil(15)), 4);
  EXPECT_EQ(to_i64(isqrt_ceil(16)), 4);
  EXPECT_EQ(to_i64(isqrt_ceil(17)), 5);
  // 1,000 BTC in 1e-9 units times 1e9 = 1e21; sqrt = 31,622,776,601.68...
  EXPECT_EQ(to_i64(isqrt_floor(Wide(1'000'000'000'000) * 1'000'000'000)), 31'622'776'601);
  EXPECT_EQ(to_i64(isqrt_ceil(Wide(1'000'000'000'000) * 1'000'000'000)), 31'622'776'602);
  EXPECT_FALSE(isqrt_floor(-1).ok());
}

TEST(CheckedMath, IntegerSquareRootIsExactAcrossTheRange) {
  for (int64_t r : {2LL, 3LL, 1'000LL, 3'037'000'499LL, 3'037'000'500LL, 4'000'000'000LL}) {
    Wide sq = Wide(r) * r;
    EXPECT_EQ(to_i64(isqrt_floor(sq)), r);
    EXPECT_EQ(to_i64(isqrt_floor(sq - 1)), r - 1);
    EXPECT_EQ(to_i64(isqrt_ceil(sq + 1)), r + 1);
  }
  Wide big = Wide::of(I128_MAX);
  Wide root = isqrt_floor(big);
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE((root * root).ok());
  EXPECT_LE((root * root).value(), big.value());
  EXPECT_FALSE(((root + 1) * (root + 1)).ok());  // (root+1)^2 exceeds 2^127 - 1
}

TEST(CheckedMath, NarrowingChecksBothBounds) {
  EXPECT_EQ(to_i64(Wide(INT64_MAX)), INT64_MAX);
  EXPECT_FALSE(to_i64(Wide(INT64_MAX) + 1).has_value());
  EXPECT_EQ(to_i64(Wide(INT64_MIN)), INT64_MIN);
  EXPECT_FALSE(to_i64(Wide(INT64_MIN) - 1).has_value());
  EXPECT_EQ(to_i64_saturating(Wide(INT64_MAX) + 1, 0), INT64_MAX);
  EXPECT_EQ(to_fixed<Quote>(Wide(42))->raw, 42);
}

}  // namespace
}  // namespace qd::risk
