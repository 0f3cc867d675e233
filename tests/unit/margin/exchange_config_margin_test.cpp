// Config commands against the margin core: a higher initial margin refuses an order the old one
// took, new fees apply to the next fill, and margin values the core would not accept change
// nothing.

#include <gtest/gtest.h>

#include "engine/exchange.hpp"

namespace qd {
namespace {

constexpr int64_t USDC = QUOTE_PRECISION;
constexpr int64_t BTC = QTY_PRECISION;
constexpr TimestampNs T0 = 1'800'000'000'000'000'000;

Price usd(int64_t whole) {
  return Price(whole * PRICE_PRECISION);
}

ExchangeSpec one_market() {
  ExchangeSpec spec;
  MarketSpec m;
  m.symbol = "BTC-PERP";
  m.tick_size = Price(PRICE_PRECISION);
  m.lot_size = Qty(BTC / 1000);
  m.price_band_bps = 2000;
  spec.markets = {m};
  spec.risk = {risk::MarketRiskParams{}};  // IM 10%, MM 5%, taker 10 bps, maker -2 bps
  for (AccountId a = 1; a <= 2; ++a)
    spec.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, 0, 100, true});
  return spec;
}

class ConfigMargin : public ::testing::Test {
 protected:
  Exchange ex{one_market()};
  SeqNo seq = 0;

  std::vector<Event> run(CommandBody body) {
    std::vector<Event> out;
    ex.process(Command{++seq, T0, std::move(body)}, out);
    EXPECT_TRUE(ex.risk()->check_invariants().ok());
    return out;
  }
  std::vector<Event> buy(AccountId a, int64_t price, int64_t milli, Side side = Side::buy) {
    NewOrder o;
    o.origin = {a, a};
    o.client_id.assign("o" + std::to_string(seq + 1));
    o.side = side;
    o.price = usd(price);
    o.qty = Qty(milli * (BTC / 1000));
    return run(o);
  }
  static ConfigChanged changed(const std::vector<Event>& ev) {
    for (const Event& e : ev)
      if (const auto* c = std::get_if<ConfigChanged>(&e.body)) return *c;
    throw std::runtime_error("no ConfigChanged");
  }
  static bool accepted(const std::vector<Event>& ev) {
    return !ev.empty() && std::holds_alternative<OrderAccepted>(ev[0].body);
  }
};

TEST_F(ConfigMargin, AHigherInitialMarginRefusesWhatTheOldOneTook) {
  run(SetOraclePrice{0, usd(50'000), Price(0), T0, false});
  run(Deposit{1, Quote(1'000 * USDC)});
  // $1,000 at 10% carries about $9,900 of notional after the fee: 0.15 BTC = $7,500 fits.
  EXPECT_TRUE(accepted(buy(1, 50'000, 150)));
  MarketParams p = ex.market_params(0);
  EXPECT_EQ(p.initial_margin_bps, 1000);
  p.initial_margin_bps = 2500;  // 25%: $1,000 carries under $4,000, already used by 0.15 BTC
  EXPECT_EQ(changed(run(UpdateMarketParams{0, p})).reason, RejectReason::none);
  EXPECT_EQ(ex.risk()->market(0)->params.initial_margin_bps, 2500);
  const std::vector<Event> r = buy(1, 50'000, 10);
  ASSERT_FALSE(r.empty());
  ASSERT_TRUE(std::holds_alternative<OrderRejected>(r[0].body));
  EXPECT_EQ(std::get<OrderRejected>(r[0].body).reason, RejectReason::insufficient_margin);
}

TEST_F(ConfigMargin, NewFeesApplyToTheNextFill) {
  run(SetOraclePrice{0, usd(50'000), Price(0), T0, false});
  run(Deposit{1, Quote(1'000'000 * USDC)});
  run(Deposit{2, Quote(1'000'000 * USDC)});
  MarketParams p = ex.market_params(0);
  p.taker_fee_ppm = 2'000;  // 20 bps
  p.maker_fee_ppm = 0;
  ASSERT_EQ(changed(run(UpdateMarketParams{0, p})).reason, RejectReason::none);
  buy(2, 50'000, 1'000, Side::sell);
  const std::vector<Event> ev = buy(1, 50'000, 1'000);
  std::vector<OrderFilled> fills;
  for (const Event& e : ev)
    if (const auto* f = std::get_if<OrderFilled>(&e.body)) fills.push_back(*f);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].fee.raw, 0);           // maker
  EXPECT_EQ(fills[1].fee.raw, 100 * USDC);  // 20 bps of $50,000
}

TEST_F(ConfigMargin, MarginValuesTheCoreRefusesChangeNothing) {
  const MarketParams before = ex.market_params(0);
  MarketParams p = before;
  p.maintenance_margin_bps = p.initial_margin_bps;  // maintenance must stay below initial
  const ConfigChanged c = changed(run(UpdateMarketParams{0, p}));
  EXPECT_EQ(c.reason, RejectReason::invalid_field);
  EXPECT_NE(c.text.find("initial margin must exceed maintenance"), std::string::npos) << c.text;
  EXPECT_EQ(ex.market_params(0), before);
  p = before;
  p.taker_fee_ppm = -1;
  EXPECT_EQ(changed(run(UpdateMarketParams{0, p})).reason, RejectReason::invalid_field);
  p = before;
  p.funding_sample_interval_ns = 0;
  EXPECT_EQ(changed(run(UpdateMarketParams{0, p})).reason, RejectReason::invalid_field);
  EXPECT_EQ(ex.market_params(0), before);
}

TEST_F(ConfigMargin, ANewAccountJoinsTheMarginCoreAndTakesDeposits) {
  constexpr AccountId NEW = 3;
  EXPECT_EQ(ex.risk()->account(NEW), nullptr);
  EXPECT_EQ(changed(run(UpdateAccount{NEW, StpMode::cancel_resting, 0, 10, true})).reason,
            RejectReason::none);
  ASSERT_NE(ex.risk()->account(NEW), nullptr);
  run(Deposit{NEW, Quote(500 * USDC)});
  EXPECT_EQ(ex.risk()->account(NEW)->collateral.raw, 500 * USDC);
}

}  // namespace
}  // namespace qd
