// Position changes the venue makes without an order of the desk's own (the insurance fund taking
// a bankrupt position over, auto-deleveraging) reach the desks of both sides and the drop copy
// as fill reports: the real venue, real QuickFIX initiators on loopback.
#include <gtest/gtest.h>

#include "fix/venue_tags.hpp"
#include "tests/integration/fixdata/fixdata_harness.hpp"

namespace qd::fix::test {
namespace {

/// A fill report for a position change with no order behind it.
std::function<bool(const FIX::Message&)> position_fill(const std::string& account) {
  return [=](const FIX::Message& m) {
    return field(m, 35) == "8" && field(m, 37) == "NONE" && field(m, 1) == account;
  };
}

/// What every such report carries, whoever receives it.
void expect_position_fill(const FIX::Message& m, char side, const std::string& price,
                          CancelReason cause) {
  EXPECT_EQ(field(m, 150), "F");
  EXPECT_EQ(field(m, 39), "2");
  EXPECT_EQ(field(m, 55), "BTC-PERP");
  EXPECT_EQ(field(m, 54), std::string(1, side));
  EXPECT_EQ(field(m, 38), "1");
  EXPECT_EQ(field(m, 32), "1");
  EXPECT_EQ(field(m, 14), "1");
  EXPECT_EQ(field(m, 151), "0");
  EXPECT_EQ(field(m, 31), price);
  EXPECT_EQ(field(m, 6), price);
  EXPECT_EQ(field(m, tag::CancelCause), std::to_string(cancel_cause_code(cause)));
  EXPECT_EQ(field(m, tag::VenueInitiated), "Y");
  EXPECT_EQ(field(m, 58), to_string(cause));
  EXPECT_EQ(field(m, 60).size(), std::string("20261126-16:50:46.123456").size())
      << "TransactTime at the session's precision (microseconds)";
}

/// DESK_A (short) and DESK_B (long) after one trade of 1 BTC at 50000, and the drop copy.
/// DESK-B holds 6000 USDC, 5950 after its 50 USDC taker fee: its bankruptcy price is
/// 50000 - 5950 = 44050. Then the oracle moves to `oracle` USDC.
struct BankruptLong {
  std::unique_ptr<Initiator> a, b, dc;

  BankruptLong(VenueHarness& venue, int64_t oracle)
      : a(venue.connect("DESK_A")), b(venue.connect("DESK_B")), dc(venue.connect("COMPLIANCE")) {
    trade(*a, *b, "1", "1");
    venue.admin(
        SetOraclePrice{0, Price(oracle * PRICE_PRECISION), Price(0), wall_clock_ns(), false});
  }
  ~BankruptLong() { stop_all({a.get(), b.get(), dc.get()}); }
};

void thin_desk_b(VenueConfig& c) {
  c.accounts[1].collateral = Quote(6'000 * QUOTE_PRECISION);
}

TEST(PositionEvents, AnInsuranceTakeoverIsReportedToTheDeskAndTheDropCopy) {
  // The oracle at 45000 leaves DESK-B's equity 950 under maintenance 2250, the empty book
  // absorbs nothing, and the fund takes the position at the bankruptcy price.
  VenueHarness venue(thin_desk_b);
  BankruptLong desks(venue, 45'000);
  auto& [a, b, dc] = desks;

  FIX::Message own = expect(*b, position_fill("DESK-B"), "takeover report");
  expect_position_fill(own, '2', "44050", CancelReason::liquidation);
  EXPECT_EQ(field(own, 17).substr(field(own, 17).size() - 2), "-0");
  FIX::Message copy = expect(*dc, position_fill("DESK-B"), "drop copy of the takeover");
  expect_position_fill(copy, '2', "44050", CancelReason::liquidation);
  EXPECT_EQ(field(copy, 17), field(own, 17)) << "the drop copy carries the desk's ExecID";
  EXPECT_EQ(field(copy, std_tag::CopyMsgIndicator), "Y");
  EXPECT_EQ(field(copy, tag::OriginSession), "VENUE");
  // The counterparty kept its position: nothing for DESK_A.
  EXPECT_FALSE(a->wait_for(position_fill("DESK-A"), 300ms));
}

TEST(PositionEvents, AutoDeleveragingIsReportedToBothSidesAndTheDropCopy) {
  // An empty insurance fund and the oracle at 40000: DESK-B's equity is 5950 - 10000 < 0, the
  // fund cannot cover the 4050 deficit, and DESK-A (short 1, the only opposite position) is
  // deleveraged at DESK-B's bankruptcy price.
  VenueHarness venue([](VenueConfig& c) {
    thin_desk_b(c);
    c.risk.insurance_fund = Quote(0);
  });
  BankruptLong desks(venue, 40'000);
  auto& [a, b, dc] = desks;

  FIX::Message bankrupt = expect(*b, position_fill("DESK-B"), "ADL report to the bankrupt desk");
  expect_position_fill(bankrupt, '2', "44050", CancelReason::adl);
  FIX::Message deleveraged = expect(*a, position_fill("DESK-A"), "ADL report to the counterparty");
  expect_position_fill(deleveraged, '1', "44050", CancelReason::adl);
  // One event, one ExecID per side.
  const std::string exec = field(bankrupt, 17);
  ASSERT_GT(exec.size(), 2u);
  EXPECT_EQ(exec.substr(exec.size() - 2), "-0");
  EXPECT_EQ(field(deleveraged, 17), exec.substr(0, exec.size() - 2) + "-1");

  for (const FIX::Message& own : {bankrupt, deleveraged}) {
    FIX::Message copy = expect(*dc, position_fill(field(own, 1)), "drop copy of the ADL");
    EXPECT_EQ(field(copy, 17), field(own, 17));
    EXPECT_EQ(field(copy, 54), field(own, 54));
    EXPECT_EQ(field(copy, 31), "44050");
    EXPECT_EQ(field(copy, tag::OriginSession), "VENUE");
  }
}

}  // namespace
}  // namespace qd::fix::test
