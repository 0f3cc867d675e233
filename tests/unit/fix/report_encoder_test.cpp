#include "fix/report_encoder.hpp"

#include <gtest/gtest.h>

#include "fix/gateway.hpp"
#include "fix/venue_tags.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

class EncoderTest : public ::testing::Test {
 protected:
  EncoderTest() : config_(test::make_config(1, "/tmp", keys_)), dir_(config_) {
    dictionary_.readFromURL(default_dictionary_path());
  }

  /// Every message the venue sends must pass its own dictionary, header and trailer included.
  void expect_valid(FIX::Message m) {
    m.getHeader().setField(8, "FIX.4.4");
    m.getHeader().setField(49, "QUANTDESK");
    m.getHeader().setField(56, "DESK_A");
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

  static OrderState order() {
    OrderState s;
    s.order_id = 42;
    s.origin = Origin{1, 1};
    s.market = 0;
    s.client_id = ClientOrderId("c1");
    s.side = Side::sell;
    s.type = OrderType::stop_limit;
    s.tif = TimeInForce::gtd;
    s.expire_time = 1'893'456'000'000'000'000;  // 2030-01-01
    s.status = OrderStatus::partially_filled;
    s.price = Price(50'000'100'000);
    s.stop_price = Price(49'000 * PRICE_PRECISION);
    s.order_qty = Qty(QTY_PRECISION);
    s.cum_qty = Qty(250'000'000);
    s.leaves_qty = Qty(750'000'000);
    s.avg_price = Price(50'000'100'000);
    s.post_only = true;
    s.reduce_only = true;
    return s;
  }

  test::Ed25519Keys keys_ = test::make_keys();
  VenueConfig config_;
  Directory dir_;
  FIX::DataDictionary dictionary_;
  EncodeContext ctx_{dir_, 6};
};

TEST_F(EncoderTest, FillCarriesTradeFieldsAndFee) {
  OrderFilled f = test::fill(order(), ExecId{9, 1}, Price(50'000 * PRICE_PRECISION),
                             Qty(250'000'000), Liquidity::taker);
  f.fee = Quote(12'500'000);  // charged by the engine: 10 bps of 12500 USDC
  Event e{9, 2, 1'700'000'000'123'456'789, f};
  FIX::Message m = *encode_event(e, ctx_);
  EXPECT_EQ(m.getHeader().getField(35), "8");
  EXPECT_EQ(m.getField(37), "42");
  EXPECT_EQ(m.getField(11), "c1");
  EXPECT_EQ(m.getField(17), "9.2");
  EXPECT_EQ(m.getField(150), "F");
  EXPECT_EQ(m.getField(39), "1");
  EXPECT_EQ(m.getField(54), "2");
  EXPECT_EQ(m.getField(1), "DESK-A");
  EXPECT_EQ(m.getField(55), "BTC-PERP");
  EXPECT_EQ(m.getField(38), "1");
  EXPECT_EQ(m.getField(40), "4");
  EXPECT_EQ(m.getField(44), "50000.1");
  EXPECT_EQ(m.getField(99), "49000");
  EXPECT_EQ(m.getField(59), "6");
  EXPECT_EQ(m.getField(126), "20300101-00:00:00.000000");
  EXPECT_EQ(m.getField(18), "6 E");
  EXPECT_EQ(m.getField(151), "0.75");
  EXPECT_EQ(m.getField(14), "0.25");
  EXPECT_EQ(m.getField(6), "50000.1");
  EXPECT_EQ(m.getField(31), "50000");
  EXPECT_EQ(m.getField(32), "0.25");
  EXPECT_EQ(m.getField(851), "2");
  EXPECT_EQ(m.getField(tag::TradeID), "9.1");
  EXPECT_EQ(m.getField(60), "20231114-22:13:20.123456");
  // The engine's fee, CommType 3 = absolute USDC.
  EXPECT_EQ(m.getField(12), "12.5");
  EXPECT_EQ(m.getField(13), "3");
  expect_valid(m);
}

TEST_F(EncoderTest, MakerRebateIsANegativeCommissionAndLiquidationFillsSayWhy) {
  OrderState s = order();
  OrderFilled f =
      test::fill(s, ExecId{9, 0}, Price(33'333'300'000), Qty(100'000), Liquidity::maker);
  f.fee = Quote(-666);
  FIX::Message m = *encode_event(Event{9, 0, 1, f}, ctx_);
  EXPECT_EQ(m.getField(12), "-0.000666");
  EXPECT_EQ(m.getField(851), "1");
  EXPECT_FALSE(m.isSetField(tag::CancelCause));
  f.liquidation = true;
  f.order.origin.session = 0;
  m = *encode_event(Event{9, 0, 1, f}, ctx_);
  EXPECT_EQ(m.getField(tag::CancelCause), "11");
  EXPECT_EQ(m.getField(tag::VenueInitiated), "Y");
  expect_valid(m);
}

TEST_F(EncoderTest, AutoDeleveragingReachesBothAccountsWithItsCause) {
  AutoDeleveraged adl;
  adl.account = 1;
  adl.counterparty = 2;
  adl.market = 0;
  adl.counterparty_side = Side::sell;
  adl.qty = Qty(QTY_PRECISION / 2);
  adl.price = Price(48'000 * PRICE_PRECISION);
  auto reports = encode_position_events(Event{20, 3, 1, adl}, ctx_);
  ASSERT_EQ(reports.size(), 2u);
  std::vector<std::pair<AccountId, FIX::Message>> out;
  for (auto& [account, report] : reports) out.emplace_back(account, report.to_message());
  EXPECT_EQ(out[0].first, 1u);
  EXPECT_EQ(out[0].second.getField(54), "1");
  EXPECT_EQ(out[1].first, 2u);
  EXPECT_EQ(out[1].second.getField(54), "2");
  for (auto& [account, m] : out) {
    EXPECT_EQ(m.getField(150), "F");
    EXPECT_EQ(m.getField(32), "0.5");
    EXPECT_EQ(m.getField(31), "48000");
    EXPECT_EQ(m.getField(tag::CancelCause), "12");
    expect_valid(m);
  }
  EXPECT_NE(out[0].second.getField(17), out[1].second.getField(17));
  EXPECT_TRUE(encode_position_events(Event{1, 0, 1, test::mark(0, Price(1))}, ctx_).empty());
}

TEST_F(EncoderTest, UnsolicitedCancelCarriesItsCause) {
  OrderState s = order();
  s.status = OrderStatus::canceled;
  s.leaves_qty = Qty(0);
  for (auto [reason, code] :
       {std::pair{CancelReason::liquidation, 11}, std::pair{CancelReason::adl, 12},
        std::pair{CancelReason::reduce_only_resize, 13}, std::pair{CancelReason::stp_resting, 4},
        std::pair{CancelReason::cancel_on_disconnect, 7}, std::pair{CancelReason::admin, 9}}) {
    OrderCanceled c = test::canceled(s, reason);
    FIX::Message m = *encode_event(Event{3, 0, 1, c}, ctx_);
    EXPECT_EQ(m.getField(150), "4");
    EXPECT_EQ(m.getField(39), "4");
    EXPECT_EQ(m.getField(11), "c1");
    EXPECT_FALSE(m.isSetField(41));
    EXPECT_EQ(m.getField(tag::CancelCause), std::to_string(code));
    expect_valid(m);
  }
  OrderCanceled expired = test::canceled(s, CancelReason::expired);
  FIX::Message m = *encode_event(Event{3, 0, 1, expired}, ctx_);
  EXPECT_EQ(m.getField(150), "C");
  EXPECT_EQ(m.getField(39), "C");
  OrderCanceled asked = test::canceled(s, CancelReason::client_request, "x9");
  m = *encode_event(Event{3, 0, 1, asked}, ctx_);
  EXPECT_EQ(m.getField(11), "x9");
  EXPECT_EQ(m.getField(41), "c1");
  expect_valid(m);
}

TEST_F(EncoderTest, RejectUsesTheTable) {
  OrderState s = order();
  s.order_id = 0;
  FIX::Message m =
      *encode_event(Event{4, 0, 1, test::rejected(s, RejectReason::insufficient_margin)}, ctx_);
  EXPECT_EQ(m.getField(150), "8");
  EXPECT_EQ(m.getField(39), "8");
  EXPECT_EQ(m.getField(37), "NONE");
  EXPECT_EQ(m.getField(103), "3");
  EXPECT_EQ(m.getField(58), "insufficient margin");
  EXPECT_EQ(m.getField(tag::VenueRejectCode), "500");
  expect_valid(m);
  CancelRejected cr;
  cr.origin = Origin{1, 1};
  cr.client_id = ClientOrderId("x");
  cr.orig_client_id = ClientOrderId("gone");
  cr.response_to = CancelRejectTo::replace;
  cr.reason = RejectReason::unknown_order;
  m = *encode_event(Event{5, 0, 1, cr}, ctx_);
  EXPECT_EQ(m.getHeader().getField(35), "9");
  EXPECT_EQ(m.getField(434), "2");
  EXPECT_EQ(m.getField(102), "1");
  EXPECT_EQ(m.getField(39), "8");
  expect_valid(m);
}

TEST_F(EncoderTest, EveryEventKindValidates) {
  OrderState s = order();
  s.type = OrderType::limit;
  s.tif = TimeInForce::gtc;
  s.post_only = false;
  expect_valid(*encode_event(Event{1, 0, 1, OrderAccepted{s}}, ctx_));
  expect_valid(*encode_event(Event{1, 0, 1, OrderTriggered{s}}, ctx_));
  OrderRestated r = test::restated(s, Qty(1000), CancelReason::stp_resting);
  FIX::Message restated = *encode_event(Event{1, 0, 1, r}, ctx_);
  EXPECT_EQ(restated.getField(150), "D");
  EXPECT_EQ(restated.getField(tag::CancelCause), "4");
  expect_valid(restated);
  s.orig_client_id = ClientOrderId("c0");
  FIX::Message replaced = *encode_event(Event{1, 0, 1, test::replaced(s, true)}, ctx_);
  EXPECT_EQ(replaced.getField(150), "5");
  EXPECT_EQ(replaced.getField(39), "1");
  EXPECT_EQ(replaced.getField(41), "c0");
  EXPECT_EQ(replaced.getField(tag::PriorityKept), "Y");
  expect_valid(replaced);
  MassCancelDone done;
  done.origin = Origin{1, 1};
  done.scope = MassCancelScope::account_market;
  done.client_id = ClientOrderId("m1");
  done.canceled = 3;
  FIX::Message r1 = *encode_event(Event{1, 0, 1, done}, ctx_);
  EXPECT_EQ(r1.getField(530), "1");
  EXPECT_EQ(r1.getField(531), "1");
  EXPECT_EQ(r1.getField(533), "3");
  EXPECT_EQ(r1.getField(55), "BTC-PERP");
  expect_valid(r1);
  done.client_id = ClientOrderId();
  done.scope = MassCancelScope::session;
  EXPECT_FALSE(encode_event(Event{1, 0, 1, done}, ctx_));  // cancel-on-disconnect: no report
  EXPECT_FALSE(encode_event(Event{1, 0, 1, test::mark(0, Price(1))}, ctx_));
}

TEST_F(EncoderTest, GatewayRejectsValidateAndEchoOnlyValidValues) {
  FIX::Message d;
  d.getHeader().setField(35, "D");
  d.getHeader().setField(34, "12");
  d.setField(11, "c1");
  d.setField(55, "BTC-PERP");
  d.setField(54, "1");
  d.setField(38, "0.00000000001");
  d.setField(40, "2");
  d.setField(44, "50000");
  FIX::Message er = encode_order_reject(
      d, Rejection{RejectReason::invalid_quantity, "OrderQty (38): too many decimal places"}, ctx_,
      "G1-1", 1);
  EXPECT_EQ(er.getField(103), "13");
  EXPECT_EQ(er.getField(38), "0.00000000001");
  expect_valid(er);
  FIX::Message j = encode_business_reject(d, Rejection{RejectReason::role_not_permitted, "no"}, 6);
  EXPECT_EQ(j.getField(372), "D");
  EXPECT_EQ(j.getField(45), "12");
  EXPECT_EQ(j.getField(379), "c1");
  EXPECT_EQ(j.getField(380), "6");
  expect_valid(j);
  d.getHeader().setField(35, "H");
  expect_valid(encode_unknown_status(d, ctx_, "G1-2", "unknown order", std::nullopt, 1));
  d.getHeader().setField(35, "F");
  d.setField(41, "c0");
  expect_valid(
      encode_cancel_reject(d, Rejection{RejectReason::throttled, "slow down"}, nullptr, ctx_, 1));
  d.getHeader().setField(35, "q");
  d.setField(530, "7");
  expect_valid(encode_mass_cancel_reject(d, Rejection{RejectReason::system_busy, "busy"}, ctx_, 1));
}

}  // namespace
}  // namespace qd::fix
