#include "fix/order_decoder.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

FIX::Message msg(const char* type, std::initializer_list<std::pair<int, std::string>> fields) {
  FIX::Message m;
  m.getHeader().setField(35, type);
  for (const auto& [tag, value] : fields) m.setField(tag, value);
  return m;
}

class DecoderTest : public ::testing::Test {
 protected:
  DecoderTest() : config_(test::make_config(1, "/tmp", keys_)), dir_(config_) {}

  DecodeContext ctx(std::vector<AccountId>& accounts) { return DecodeContext{dir_, 1, accounts}; }

  template <class T>
  static const Rejection& rejected(const Decoded<T>& d) {
    static const Rejection none{RejectReason::none, "not rejected"};
    const Rejection* r = std::get_if<Rejection>(&d);
    return r ? *r : none;
  }

  test::Ed25519Keys keys_ = test::make_keys();
  VenueConfig config_;
  Directory dir_;
  std::vector<AccountId> one_{1};
  std::vector<AccountId> two_{1, 2};
};

TEST_F(DecoderTest, LimitOrderIsReadExactly) {
  auto d = decode_new_order(msg("D", {{11, "c1"},
                                      {55, "BTC-PERP"},
                                      {54, "1"},
                                      {38, "0.1"},
                                      {40, "2"},
                                      {44, "50000.1"},
                                      {59, "1"}}),
                            ctx(one_));
  ASSERT_TRUE(std::holds_alternative<NewOrder>(d)) << rejected(d).text;
  const NewOrder& o = std::get<NewOrder>(d);
  EXPECT_EQ(o.client_id.view(), "c1");
  EXPECT_EQ(o.origin.account, 1u);
  EXPECT_EQ(o.origin.session, 1u);
  EXPECT_EQ(o.market, 0u);
  EXPECT_EQ(o.side, Side::buy);
  EXPECT_EQ(o.type, OrderType::limit);
  EXPECT_EQ(o.tif, TimeInForce::gtc);
  EXPECT_EQ(o.qty.raw, 100'000'000);       // 0.1 at 1e-9, no binary rounding
  EXPECT_EQ(o.price.raw, 50'000'100'000);  // 50000.1 at 1e-6
  EXPECT_FALSE(o.post_only);
  EXPECT_FALSE(o.has_stp_override);
}

TEST_F(DecoderTest, EveryOrderTypeAndTimeInForceMaps) {
  struct Case {
    std::string ord_type, tif;
    OrderType type;
    TimeInForce expect_tif;
  };
  for (const Case& c : {Case{"1", "3", OrderType::market, TimeInForce::ioc},
                        Case{"2", "0", OrderType::limit, TimeInForce::day},
                        Case{"2", "4", OrderType::limit, TimeInForce::fok},
                        Case{"3", "1", OrderType::stop_market, TimeInForce::gtc},
                        Case{"4", "6", OrderType::stop_limit, TimeInForce::gtd}}) {
    FIX::Message m = msg(
        "D", {{11, "c"}, {55, "BTC-PERP"}, {54, "2"}, {38, "1"}, {40, c.ord_type}, {59, c.tif}});
    if (c.ord_type == "2" || c.ord_type == "4") m.setField(44, "50000");
    if (c.ord_type == "3" || c.ord_type == "4") m.setField(99, "49000");
    if (c.tif == "6") m.setField(126, "20300101-00:00:00.000");
    auto d = decode_new_order(m, ctx(one_));
    ASSERT_TRUE(std::holds_alternative<NewOrder>(d)) << rejected(d).text;
    EXPECT_EQ(std::get<NewOrder>(d).type, c.type);
    EXPECT_EQ(std::get<NewOrder>(d).tif, c.expect_tif);
    if (c.ord_type == "3" || c.ord_type == "4") {
      EXPECT_EQ(std::get<NewOrder>(d).stop_price.raw, 49'000 * PRICE_PRECISION);
    }
  }
}

TEST_F(DecoderTest, AbsentTimeInForceIsDay) {
  auto d = decode_new_order(
      msg("D", {{11, "c"}, {55, "BTC-PERP"}, {54, "1"}, {38, "1"}, {40, "2"}, {44, "1"}}),
      ctx(one_));
  ASSERT_TRUE(std::holds_alternative<NewOrder>(d));
  EXPECT_EQ(std::get<NewOrder>(d).tif, TimeInForce::day);
}

TEST_F(DecoderTest, ExecInstSpaceSeparatedAndStp) {
  auto d = decode_new_order(msg("D", {{11, "c"},
                                      {55, "BTC-PERP"},
                                      {54, "1"},
                                      {38, "1"},
                                      {40, "2"},
                                      {44, "1"},
                                      {18, "6 E"},
                                      {20002, "B"}}),
                            ctx(one_));
  ASSERT_TRUE(std::holds_alternative<NewOrder>(d)) << rejected(d).text;
  EXPECT_TRUE(std::get<NewOrder>(d).post_only);
  EXPECT_TRUE(std::get<NewOrder>(d).reduce_only);
  EXPECT_TRUE(std::get<NewOrder>(d).has_stp_override);
  EXPECT_EQ(std::get<NewOrder>(d).stp, StpMode::cancel_both);
  auto bad = decode_new_order(
      msg("D",
          {{11, "c"}, {55, "BTC-PERP"}, {54, "1"}, {38, "1"}, {40, "2"}, {44, "1"}, {18, "6 G"}}),
      ctx(one_));
  EXPECT_EQ(rejected(bad).reason, RejectReason::invalid_order_type);
  EXPECT_NE(rejected(bad).text.find("'G'"), std::string::npos);
}

TEST_F(DecoderTest, MalformedOrOverPreciseValuesAreRejectedNeverRounded) {
  struct Case {
    int tag;
    std::string value;
    RejectReason reason;
    std::string text_part;
  };
  for (const Case& c :
       {Case{38, "0.0000000001", RejectReason::invalid_quantity, "too many decimal"},
        Case{38, "1e3", RejectReason::invalid_quantity, "exponent"},
        Case{38, "-1", RejectReason::invalid_quantity, "signed"},
        Case{38, "0", RejectReason::invalid_quantity, "positive"},
        Case{38, "1.2.3", RejectReason::invalid_quantity, "not a decimal"},
        Case{44, "50000.0000001", RejectReason::invalid_price, "too many decimal"},
        Case{44, "abc", RejectReason::invalid_price, "not a decimal"},
        Case{44, "", RejectReason::invalid_price, "empty"}}) {
    FIX::Message m =
        msg("D", {{11, "c"}, {55, "BTC-PERP"}, {54, "1"}, {38, "1"}, {40, "2"}, {44, "50000"}});
    m.setField(c.tag, c.value);
    auto d = decode_new_order(m, ctx(one_));
    EXPECT_EQ(rejected(d).reason, c.reason) << c.tag << "=" << c.value;
    EXPECT_NE(rejected(d).text.find(c.text_part), std::string::npos) << rejected(d).text;
    EXPECT_NE(rejected(d).text.find("(" + std::to_string(c.tag) + ")"), std::string::npos);
  }
  // Trailing zeros past the precision are exact, so they are accepted.
  auto ok = decode_new_order(msg("D", {{11, "c"},
                                       {55, "BTC-PERP"},
                                       {54, "1"},
                                       {38, "1.0000000000"},
                                       {40, "2"},
                                       {44, "50000.10000000"}}),
                             ctx(one_));
  ASSERT_TRUE(std::holds_alternative<NewOrder>(ok));
}

TEST_F(DecoderTest, FieldCombinationsTheVenueDoesNotSupport) {
  auto base = [] {
    return msg("D", {{11, "c"}, {55, "BTC-PERP"}, {54, "1"}, {38, "1"}, {40, "2"}, {44, "1"}});
  };
  FIX::Message m = base();
  m.removeField(44);
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::invalid_price);
  m = base();
  m.setField(40, "3");
  m.removeField(44);
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::missing_stop_price);
  m = base();
  m.setField(40, "1");
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::invalid_order_type);
  m = base();
  m.setField(59, "2");  // at the opening: a FIX value the venue does not offer
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::invalid_order_type);
  m = base();
  m.setField(59, "6");
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::invalid_expire_time);
  m = base();
  m.setField(126, "20300101-00:00:00");
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::invalid_expire_time);
  m = base();
  m.setField(55, "DOGE-PERP");
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::unknown_market);
  m = base();
  m.setField(11, std::string(65, 'x'));
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason,
            RejectReason::client_order_id_too_long);
  m = base();
  m.setField(20002, "X");
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::invalid_field);
}

