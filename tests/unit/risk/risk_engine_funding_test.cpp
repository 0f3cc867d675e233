// RiskEngine funding over several intervals: premium samples from the book, the 8-hour rate,
// hourly payments through the index, the venue's rounding residue, an oracle-postponed interval.
#include <gtest/gtest.h>

#include "risk_engine_fixture.hpp"

namespace qd::risk::test {
namespace {

class Funding : public RiskEngineFixture {
 protected:
  void SetUp() override {
    RiskEngineFixture::SetUp();
    fund(ALICE, usdc(1'000'000));
    fund(BOB, usdc(1'000'000));
    // Long 10 (Alice) against short 10 (Bob) at 50,000.
    trade(BOB, ALICE, Side::buy, usd(50'000), btc(10));
    alice_after_trade = collateral(ALICE);
    bob_after_trade = collateral(BOB);
    ASSERT_EQ(risk.funding_tick(BTC, now).status, RiskStatus::not_due);  // starts the clock
  }

  // One hour of command time: the oracle refreshes and the book is sampled every 5 s.
  void run_hour(Price impact_bid, Price impact_ask) {
    BookTop top;
    top.best_bid = usd(49'990);
    top.best_ask = usd(50'010);
    top.impact_bid = impact_bid;
    top.impact_ask = impact_ask;
    for (int i = 0; i < 720; ++i) {
      set_price(usd(50'000));
      ASSERT_EQ(risk.update_mark(BTC, top, now).status, RiskStatus::ok);
      now += seconds(5);
    }
  }

  Quote alice_after_trade;
  Quote bob_after_trade;
};

TEST_F(Funding, NotDueBeforeTheHour) {
  EXPECT_EQ(risk.funding_tick(BTC, now + seconds(3'599)).status, RiskStatus::not_due);
  EXPECT_EQ(risk.funding_tick(7, now).status, RiskStatus::unknown_market);
}

TEST_F(Funding, RiskMdVectorPremiumPointTwelvePaysFortyThreeSeventyFive) {
  // Impact bid 50,060 vs oracle 50,000: every sample +0.12%.
  run_hour(usd(50'060), usd(50'070));
  set_price(usd(50'000));
  FundingResult f = risk.funding_tick(BTC, now);
  ASSERT_EQ(f.status, RiskStatus::ok);
  EXPECT_EQ(f.samples, 720);
  EXPECT_EQ(f.average_premium, 1'200'000);
  EXPECT_EQ(f.rate_8h, 700'000);  // 0.07%
  EXPECT_EQ(f.rate, 87'500);      // per hour
  EXPECT_EQ(f.oracle_twap, usd(50'000));
  ASSERT_EQ(f.payments.size(), 2u);
  EXPECT_EQ(f.payments[0].account, ALICE);
  EXPECT_EQ(f.payments[0].amount, Quote(43'750'000));  // long pays 43.75
  EXPECT_EQ(f.payments[1].account, BOB);
  EXPECT_EQ(f.payments[1].amount, Quote(-43'750'000));  // short receives 43.75
  EXPECT_EQ(f.residue_to_venue, Quote(0));
  EXPECT_EQ(collateral(ALICE), alice_after_trade - Quote(43'750'000));
  EXPECT_EQ(collateral(BOB), bob_after_trade + Quote(43'750'000));
  // Funding moves break-even, never the entry.
  EXPECT_EQ(entry_price_trunc(position(ALICE)), usd(50'000));
  EXPECT_EQ(position(ALICE).quote_break_even, usdc(500'500) + Quote(43'750'000));
  expect_invariants();
}

TEST_F(Funding, SeveralIntervalsAndAQuietHourPaysTheInterestRate) {
  run_hour(usd(50'060), usd(50'070));
  set_price(usd(50'000));
  ASSERT_EQ(risk.funding_tick(BTC, now).status, RiskStatus::ok);
  // Impact prices around the oracle: premium 0, rate 0.01% / 8 per hour = 6.25 on 500,000.
  run_hour(usd(49'995), usd(50'005));
  set_price(usd(50'000));
  FundingResult f2 = risk.funding_tick(BTC, now);
  ASSERT_EQ(f2.status, RiskStatus::ok);
  EXPECT_EQ(f2.average_premium, 0);
  EXPECT_EQ(f2.rate, 12'500);
  EXPECT_EQ(f2.payments[0].amount, Quote(6'250'000));
  // Discount: impact ask 0.2% under the oracle, rate 8 h = -0.2% + 0.05% = -0.15%; hourly
  // -0.01875%: the short pays the long 93.75.
  run_hour(usd(49'890), usd(49'900));
  set_price(usd(50'000));
  FundingResult f3 = risk.funding_tick(BTC, now);
  ASSERT_EQ(f3.status, RiskStatus::ok);
  EXPECT_EQ(f3.rate, -187'500);
  EXPECT_EQ(f3.payments[0].amount, Quote(-93'750'000));
  EXPECT_EQ(f3.payments[1].amount, Quote(93'750'000));
  EXPECT_EQ(collateral(ALICE),
            alice_after_trade - Quote(43'750'000) - Quote(6'250'000) + Quote(93'750'000));
  expect_invariants();
}

TEST_F(Funding, StaleOraclePostponesThePaymentUntilItRecovers) {
  run_hour(usd(50'060), usd(50'070));
  // No oracle for a minute past the hour: stale for margin, funding waits.
  FundingResult late = risk.funding_tick(BTC, now + seconds(61));
  EXPECT_EQ(late.status, RiskStatus::oracle_blocked);
  EXPECT_EQ(collateral(ALICE), alice_after_trade);
  now += seconds(70);
  set_price(usd(50'000));
  FundingResult paid = risk.funding_tick(BTC, now);
  ASSERT_EQ(paid.status, RiskStatus::ok);
  EXPECT_EQ(paid.payments[0].amount, Quote(43'750'000));
  // The next interval starts at the hour boundary, not at the late payment.
  EXPECT_EQ(risk.market(BTC)->funding_anchor, T0 + NS_PER_HOUR);
  expect_invariants();
}

TEST_F(Funding, RoundingResidueGoesToTheVenue) {
  // Carol long 3.333333333 against Alice going short by the same: long pays
  // 3.333333333 x 4.375 = 14.583333331875 -> 14.583334, short receives 14.583333.
  fund(CAROL, usdc(1'000'000));
  trade(ALICE, CAROL, Side::buy, usd(50'000), Qty(3'333'333'333));
  run_hour(usd(50'060), usd(50'070));
  set_price(usd(50'000));
  const Quote fees_before = risk.fee_account().balance;
  FundingResult f = risk.funding_tick(BTC, now);
  ASSERT_EQ(f.status, RiskStatus::ok);
  ASSERT_EQ(f.payments.size(), 3u);
  EXPECT_EQ(f.payments[2].account, CAROL);
  EXPECT_EQ(f.payments[2].amount, Quote(14'583'334));
  // Alice is long 10 - 3.333333333 = 6.666666667: pays 29.1666666681 -> 29.166667.
  EXPECT_EQ(f.payments[0].amount, Quote(29'166'667));
  EXPECT_EQ(f.payments[1].amount, Quote(-43'750'000));
  EXPECT_EQ(f.residue_to_venue, Quote(1));
  EXPECT_EQ(risk.fee_account().balance - fees_before, Quote(1));
  EXPECT_EQ(risk.fee_account().funding_residue, Quote(1));
  expect_invariants();
}

TEST_F(Funding, PositionsOpenedMidIntervalPayTheWholeInterval) {
  // Eager settlement: the index only moves at payment, so a position opened during the hour
  // pays the full hourly rate (as on Hyperliquid, Binance: whoever holds at the funding time).
  run_hour(usd(50'060), usd(50'070));
  fund(CAROL, usdc(1'000'000));
  set_price(usd(50'000));
  trade(BOB, CAROL, Side::buy, usd(50'000), btc(1));
  FundingResult f = risk.funding_tick(BTC, now);
  ASSERT_EQ(f.status, RiskStatus::ok);
  EXPECT_EQ(f.payments[2].amount, Quote(4'375'000));
  expect_invariants();
}

}  // namespace
}  // namespace qd::risk::test
