#include "fix/drop_copy_encoder.hpp"

#include <gtest/gtest.h>

#include "fix/drop_copy_service.hpp"
#include "fix/gateway.hpp"
#include "fix/venue_tags.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

class DropCopyEncoderTest : public ::testing::Test {
 protected:
  DropCopyEncoderTest() : config_(test::make_config(1, "/tmp", keys_)), dir_(config_) {
    dictionary_.readFromURL(default_dictionary_path());
  }

  /// A copy must pass the venue dictionary a desk validates with.
  void expect_valid(FIX::Message m) {
    m.getHeader().setField(8, "FIX.4.4");
    m.getHeader().setField(49, "QUANTDESK");
    m.getHeader().setField(56, "COMPLIANCE");
    m.getHeader().setField(34, "1");
    m.getHeader().setField(52, "20240101-00:00:00.000");
    std::string wire = m.toString();
    try {
      FIX::Message parsed(wire, dictionary_, true);
      dictionary_.validate(parsed);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "invalid against spec/FIX44-venue.xml: " << e.what() << " in " << wire;
    }
  }

  static OrderState order(AccountId account, SessionId session) {
    OrderState s;
    s.order_id = 42;
    s.origin = Origin{account, session};
    s.market = 0;
    s.client_id = ClientOrderId("c1");
    s.side = Side::buy;
    s.type = OrderType::limit;
    s.status = OrderStatus::partially_filled;
    s.price = Price(50'000 * PRICE_PRECISION);
    s.order_qty = Qty(QTY_PRECISION);
    s.cum_qty = Qty(250'000'000);
    s.leaves_qty = Qty(750'000'000);
    s.avg_price = Price(50'000 * PRICE_PRECISION);
    return s;
  }
  static Event fill_event(AccountId account, SessionId session) {
    OrderFilled f;
    f.order = order(account, session);
    f.trade_id = ExecId{17, 1};
    f.last_price = Price(50'000 * PRICE_PRECISION);
    f.last_qty = Qty(250'000'000);
    f.liquidity = Liquidity::taker;
    f.fee = Quote(12'500'000);  // 12.5 USDC
    return Event{17, 2, 1'700'000'000'000'000'000, f};
  }

  test::Ed25519Keys keys_ = test::make_keys();
  VenueConfig config_;
  Directory dir_;
  FIX::DataDictionary dictionary_;
  EncodeContext ctx_{dir_, 6};
  std::vector<AccountId> desk_a_only_{1};
  std::vector<AccountId> all_{1, 2, 3};
};

TEST_F(DropCopyEncoderTest, CopyIsTheOwnersReportFlaggedWithItsOrigin) {
  Event e = fill_event(1, 1);
  auto owner = encode_event(e, ctx_);
  ASSERT_TRUE(owner);
  auto copies = encode_drop_copies(e, DropCopyScope{all_, false}, config_, ctx_);
  ASSERT_EQ(copies.size(), 1u);
  const FIX::Message& c = copies[0];
  for (int tag : {11, 17, 1, 150, 39, 14, 151, 31, 32, 37, int(tag::TradeID)})
    EXPECT_EQ(c.getField(tag), owner->getField(tag)) << tag;
  EXPECT_EQ(c.getField(17), "17.2");
  EXPECT_EQ(c.getField(797), "Y");
  EXPECT_EQ(c.getField(tag::OriginSession), "DESK_A");
  expect_valid(c);
}

TEST_F(DropCopyEncoderTest, OnlyTheWatchedAccounts) {
  EXPECT_EQ(encode_drop_copies(fill_event(2, 2), DropCopyScope{desk_a_only_, false}, config_, ctx_)
                .size(),
            0u);
  EXPECT_EQ(encode_drop_copies(fill_event(1, 1), DropCopyScope{desk_a_only_, false}, config_, ctx_)
                .size(),
            1u);
}

TEST_F(DropCopyEncoderTest, VenueOrdersAndPositionTransfersNameTheVenue) {
  auto liquidation =
      encode_drop_copies(fill_event(2, 0), DropCopyScope{all_, false}, config_, ctx_);
  ASSERT_EQ(liquidation.size(), 1u);
  EXPECT_EQ(liquidation[0].getField(tag::OriginSession), "VENUE");
  EXPECT_EQ(liquidation[0].getField(tag::VenueInitiated), "Y");

  AutoDeleveraged adl;
  adl.account = 2;
  adl.counterparty = 1;
  adl.qty = Qty(QTY_PRECISION);
  adl.price = Price(40'000 * PRICE_PRECISION);
  Event e{20, 0, 1'700'000'000'000'000'000, adl};
  auto both = encode_drop_copies(e, DropCopyScope{all_, false}, config_, ctx_);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].getField(17), "20.0-0");
  EXPECT_EQ(both[1].getField(17), "20.0-1");
  for (const FIX::Message& m : both) {
    EXPECT_EQ(m.getField(tag::OriginSession), "VENUE");
    expect_valid(m);
  }
  auto mine = encode_drop_copies(e, DropCopyScope{desk_a_only_, false}, config_, ctx_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].getField(1), "DESK-A");
}

TEST_F(DropCopyEncoderTest, NoCopiesOfCancelRejectsOrPrices) {
  CancelRejected cr;
  cr.origin = Origin{1, 1};
  cr.client_id = ClientOrderId("x");
  EXPECT_TRUE(
      encode_drop_copies(Event{5, 0, 1, cr}, DropCopyScope{all_, false}, config_, ctx_).empty());
  EXPECT_TRUE(encode_drop_copies(Event{6, 0, 1, MarkPriceSet{0, Price(1)}},
                                 DropCopyScope{all_, false}, config_, ctx_)
                  .empty());
}

TEST_F(DropCopyEncoderTest, TradeCaptureReportForFillsWhenAsked) {
  Event e = fill_event(1, 1);
  auto copies = encode_drop_copies(e, DropCopyScope{all_, true}, config_, ctx_);
  ASSERT_EQ(copies.size(), 1u);
  const FIX::Message& ae = copies[0];
  EXPECT_EQ(ae.getHeader().getField(35), "AE");
  EXPECT_EQ(ae.getField(571), "17.2");
  EXPECT_EQ(ae.getField(17), "17.2");
  EXPECT_EQ(ae.getField(880), "17.1");
  EXPECT_EQ(ae.getField(570), "N");
  EXPECT_EQ(ae.getField(32), "0.25");
  EXPECT_EQ(ae.getField(31), "50000");
  EXPECT_EQ(ae.getField(75), "20231114");
  EXPECT_EQ(ae.getField(tag::OriginSession), "DESK_A");
  FIX::Group side(552, 54);
  ae.getGroup(1, side);
  EXPECT_EQ(side.getField(54), "1");
  EXPECT_EQ(side.getField(37), "42");
  EXPECT_EQ(side.getField(11), "c1");
  EXPECT_EQ(side.getField(1), "DESK-A");
  EXPECT_EQ(side.getField(12), "12.5");
  expect_valid(ae);
  // Other events stay ExecutionReports.
  OrderAccepted acc{order(1, 1)};
  auto ack = encode_drop_copies(Event{3, 0, 1, acc}, DropCopyScope{all_, true}, config_, ctx_);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].getHeader().getField(35), "8");
}

TEST(DropCopyCursor, ParsesExecIdsAndZeroOnly) {
  EXPECT_EQ(parse_exec_id("0"), (ExecId{0, 0}));
  EXPECT_EQ(parse_exec_id("123.4"), (ExecId{123, 4}));
  for (const char* bad : {"", ".", "1.", ".1", "1.2.3", "a.1", "1.-1", "-1.0", "1 .2", "G17-3"})
    EXPECT_FALSE(parse_exec_id(bad)) << bad;
}

}  // namespace
}  // namespace qd::fix