TEST_F(DecoderTest, AccountRules) {
  auto base = [] {
    return msg("D", {{11, "c"}, {55, "BTC-PERP"}, {54, "1"}, {38, "1"}, {40, "2"}, {44, "1"}});
  };
  FIX::Message m = base();
  m.setField(1, "DESK-B");  // exists, but not this session's
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::account_not_permitted);
  m.setField(1, "NOPE");
  EXPECT_EQ(rejected(decode_new_order(m, ctx(one_))).reason, RejectReason::account_not_permitted);
  // Several accounts: Account (1) is required and picks one.
  EXPECT_EQ(rejected(decode_new_order(base(), ctx(two_))).reason,
            RejectReason::account_not_permitted);
  m = base();
  m.setField(1, "DESK-B");
  auto d = decode_new_order(m, ctx(two_));
  ASSERT_TRUE(std::holds_alternative<NewOrder>(d));
  EXPECT_EQ(std::get<NewOrder>(d).origin.account, 2u);
}

OrderState resting(OrderId id, const char* client_id) {
  OrderState s;
  s.order_id = id;
  s.origin = Origin{1, 1};
  s.market = 0;
  s.client_id = ClientOrderId(client_id);
  s.side = Side::buy;
  s.type = OrderType::limit;
  s.tif = TimeInForce::gtc;
  s.status = OrderStatus::new_;
  s.price = Price(50'000 * PRICE_PRECISION);
  s.order_qty = Qty(QTY_PRECISION);
  s.leaves_qty = s.order_qty;
  return s;
}

TEST_F(DecoderTest, CancelResolvesOrigClOrdIdThroughTheView) {
  OrderView view;
  view.apply(Event{10, 0, 1, OrderAccepted{resting(7, "c1")}});
  auto d = decode_cancel(msg("F", {{11, "x1"}, {41, "c1"}, {55, "BTC-PERP"}, {54, "1"}}), ctx(one_),
                         view);
  ASSERT_TRUE(std::holds_alternative<CancelOrder>(d)) << rejected(d).text;
  EXPECT_EQ(std::get<CancelOrder>(d).ref.order_id, 7u);
  // Unknown to the view (perhaps not yet acknowledged): the engine resolves it by ClOrdID.
  auto unknown = decode_cancel(msg("F", {{11, "x2"}, {41, "zz"}, {55, "BTC-PERP"}, {54, "1"}}),
                               ctx(one_), view);
  ASSERT_TRUE(std::holds_alternative<CancelOrder>(unknown));
  EXPECT_EQ(std::get<CancelOrder>(unknown).ref.order_id, 0u);
  EXPECT_EQ(std::get<CancelOrder>(unknown).ref.orig_client_id.view(), "zz");
}

TEST_F(DecoderTest, ReplaceKeepsTypeSideAndTimeInForce) {
  OrderView view;
  view.apply(Event{10, 0, 1, OrderAccepted{resting(7, "c1")}});
  auto base = [] {
    return msg("G", {{11, "c2"},
                     {41, "c1"},
                     {55, "BTC-PERP"},
                     {54, "1"},
                     {38, "2"},
                     {40, "2"},
                     {44, "49999.9"}});
  };
  auto d = decode_replace(base(), ctx(one_), view);
  ASSERT_TRUE(std::holds_alternative<ReplaceOrder>(d)) << rejected(d).text;
  EXPECT_EQ(std::get<ReplaceOrder>(d).ref.order_id, 7u);
  EXPECT_EQ(std::get<ReplaceOrder>(d).qty.raw, 2 * QTY_PRECISION);
  EXPECT_EQ(std::get<ReplaceOrder>(d).price.raw, 49'999'900'000);
  FIX::Message m = base();
  m.setField(40, "4");
  EXPECT_EQ(rejected(decode_replace(m, ctx(one_), view)).reason,
            RejectReason::replace_changes_type);
  m = base();
  m.setField(59, "3");
  EXPECT_EQ(rejected(decode_replace(m, ctx(one_), view)).reason,
            RejectReason::order_not_replaceable);
  m = base();
  m.setField(41, "nope");
  EXPECT_EQ(rejected(decode_replace(m, ctx(one_), view)).reason, RejectReason::unknown_order);
}

TEST_F(DecoderTest, MassCancelScopes) {
  auto all = decode_mass_cancel(msg("q", {{11, "m1"}, {530, "7"}}), ctx(one_));
  ASSERT_TRUE(std::holds_alternative<MassCancel>(all));
  EXPECT_EQ(std::get<MassCancel>(all).scope, MassCancelScope::account);
  auto sym = decode_mass_cancel(msg("q", {{11, "m2"}, {530, "1"}, {55, "ETH-PERP"}}), ctx(one_));
  ASSERT_TRUE(std::holds_alternative<MassCancel>(sym));
  EXPECT_EQ(std::get<MassCancel>(sym).scope, MassCancelScope::account_market);
  EXPECT_EQ(std::get<MassCancel>(sym).market, 1u);
  EXPECT_EQ(rejected(decode_mass_cancel(msg("q", {{11, "m3"}, {530, "3"}}), ctx(one_))).reason,
            RejectReason::unsupported_message);
}

}  // namespace
}  // namespace qd::fix
