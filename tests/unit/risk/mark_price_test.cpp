#include "risk/mark_price.hpp"

#include <gtest/gtest.h>

#include "risk_test_units.hpp"

namespace qd::risk {
namespace {

using test::seconds;
using test::usd;

constexpr int64_t BAND_1_PCT = 100;  // bps
const TimestampNs TAU = seconds(150);
constexpr TimestampNs T0 = seconds(1'800'000'000);

BookTop book(Price bid, Price ask, Price last = Price(0)) {
  BookTop t;
  t.best_bid = bid;
  t.best_ask = ask;
  t.last_trade = last;
  return t;
}

TEST(BookMid, TwoSidedOnlyRoundedDown) {
  EXPECT_EQ(book_mid(book(usd(100), usd(101))), Price(100'500'000));
  EXPECT_EQ(book_mid(book(Price(1), Price(2))), Price(1));
  EXPECT_FALSE(book_mid(book(usd(100), Price(0))).has_value());
  EXPECT_FALSE(book_mid(book(Price(0), usd(100))).has_value());
}

TEST(Median3, AnyOrder) {
  EXPECT_EQ(median3(usd(1), usd(2), usd(3)), usd(2));
  EXPECT_EQ(median3(usd(3), usd(1), usd(2)), usd(2));
  EXPECT_EQ(median3(usd(2), usd(3), usd(1)), usd(2));
  EXPECT_EQ(median3(usd(5), usd(5), usd(1)), usd(5));
}

TEST(EmaStep, FirstSampleSeedsThenBackwardEulerOverElapsedTime) {
  BasisEma e;
  auto s1 = ema_step(e, 1'000'000, T0, TAU);
  ASSERT_TRUE(s1);
  EXPECT_TRUE(s1->seeded);
  EXPECT_EQ(s1->basis, 1'000'000);
  // 150 s later a sample of 0: (150 x 1,000,000 + 150 x 0) / 300 = 500,000.
  auto s2 = ema_step(*s1, 0, T0 + TAU, TAU);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->basis, 500'000);
  // Same instant: nothing changes.
  auto s3 = ema_step(*s2, 9'999'999, T0 + TAU, TAU);
  EXPECT_EQ(s3->basis, 500'000);
  // 50 s of a -300,000 sample: (150 x 500,000 + 50 x -300,000) / 200 = 300,000.
  auto s4 = ema_step(*s3, -300'000, T0 + TAU + seconds(50), TAU);
  EXPECT_EQ(s4->basis, 300'000);
}

TEST(EmaStep, NegativeBasisRoundsDown) {
  BasisEma e{true, -1, T0};
  auto s = ema_step(e, 0, T0 + TAU, TAU);
  EXPECT_EQ(s->basis, -1);  // -0.5 rounds down
}

TEST(Band, BoundsRoundInward) {
  EXPECT_EQ(band_low(usd(50'000), BAND_1_PCT), usd(49'500));
  EXPECT_EQ(band_high(usd(50'000), BAND_1_PCT), usd(50'500));
  EXPECT_EQ(band_low(Price(199), BAND_1_PCT), Price(198));   // 197.01 up
  EXPECT_EQ(band_high(Price(199), BAND_1_PCT), Price(200));  // 200.99 down
}

TEST(ComputeMark, EmptyOrOneSidedBookIsTheOracle) {
  BasisEma seeded{true, 400'000'000, T0};
  EXPECT_EQ(compute_mark(usd(50'000), book(Price(0), Price(0)), seeded, BAND_1_PCT), usd(50'000));
  EXPECT_EQ(compute_mark(usd(50'000), book(usd(50'100), Price(0)), seeded, BAND_1_PCT),
            usd(50'000));
  EXPECT_FALSE(compute_mark(Price(0), book(usd(1), usd(2)), seeded, BAND_1_PCT).has_value());
}

TEST(ComputeMark, MeanOfBasisLegAndBookMedian) {
  // Oracle 50,000, basis EMA +20: leg 1 = 50,020. Book 50,010 / 50,040, last 50,100:
  // leg 2 = median(50,010, 50,040, 50,100) = 50,040. Mark = (50,020 + 50,040) / 2 = 50,030.
  BasisEma ema{true, usd(20).raw, T0};
  EXPECT_EQ(compute_mark(usd(50'000), book(usd(50'010), usd(50'040), usd(50'100)), ema, BAND_1_PCT),
            usd(50'030));
}

TEST(ComputeMark, NoLastTradeUsesTheMid) {
  BasisEma ema{true, 0, T0};
  // leg 1 = 50,000; leg 2 = median(49,990, 50,030, mid 50,010) = 50,010; mark 50,005.
  EXPECT_EQ(compute_mark(usd(50'000), book(usd(49'990), usd(50'030)), ema, BAND_1_PCT),
            usd(50'005));
}

TEST(ComputeMark, ClampedToTheOracleBand) {
  BasisEma ema{true, usd(5'000).raw, T0};
  EXPECT_EQ(compute_mark(usd(50'000), book(usd(55'000), usd(55'010), usd(55'000)), ema, BAND_1_PCT),
            usd(50'500));
  BasisEma low{true, -usd(5'000).raw, T0};
  EXPECT_EQ(compute_mark(usd(50'000), book(usd(45'000), usd(45'010), usd(45'000)), low, BAND_1_PCT),
            usd(49'500));
}

}  // namespace
}  // namespace qd::risk
