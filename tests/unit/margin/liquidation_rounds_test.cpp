// The liquidation pass keeps going within the command until no account it can act on is left
// below maintenance: accounts its own fills push under (a resting bid filled far above the
// mark), and the other markets of an account whose first market was closed at the bankruptcy
// price.

#include <gtest/gtest.h>

#include "engine/exchange.hpp"

namespace qd {
namespace {

constexpr int64_t USDC = QUOTE_PRECISION;
constexpr int64_t BTC = QTY_PRECISION;
constexpr TimestampNs T0 = 1'800'057'600'000'000'000;
constexpr TimestampNs SEC = 1'000'000'000;

Price usd(int64_t whole) {
  return Price(whole * PRICE_PRECISION);
}

ExchangeSpec btc_and_eth() {
  ExchangeSpec spec;
  for (const char* symbol : {"BTC-PERP", "ETH-PERP"}) {
    MarketSpec m;
    m.symbol = symbol;
    m.tick_size = Price(PRICE_PRECISION);  // $1
    m.lot_size = Qty(BTC / 1000);
    m.min_size = m.lot_size;
    m.price_band_bps = 2000;
    spec.markets.push_back(m);
    spec.risk.push_back(risk::MarketRiskParams{});  // RISK.md defaults: IM 10%, MM 5%
  }
  for (AccountId a = 1; a <= 4; ++a) spec.accounts.push_back(AccountSpec{a});
  return spec;
}

class LiquidationRounds : public ::testing::Test {
 protected:
  Exchange ex{btc_and_eth()};
  SeqNo seq = 0;
  TimestampNs now = T0;

  std::vector<Event> run(CommandBody body) {
    std::vector<Event> out;
    ex.process(Command{++seq, now, std::move(body)}, out);
    const auto report = ex.risk()->check_invariants();
    EXPECT_TRUE(report.ok()) << report.violations.front();
    return out;
  }
  void order(AccountId a, MarketId m, Side side, int64_t price, int64_t qty_milli,
             TimeInForce tif = TimeInForce::gtc) {
    NewOrder o;
    o.origin = {a, 1};
    o.market = m;
    o.client_id.assign("o" + std::to_string(seq + 1));
    o.side = side;
    o.tif = tif;
    o.price = usd(price);
    o.qty = Qty(qty_milli * (BTC / 1000));
    const auto evs = run(o);
    for (const Event& e : evs) ASSERT_FALSE(std::holds_alternative<OrderRejected>(e.body));
  }
  std::vector<Event> oracle(MarketId m, int64_t price) {
    return run(SetOraclePrice{m, usd(price), Price(0), now, false});
  }
  static int count_liquidations(const std::vector<Event>& evs, AccountId a) {
    int n = 0;
    for (const Event& e : evs) {
      if (const auto* l = std::get_if<LiquidationTriggered>(&e.body)) n += l->account == a;
    }
    return n;
  }
  Qty position(AccountId a, MarketId m) const {
    const risk::AccountMarket* am = ex.risk()->account(a)->find(m);
    return am ? am->position.base : Qty(0);
  }
};

TEST_F(LiquidationRounds, AnAccountPushedUnderByALiquidationFillIsLiquidatedInTheSameCommand) {
  oracle(0, 50'000);
  oracle(1, 50'000);
  run(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(1'000'000 * USDC)});
  run(Deposit{1, Quote(50'500 * USDC)});      // long 10 BTC @ 50,000 after the $500 fee
  run(Deposit{2, Quote(10'000'000 * USDC)});  // the seller
  run(Deposit{3, Quote(6'000 * USDC)});       // a bid of 1 BTC at 50,000 left on the book
  order(2, 0, Side::sell, 50'000, 10'000);
  order(1, 0, Side::buy, 50'000, 10'000, TimeInForce::ioc);
  order(3, 0, Side::buy, 49'000, 1'000);
  ASSERT_EQ(position(1, 0).raw, 10 * BTC);

  // At 40,000 account 1 is bankrupt; its liquidation sells into account 3's stale bid at 49,000,
  // which leaves account 3 long 1 BTC worth 40,000 on 6,000 of collateral: under water too.
  now += SEC;
  const auto evs = oracle(0, 40'000);
  EXPECT_EQ(count_liquidations(evs, 1), 1);
  EXPECT_EQ(count_liquidations(evs, 3), 1) << "account 3 left for a later command";
  EXPECT_EQ(position(1, 0).raw, 0);
  EXPECT_EQ(position(3, 0).raw, 0);
  EXPECT_TRUE(ex.risk()->find_liquidatable(now).empty());
}

TEST_F(LiquidationRounds, EveryMarketOfABankruptAccountIsClosedInTheSameCommand) {
  oracle(0, 50'000);
  oracle(1, 50'000);
  run(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(1'000'000 * USDC)});
  run(Deposit{1, Quote(110'000 * USDC)});  // long 10 in each market: 1,000,000 notional
  run(Deposit{2, Quote(10'000'000 * USDC)});
  for (MarketId m : {0u, 1u}) {
    order(2, m, Side::sell, 50'000, 10'000);
    order(1, m, Side::buy, 50'000, 10'000, TimeInForce::ioc);
  }
  // A 20% fall in one market with an empty book: the fund takes it over at the bankruptcy price,
  // which leaves the account's equity at zero against the other market's maintenance.
  now += SEC;
  const auto evs = oracle(1, 40'000);
  int takeovers = 0;
  for (const Event& e : evs) takeovers += std::holds_alternative<InsuranceTakeover>(e.body);
  EXPECT_EQ(takeovers, 2);
  EXPECT_EQ(position(1, 0).raw, 0);
  EXPECT_EQ(position(1, 1).raw, 0);
  EXPECT_TRUE(ex.risk()->find_liquidatable(now).empty());
}

}  // namespace
}  // namespace qd
