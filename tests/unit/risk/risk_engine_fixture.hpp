#pragma once
// A RiskEngine with one BTC market (RISK.md defaults, tick 0.1, lot 0.0001) and three accounts,
// plus helpers that drive it the way the matching engine will.

#include <gtest/gtest.h>

#include <string>

#include "risk/risk_engine.hpp"
#include "risk_test_units.hpp"

namespace qd::risk::test {

inline constexpr MarketId BTC = 0;
inline constexpr AccountId ALICE = 1;
inline constexpr AccountId BOB = 2;
inline constexpr AccountId CAROL = 3;
inline constexpr TimestampNs T0 = 1'800'000'000LL * 1'000'000'000LL;  // on an hour boundary
inline const Price TICK_0_1 = Price(100'000);
inline const Qty LOT_0_0001 = Qty(100'000);

inline MarketSpec btc_spec() {
  MarketSpec s;
  s.id = BTC;
  s.symbol = "BTC-PERP";
  s.tick_size = TICK_0_1;
  s.lot_size = LOT_0_0001;
  return s;
}

inline std::string joined(const InvariantReport& r) {
  std::string s;
  for (const std::string& v : r.violations) s += v + "\n";
  return s;
}

class RiskEngineFixture : public ::testing::Test {
 protected:
  /// Overridden by tests that need other parameters before SetUp runs.
  virtual MarketRiskParams params() const { return MarketRiskParams{}; }

  void SetUp() override {
    ASSERT_EQ(risk.add_market(btc_spec(), params()), RiskStatus::ok);
    for (AccountId a : {ALICE, BOB, CAROL}) ASSERT_EQ(risk.add_account(a), RiskStatus::ok);
    set_price(usd(50'000));
  }

  /// Oracle (fresh, no confidence band) and, with an empty book, the mark.
  void set_price(Price p) {
    OracleResult r = risk.set_oracle(BTC, p, Price(0), now, now);
    ASSERT_EQ(r.status, RiskStatus::ok);
  }

  void fund(AccountId a, Quote amount) { ASSERT_TRUE(risk.deposit(a, amount).ok()); }

  /// The maker's order rests, then the taker trades against it.
  TradeResult trade(AccountId maker, AccountId taker, Side taker_side, Price p, Qty q,
                    bool liquidation = false) {
    EXPECT_EQ(risk.on_order_rested(maker, BTC, opposite(taker_side), q), RiskStatus::ok);
    TradeResult t = risk.apply_trade(BTC, maker, taker, taker_side, p, q, liquidation);
    EXPECT_EQ(t.status, RiskStatus::ok);
    return t;
  }

  const Position& position(AccountId a) const { return risk.account(a)->find(BTC)->position; }
  Quote collateral(AccountId a) const { return risk.account(a)->collateral; }
  AccountMargin margin(AccountId a) const {
    MarginResult m = risk.margin(a);
    EXPECT_EQ(m.status, RiskStatus::ok);
    return m.margin;
  }

  void expect_invariants() const {
    InvariantReport r = risk.check_invariants();
    EXPECT_TRUE(r.ok()) << joined(r);
  }

  RiskEngine risk;
  TimestampNs now = T0;
};

}  // namespace qd::risk::test
