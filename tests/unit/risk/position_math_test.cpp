#include "risk/position_math.hpp"

#include <gtest/gtest.h>

#include "risk_test_units.hpp"

namespace qd::risk {
namespace {

using test::btc;
using test::usd;
using test::usdc;

constexpr int64_t TAKER_10_BPS = 1'000;  // ppm
constexpr int64_t MAKER_REBATE_2_BPS = -200;

// Applies a taker fill charging the 10 bps taker fee; returns the effect.
FillEffect taker_fill(const Position& p, Side side, Price price, Qty qty) {
  auto n = fill_notional(side, price, qty);
  EXPECT_TRUE(n.has_value());
  auto fee = trading_fee(*n, TAKER_10_BPS);
  EXPECT_TRUE(fee.has_value());
  auto e = apply_fill_to_position(p, side, price, qty, *fee);
  EXPECT_TRUE(e.has_value());
  return *e;
}

TEST(TradingFee, TakerTenBpsOnFiveHundredThousandIsFiveHundred) {
  EXPECT_EQ(trading_fee(usdc(500'000), TAKER_10_BPS), usdc(500));
}

TEST(TradingFee, MakerRebateTwoBpsOnFiveHundredThousandIsOneHundred) {
  // RISK.md: a maker fill of 500,000 notional at -2 bps earns a rebate of 100.
  EXPECT_EQ(trading_fee(usdc(500'000), MAKER_REBATE_2_BPS), Quote(-usdc(100).raw));
}

TEST(TradingFee, ChargesRoundUpRebatesRoundDown) {
  const Quote tiny(1'999);                                               // $0.001999
  EXPECT_EQ(trading_fee(tiny, TAKER_10_BPS), Quote(2));                  // 1.999 -> 2
  EXPECT_EQ(trading_fee(tiny, MAKER_REBATE_2_BPS), Quote(0));            // 0.3998 -> 0
  EXPECT_EQ(trading_fee(Quote(10'001), MAKER_REBATE_2_BPS), Quote(-2));  // 2.0002 -> 2
  EXPECT_EQ(trading_fee(Quote(10'001), 0), Quote(0));
  EXPECT_FALSE(trading_fee(Quote(-1), TAKER_10_BPS).has_value());
}

TEST(FillNotional, BuyerRoundsUpSellerRoundsDown) {
  const Price p(1'000'001);    // $1.000001
  const Qty q(1'500'000'000);  // 1.5 units -> $1.5000015: 1,500,001.5 raw
  EXPECT_EQ(fill_notional(Side::buy, p, q), Quote(1'500'002));
  EXPECT_EQ(fill_notional(Side::sell, p, q), Quote(1'500'001));
  EXPECT_EQ(fill_notional(Side::buy, usd(50'000), btc(10)), usdc(500'000));
  EXPECT_FALSE(fill_notional(Side::buy, Price(0), btc(1)).has_value());
  EXPECT_FALSE(fill_notional(Side::buy, usd(1), Qty(0)).has_value());
}

// RISK.md position vector, step by step.
TEST(ApplyFill, RiskMdVectorOpenIncreaseReduceFlip) {
  Position p;
  // Buy 10 @ 50,000 with 10 bps taker fee: fee 500, entry 50,000, break-even 50,050.
  FillEffect e1 = taker_fill(p, Side::buy, usd(50'000), btc(10));
  EXPECT_EQ(e1.change, PositionChange::open);
  EXPECT_EQ(e1.after.base, btc(10));
  EXPECT_EQ(e1.after.quote_entry, usdc(500'000));
  EXPECT_EQ(e1.after.quote_break_even, usdc(500'500));
  EXPECT_EQ(e1.cash_delta, Quote(-usdc(500).raw));
  EXPECT_EQ(entry_price_trunc(e1.after), usd(50'000));
  EXPECT_EQ(break_even_price_trunc(e1.after), usd(50'050));

  // Buy 5 @ 52,000: entry 50,666.666666.
  FillEffect e2 = taker_fill(e1.after, Side::buy, usd(52'000), btc(5));
  EXPECT_EQ(e2.change, PositionChange::increase);
  EXPECT_EQ(e2.after.base, btc(15));
  EXPECT_EQ(e2.after.quote_entry, usdc(760'000));
  EXPECT_EQ(entry_price_trunc(e2.after), Price(50'666'666'666));

  // Sell 5 @ 55,000: realized 21,666.666667.
  FillEffect e3 = taker_fill(e2.after, Side::sell, usd(55'000), btc(5));
  EXPECT_EQ(e3.change, PositionChange::reduce);
  EXPECT_EQ(e3.realized_pnl, Quote(21'666'666'667));
  EXPECT_EQ(e3.after.base, btc(10));
  EXPECT_EQ(e3.after.quote_entry, Quote(506'666'666'667));
  // Entry price does not move on a reduce.
  EXPECT_EQ(entry_price_trunc(e3.after), Price(50'666'666'666));

  // Sell 20 @ 54,000 (flip): realized 33,333.333333, now short 10 with entry 54,000.
  FillEffect e4 = taker_fill(e3.after, Side::sell, usd(54'000), btc(20));
  EXPECT_EQ(e4.change, PositionChange::flip);
  EXPECT_EQ(e4.realized_pnl, Quote(33'333'333'333));
  EXPECT_EQ(e4.closed, btc(10));
  EXPECT_EQ(e4.opened, btc(10));
  EXPECT_EQ(e4.after.base, btc(-10));
  EXPECT_EQ(e4.after.quote_entry, Quote(-usdc(540'000).raw));
  EXPECT_EQ(entry_price_trunc(e4.after), usd(54'000));
  // The flip's whole fee (1,080) lands in the short's break-even: 53,892.
  EXPECT_EQ(break_even_price_trunc(e4.after), usd(53'892));
  // Realized PnL is cumulative in the position.
  EXPECT_EQ(e4.after.realized_pnl, Quote(21'666'666'667 + 33'333'333'333));
}

TEST(ApplyFill, FeesMoveCashAndBreakEvenNeverEntry) {
  Position p;
  auto with_fee = apply_fill_to_position(p, Side::buy, usd(50'000), btc(1), usdc(50));
  auto no_fee = apply_fill_to_position(p, Side::buy, usd(50'000), btc(1), Quote(0));
  ASSERT_TRUE(with_fee && no_fee);
  EXPECT_EQ(with_fee->after.quote_entry, no_fee->after.quote_entry);
  EXPECT_EQ(with_fee->after.quote_break_even - no_fee->after.quote_break_even, usdc(50));
  EXPECT_EQ(with_fee->cash_delta, Quote(-usdc(50).raw));
}

TEST(ApplyFill, ShortReducedByBuyingBackCheaperRealizesGain) {
  Position p;
  auto open = apply_fill_to_position(p, Side::sell, usd(3'000), btc(4), Quote(0));
  ASSERT_TRUE(open);
  EXPECT_EQ(open->after.quote_entry, Quote(-usdc(12'000).raw));
  auto cover = apply_fill_to_position(open->after, Side::buy, usd(2'900), btc(1), Quote(0));
  ASSERT_TRUE(cover);
  EXPECT_EQ(cover->change, PositionChange::reduce);
  EXPECT_EQ(cover->realized_pnl, usdc(100));
  EXPECT_EQ(cover->after.base, btc(-3));
  EXPECT_EQ(cover->after.quote_entry, Quote(-usdc(9'000).raw));
  EXPECT_EQ(cover->cash_delta, usdc(100));
}

TEST(ApplyFill, CloseLeavesNothingAndRealizesTheWholeEntry) {
  Position p;
  auto open = apply_fill_to_position(p, Side::buy, Price(3'000'000'001), btc(3), usdc(9));
  ASSERT_TRUE(open);
  auto close =
      apply_fill_to_position(open->after, Side::sell, Price(3'000'000'001), btc(3), usdc(9));
  ASSERT_TRUE(close);
  EXPECT_EQ(close->change, PositionChange::close);
  EXPECT_EQ(close->after.base, Qty(0));
  EXPECT_EQ(close->after.quote_entry, Quote(0));
  EXPECT_EQ(close->after.quote_break_even, Quote(0));
  EXPECT_EQ(close->realized_pnl, Quote(0));
}

TEST(ApplyFill, ProportionalReleasesAddUpToTheEntryOverALife) {
  // Thirds of an entry that does not divide by three: the truncated parts stay in the entry
  // and the last close releases exactly the rest, so total realized PnL is exact.
  Position p;
  auto open = apply_fill_to_position(p, Side::buy, Price(1'000'000), Qty(3), Quote(0));
  ASSERT_TRUE(open);
  // 3e-9 base at $1 buys 0 micro-USDC (rounded up: 1e-6); entry 1.
  EXPECT_EQ(open->after.quote_entry, Quote(1));
  Position cur = open->after;
  Quote realized(0);
  for (int i = 0; i < 3; ++i) {
    auto e = apply_fill_to_position(cur, Side::sell, Price(1'000'000), Qty(1), Quote(0));
    ASSERT_TRUE(e);
    realized += e->realized_pnl;
    cur = e->after;
  }
  EXPECT_EQ(cur.base, Qty(0));
  EXPECT_EQ(realized, Quote(-1));  // paid 1 (rounded up), received 0 three times
}

TEST(ApplyFill, RejectsNonPositiveInputs) {
  Position p;
  EXPECT_FALSE(apply_fill_to_position(p, Side::buy, Price(0), btc(1), Quote(0)).has_value());
  EXPECT_FALSE(apply_fill_to_position(p, Side::buy, usd(1), Qty(-1), Quote(0)).has_value());
}

TEST(ApplyFill, OverflowIsAnErrorNotAWrap) {
  Position p;
  p.base = Qty(INT64_MAX - 5);
  p.quote_entry = Quote(INT64_MAX - 5);
  EXPECT_FALSE(apply_fill_to_position(p, Side::buy, usd(1), btc(1), Quote(0)).has_value());
}

}  // namespace
}  // namespace qd::risk
