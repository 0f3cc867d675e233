// Config commands in the matching engine: a market's limits and band change at their place in
// the sequence, accounts are created, changed and disabled, invalid values change nothing, and
// both commands survive the journal's binary form unchanged.

#include <gtest/gtest.h>

#include "core/serialization.hpp"
#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

using ConfigTest = ExchangeTest;

ConfigChanged config_event(const std::vector<Event>& ev) {
  for (const Event& e : ev)
    if (const auto* c = std::get_if<ConfigChanged>(&e.body)) return *c;
  throw std::runtime_error("no ConfigChanged event");
}

TEST_F(ConfigTest, ANarrowerBandAppliesToOrdersSequencedAfterIt) {
  // A buy may bid at most mark + band: 5% of 50,000 lets 52,000 in.
  EXPECT_EQ(kinds(run(limit(ALICE, Side::buy, usd(52'000), lots(1), "A1"))), (Kinds{"accepted"}));
  MarketParams p = ex.market_params(BTC);
  EXPECT_EQ(p.price_band_bps, 500);
  p.price_band_bps = 200;  // 2%: 51,000 at most
  const std::vector<Event> ev = run(UpdateMarketParams{BTC, p});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(config_event(ev).reason, RejectReason::none);
  EXPECT_EQ(config_event(ev).target, ConfigChanged::Target::market);
  EXPECT_EQ(ex.market(BTC).price_band_bps, 200);
  std::vector<Event> r = run(limit(ALICE, Side::buy, usd(52'000), lots(1), "A2"));
  ASSERT_EQ(kinds(r), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(r, 0).reason, RejectReason::outside_price_band);
  EXPECT_EQ(kinds(run(limit(ALICE, Side::buy, usd(51'000), lots(1), "A3"))), (Kinds{"accepted"}));
  // The order placed under the old band rests where it was.
  EXPECT_EQ(book_side(Side::buy).size(), 2u);
  EXPECT_EQ(validate_books(), "");
}

TEST_F(ConfigTest, SizeLimitsChangeLive) {
  MarketParams p = ex.market_params(BTC);
  p.max_order_size = lots(10);
  EXPECT_EQ(config_event(run(UpdateMarketParams{BTC, p})).reason, RejectReason::none);
  std::vector<Event> r = run(limit(BOB, Side::buy, usd(49'000), lots(11), "B1"));
  ASSERT_EQ(kinds(r), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(r, 0).reason, RejectReason::above_max_order_size);
  EXPECT_EQ(kinds(run(limit(BOB, Side::buy, usd(49'000), lots(10), "B2"))), (Kinds{"accepted"}));
}

TEST_F(ConfigTest, InvalidValuesAreRefusedAndChangeNothing) {
  const MarketParams before = ex.market_params(LIM);
  auto refused = [&](MarketParams p, MarketId m, RejectReason why) {
    const std::vector<Event> ev = run(UpdateMarketParams{m, p});
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(config_event(ev).reason, why);
    EXPECT_EQ(ex.market_params(LIM), before);
  };
  MarketParams p = before;
  p.price_band_bps = 0;
  refused(p, LIM, RejectReason::invalid_field);
  p = before;
  p.min_size = Qty(lots(5).raw + 1);  // off the lot grid
  refused(p, LIM, RejectReason::invalid_field);
  p = before;
  p.max_order_size = lots(1);  // below min_size (5 lots)
  refused(p, LIM, RejectReason::invalid_field);
  p = before;
  p.day_end_offset_ns = DAY;
  refused(p, LIM, RejectReason::invalid_field);
  p = before;
  p.min_notional = Quote(-1);
  refused(p, LIM, RejectReason::invalid_field);
  refused(before, NO_SUCH_MARKET, RejectReason::unknown_market);
  EXPECT_FALSE(config_event(run(UpdateMarketParams{LIM,
                                                   [&] {
                                                     MarketParams q = before;
                                                     q.price_band_bps = 0;
                                                     return q;
                                                   }()}))
                   .text.empty());
}

TEST_F(ConfigTest, AccountsAreCreatedChangedAndDisabled) {
  constexpr AccountId NEW = 42;
  std::vector<Event> r = run(limit(NEW, Side::buy, usd(49'000), lots(1), "N1"));
  EXPECT_EQ(as_event<OrderRejected>(r, 0).reason, RejectReason::unknown_account);
  std::vector<Event> ev = run(UpdateAccount{NEW, StpMode::cancel_resting, 0, 2, true});
  EXPECT_EQ(config_event(ev).reason, RejectReason::none);
  ASSERT_NE(ex.account_spec(NEW), nullptr);
  EXPECT_EQ(kinds(run(limit(NEW, Side::buy, usd(49'000), lots(1), "N2"))), (Kinds{"accepted"}));
  EXPECT_EQ(kinds(run(limit(NEW, Side::buy, usd(48'000), lots(1), "N3"))), (Kinds{"accepted"}));
  r = run(limit(NEW, Side::buy, usd(47'000), lots(1), "N4"));
  EXPECT_EQ(as_event<OrderRejected>(r, 0).reason, RejectReason::too_many_open_orders);

  // Disabling cancels its two orders and refuses new ones.
  ev = run(UpdateAccount{NEW, StpMode::cancel_resting, 0, 2, false});
  ASSERT_EQ(kinds(ev), (Kinds{"config_changed", "canceled", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::admin);
  EXPECT_TRUE(book_side(Side::buy).empty());
  r = run(limit(NEW, Side::buy, usd(49'000), lots(1), "N5"));
  EXPECT_EQ(as_event<OrderRejected>(r, 0).reason, RejectReason::account_disabled);

  // A disabled fixture account is enabled again.
  ev = run(UpdateAccount{ERIN, StpMode::cancel_resting, 0, 10, true});
  EXPECT_EQ(config_event(ev).reason, RejectReason::none);
  EXPECT_EQ(kinds(run(limit(ERIN, Side::buy, usd(49'000), lots(1), "E1"))), (Kinds{"accepted"}));

  EXPECT_EQ(config_event(run(UpdateAccount{0, StpMode::none, 0, 10, true})).reason,
            RejectReason::unknown_account);
  EXPECT_EQ(config_event(run(UpdateAccount{ALICE, StpMode::none, 0, 0, true})).reason,
            RejectReason::invalid_field);
  EXPECT_EQ(ex.account_spec(ALICE)->max_open_orders, 1000u);
}

template <class T>
T round_trip(const T& in) {
  ByteWriter w;
  Command c{7, 11, in};
  w(c);
  Command out;
  ByteReader r(w.bytes());
  r(out);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(out.seq, 7u);
  return std::get<T>(out.body);
}

TEST(ConfigCommandSerialization, RoundTripsEveryField) {
  MarketParams p;
  // Distinct values in every field, so a field dropped or swapped in the listing shows.
  int64_t v = 1;
  p.min_size = Qty(v++);
  p.min_notional = Quote(v++);
  p.max_order_size = Qty(v++);
  p.max_order_notional = Quote(v++);
  p.price_band_bps = v++;
  p.day_end_offset_ns = v++;
  p.initial_margin_bps = v++;
  p.maintenance_margin_bps = v++;
  p.imf_factor_ppm = v++;
  p.max_position = Qty(v++);
  p.open_interest_cap = Qty(v++);
  p.maker_fee_ppm = -(v++);
  p.taker_fee_ppm = v++;
  p.liquidation_fee_bps = v++;
  p.liquidation_buffer_bps = v++;
  p.gain_weight_bps = v++;
  p.funding_sample_interval_ns = v++;
  p.impact_margin_notional = Quote(v++);
  p.funding_interest_8h = v++;
  p.funding_premium_clamp_8h = v++;
  p.funding_max_hourly_rate = v++;
  p.oracle_margin_staleness_ns = v++;
  p.oracle_fill_staleness_ns = v++;
  p.oracle_max_confidence_bps = v++;
  p.mark_band_bps = v++;
  const UpdateMarketParams m = round_trip(UpdateMarketParams{3, p});
  EXPECT_EQ(m.market, 3u);
  EXPECT_EQ(m.params, p);

  const UpdateAccount a = round_trip(UpdateAccount{9, StpMode::decrement_and_cancel, 4, 17, false});
  EXPECT_EQ(a.account, 9u);
  EXPECT_EQ(a.stp_mode, StpMode::decrement_and_cancel);
  EXPECT_EQ(a.stp_group, 4u);
  EXPECT_EQ(a.max_open_orders, 17u);
  EXPECT_FALSE(a.enabled);

  ByteWriter w;
  Event e{5, 1, 9,
          ConfigChanged{ConfigChanged::Target::account, 9, RejectReason::invalid_field, "why"}};
  w(e);
  Event back;
  ByteReader r(w.bytes());
  r(back);
  const auto& c = std::get<ConfigChanged>(back.body);
  EXPECT_EQ(c.target, ConfigChanged::Target::account);
  EXPECT_EQ(c.id, 9u);
  EXPECT_EQ(c.reason, RejectReason::invalid_field);
  EXPECT_EQ(c.text, "why");
}

}  // namespace
}  // namespace qd::test
