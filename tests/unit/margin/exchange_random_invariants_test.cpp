// A seeded random session through the real Exchange with the margin core on: many accounts, two
// markets, random limit/market/IOC/reduce-only orders, cancels, mass cancels, oracle walks,
// shocks, clock ticks (funding), deposits and withdrawals. After every command:
//  - the core's own audit (check_invariants) is clean;
//  - positions sum to zero per market and open interest is the sum of longs (recomputed here);
//  - money is conserved, recomputed from the events alone: sum(collateral - entry) over accounts
//    and the fund, plus the fee account, moves only by deposits, withdrawals and socialized loss;
//  - no flat account holds negative collateral, and every deficit is paid or socialized in full;
//  - the core's resting exposure equals the leaves of the orders resting in the books;
//  - no account is left liquidatable at valid prices once the command's liquidation pass ended.
// The session must reach every stage of the liquidation waterfall: fills through the book,
// insurance takeovers and auto-deleveraging.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>

#include "engine/exchange.hpp"

namespace qd {
namespace {

constexpr int64_t USDC = QUOTE_PRECISION;
constexpr TimestampNs T0 = 1'800'057'600'000'000'000;  // midnight UTC: hour-aligned funding
constexpr TimestampNs SEC = 1'000'000'000;

struct MarketSetup {
  const char* symbol;
  int64_t tick;   // 1e-6
  int64_t lot;    // 1e-9
  int64_t price;  // whole USDC, starting oracle
};

constexpr MarketSetup MARKETS[] = {
    {"BTC-PERP", PRICE_PRECISION, QTY_PRECISION / 1000, 50'000},      // $1 tick, 0.001 lot
    {"ETH-PERP", PRICE_PRECISION / 100, QTY_PRECISION / 100, 3'000},  // $0.01 tick, 0.01 lot
};
constexpr size_t MARKET_COUNT = 2;
constexpr AccountId MAKERS = 4;     // accounts 1..4 quote both sides with deep pockets
constexpr AccountId ACCOUNTS = 20;  // 5..20 trade with leverage

ExchangeSpec two_markets() {
  ExchangeSpec spec;
  for (const MarketSetup& s : MARKETS) {
    MarketSpec m;
    m.symbol = s.symbol;
    m.tick_size = Price(s.tick);
    m.lot_size = Qty(s.lot);
    m.min_size = m.lot_size;
    m.price_band_bps = 1000;
    spec.markets.push_back(m);
    spec.risk.push_back(risk::MarketRiskParams{});  // RISK.md defaults
  }
  for (AccountId a = 1; a <= ACCOUNTS; ++a)
    spec.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, 0, 40, true});
  return spec;
}

/// One line per event of a command, for failure messages.
std::string describe(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    std::visit(
        [&](const auto& ev) {
          using T = std::decay_t<decltype(ev)>;
          if constexpr (std::is_same_v<T, OrderFilled>) {
            out += "  fill account " + std::to_string(ev.order.origin.account) + " market " +
                   std::to_string(ev.order.market) +
                   (ev.order.side == Side::buy ? " buy " : " sell ") +
                   std::to_string(ev.last_qty.raw) + " @ " + std::to_string(ev.last_price.raw) +
                   (ev.liquidation ? " (liquidation)" : "") + " position " +
                   std::to_string(ev.position_after.raw) + "\n";
          } else if constexpr (std::is_same_v<T, LiquidationTriggered>) {
            out += "  liquidation account " + std::to_string(ev.account) + " market " +
                   std::to_string(ev.market) + " qty " + std::to_string(ev.qty.raw) + " limit " +
                   std::to_string(ev.limit_price.raw) + " equity " + std::to_string(ev.equity.raw) +
                   " maintenance " + std::to_string(ev.maintenance.raw) + "\n";
          } else if constexpr (std::is_same_v<T, InsuranceTakeover>) {
            out += "  takeover account " + std::to_string(ev.account) + "\n";
          } else if constexpr (std::is_same_v<T, AutoDeleveraged>) {
            out += "  adl account " + std::to_string(ev.account) + " vs " +
                   std::to_string(ev.counterparty) + "\n";
          } else if constexpr (std::is_same_v<T, OrderCanceled>) {
            out += "  cancel order " + std::to_string(ev.order.order_id) + " account " +
                   std::to_string(ev.order.origin.account) + " " + to_string(ev.reason) + "\n";
          } else if constexpr (std::is_same_v<T, OraclePriceSet>) {
            out += "  oracle market " + std::to_string(ev.market) + " " +
                   std::to_string(ev.price.raw) + "\n";
          }
        },
        e.body);
  }
  return out;
}

class RandomSession {
 public:
  explicit RandomSession(uint64_t seed) : rng_(seed) {
    for (size_t m = 0; m < MARKET_COUNT; ++m) oracle_[m] = MARKETS[m].price * PRICE_PRECISION;
  }

  void run(int commands) {
    submit(Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(8'000 * USDC)});
    for (AccountId a = 1; a <= ACCOUNTS; ++a) {
      const int64_t amount = a <= MAKERS ? 5'000'000 : 5'000 + int64_t(rng_() % 60'000);
      submit(Deposit{a, Quote(amount * USDC)});
    }
    for (MarketId m = 0; m < MARKET_COUNT; ++m) publish(m);
    for (int i = 0; i < commands && !::testing::Test::HasFailure(); ++i) step();
  }

  int liquidations = 0, liquidation_fills = 0, takeovers = 0, adl_fills = 0, deficits = 0;
  int rejected_orders = 0;
  std::map<std::string, int> reject_reasons;
  int funding_payments = 0, withdrawals = 0, rejected_withdrawals = 0, socialized = 0;

 private:
  void step() {
    now_ += SEC;
    // The venue's keeper re-publishes admin oracles: keep them fresh for fills (5 s).
    if (now_ - last_publish_ >= 4 * SEC) {
      for (MarketId m = 0; m < MARKET_COUNT; ++m) publish(m);
    }
    const uint64_t r = rng_() % 100;
    const MarketId m = MarketId(rng_() % MARKET_COUNT);
    if (r < 30) {
      quote(AccountId(1 + rng_() % MAKERS), m);
    } else if (r < 50) {
      trade(AccountId(MAKERS + 1 + rng_() % (ACCOUNTS - MAKERS)), m);
    } else if (r < 58) {
      cancel_one();
    } else if (r < 60) {
      MassCancel mc;
      mc.origin = {AccountId(1 + rng_() % ACCOUNTS), 1};
      submit(mc);
    } else if (r < 72) {
      // A random walk of up to +/-0.6% per move, pulled back toward the starting price.
      const int64_t start = MARKETS[m].price * PRICE_PRECISION;
      const int64_t pull = std::clamp<int64_t>((start - oracle_[m]) * 100 / start, -40, 40);
      oracle_[m] = move(oracle_[m], int64_t(rng_() % 121) - 60 + pull);
      publish(m);
    } else if (r < 75) {
      shock();
    } else if (r < 86) {
      submit(ClockTick{});
    } else if (r < 92) {
      const AccountId a = AccountId(1 + rng_() % ACCOUNTS);
      submit(Withdraw{a, Quote(int64_t(1 + rng_() % 20'000) * USDC)});
    } else if (r < 96) {
      const AccountId a = AccountId(MAKERS + 1 + rng_() % (ACCOUNTS - MAKERS));
      submit(Deposit{a, Quote(int64_t(1 + rng_() % 10'000) * USDC)});
    } else {
      // A reduce-only close of part of a position at the market.
      const AccountId a = AccountId(MAKERS + 1 + rng_() % (ACCOUNTS - MAKERS));
      const risk::Account* acc = ex_.risk()->account(a);
      const risk::AccountMarket* am = acc->find(m);
      if (am == nullptr || !am->position.is_open()) return;
      NewOrder o =
          order(a, m, am->position.is_long() ? Side::sell : Side::buy, 1 + int64_t(rng_() % 2000));
      o.type = OrderType::market;
      o.reduce_only = true;
      submit(o);
    }
  }

  static int64_t move(int64_t price, int64_t bps) { return price + price * bps / 10'000; }

  int64_t on_tick(MarketId m, int64_t price) const {
    return std::max<int64_t>(1, price / MARKETS[m].tick) * MARKETS[m].tick;
  }

  NewOrder order(AccountId a, MarketId m, Side side, int64_t lots) {
    NewOrder o;
    o.origin = {a, 1};
    o.market = m;
    o.client_id.assign("c" + std::to_string(++client_seq_));
    o.side = side;
    o.qty = Qty(lots * MARKETS[m].lot);
    return o;
  }

  // Makers rest both sides around the oracle, 0.05%..1.5% away.
  void quote(AccountId a, MarketId m) {
    const Side side = rng_() % 2 ? Side::buy : Side::sell;
    const int64_t away = 5 + int64_t(rng_() % 145);
    NewOrder o = order(a, m, side, 100 + int64_t(rng_() % 4000));
    o.price = Price(on_tick(m, move(oracle_[m], side == Side::buy ? -away : away)));
    submit(o);
  }

  // Traders take liquidity with leverage: market orders, IOCs, or resting limits.
  void trade(AccountId a, MarketId m) {
    const Side side = rng_() % 3 == 0 ? Side::sell : Side::buy;  // a long bias: shocks go down
    NewOrder o = order(a, m, side, 10 + int64_t(rng_() % 12'000));
    const uint64_t kind = rng_() % 4;
    if (kind == 0) {
      o.type = OrderType::market;
      o.tif = TimeInForce::ioc;
    } else {
      o.tif = kind == 1 ? TimeInForce::gtc : TimeInForce::ioc;
      const int64_t through = int64_t(rng_() % 200) - 50;  // mostly marketable
      o.price = Price(on_tick(m, move(oracle_[m], side == Side::buy ? through : -through)));
    }
    submit(o);
  }

  void cancel_one() {
    if (live_.empty()) return;
    auto it = live_.begin();
    std::advance(it, long(rng_() % live_.size()));
    const OrderRecord* r = ex_.order(*it);
    if (r == nullptr) return;
    CancelOrder c;
    c.origin = r->state.origin;
    c.market = r->state.market;
    c.ref.order_id = r->state.order_id;
    c.client_id.assign("x" + std::to_string(++client_seq_));
    submit(c);
  }

  // Correlated shocks, mostly down, sometimes with the makers stepping away first so the book
  // cannot absorb the liquidations.
  void shock() {
    if (rng_() % 2 == 0) {
      for (AccountId a = 1; a <= MAKERS; ++a) {
        MassCancel mc;
        mc.origin = {a, 1};
        submit(mc);
      }
    }
    // 3% to 30%, down unless the first market already trades below 80% of its start.
    const int64_t size = 300 + int64_t(rng_() % 2700);
    const bool down = oracle_[0] * 5 >= MARKETS[0].price * PRICE_PRECISION * 4;
    for (MarketId m = 0; m < MARKET_COUNT; ++m) {
      oracle_[m] = move(oracle_[m], down ? -size : size);
      publish(m);
    }
  }

  void publish(MarketId m) {
    submit(SetOraclePrice{m, Price(oracle_[m]), Price(0), now_, false});
    last_publish_ = now_;
  }

  void submit(CommandBody body) {
    std::vector<Event> out;
    ex_.process(Command{++seq_, now_, std::move(body)}, out);
    for (const Event& e : out) observe(e);
    check(out);
  }

  void observe(const Event& e) {
    if (const auto* a = std::get_if<OrderAccepted>(&e.body)) {
      live_.insert(a->order.order_id);
    } else if (const auto* rj = std::get_if<OrderRejected>(&e.body)) {
      ++rejected_orders;
      ++reject_reasons[to_string(rj->reason)];
    } else if (const auto* f = std::get_if<OrderFilled>(&e.body)) {
      if (f->liquidation) ++liquidation_fills;
    } else if (const auto* c = std::get_if<CollateralChanged>(&e.body)) {
      net_deposits_ += c->amount.raw;
      if (c->reason == CollateralReason::withdrawal) ++withdrawals;
    } else if (const auto* cr = std::get_if<CollateralRejected>(&e.body)) {
      if (cr->reason_kind == CollateralReason::withdrawal) ++rejected_withdrawals;
    } else if (std::holds_alternative<LiquidationTriggered>(e.body)) {
      ++liquidations;
    } else if (std::holds_alternative<InsuranceTakeover>(e.body)) {
      ++takeovers;
    } else if (std::holds_alternative<AutoDeleveraged>(e.body)) {
      ++adl_fills;
    } else if (std::holds_alternative<FundingPaid>(e.body)) {
      ++funding_payments;
    } else if (const auto* d = std::get_if<DeficitCovered>(&e.body)) {
      ++deficits;
      EXPECT_GT(d->deficit.raw, 0) << "seq " << e.seq;
      EXPECT_EQ(d->deficit.raw, d->insurance_paid.raw + d->socialized.raw) << "seq " << e.seq;
      EXPECT_GE(d->insurance_paid.raw, 0);
      EXPECT_GE(d->socialized.raw, 0);
      socialized_ += d->socialized.raw;
      if (d->socialized.raw > 0) ++socialized;
    }
  }

  void check(const std::vector<Event>& out) {
    const risk::RiskEngine& risk = *ex_.risk();
    const auto report = risk.check_invariants();
    ASSERT_TRUE(report.ok()) << "seq " << seq_ << ": " << report.violations.front();

    // Positions and money, recomputed here from the accounts and the events.
    std::map<MarketId, int64_t> base_sum, long_sum;
    __int128 cash = risk.fee_account().balance.raw;
    auto visit = [&](const risk::Account& a) {
      cash += a.collateral.raw;
      for (const auto& [mid, am] : a.markets) {
        base_sum[mid] += am.position.base.raw;
        if (am.position.is_long()) long_sum[mid] += am.position.base.raw;
        cash -= am.position.quote_entry.raw;
      }
      if (!a.has_open_positions()) {
        ASSERT_GE(a.collateral.raw, 0) << "seq " << seq_ << ": flat account " << a.id;
      }
    };
    for (const auto& [id, a] : risk.accounts()) visit(a);
    visit(risk.insurance_fund().account);
    for (MarketId m = 0; m < MARKET_COUNT; ++m) {
      ASSERT_EQ(base_sum[m], 0) << "seq " << seq_ << " market " << m;
      ASSERT_EQ(long_sum[m], risk.market(m)->long_open_interest.raw) << "seq " << seq_;
    }
    ASSERT_TRUE(cash == __int128(net_deposits_) + socialized_)
        << "seq " << seq_ << ": money moved without a deposit or withdrawal";
    ASSERT_EQ(risk.ledger().socialized_loss.raw, socialized_) << "seq " << seq_;

    // Resting exposure in the core = leaves of the resting orders in the books.
    std::map<std::pair<AccountId, MarketId>, std::pair<int64_t, int64_t>> resting;
    for (auto it = live_.begin(); it != live_.end();) {
      const OrderRecord* r = ex_.order(*it);
      if (r == nullptr) {
        it = live_.erase(it);
        continue;
      }
      if (r->resting) {
        auto& [bids, asks] = resting[{r->state.origin.account, r->state.market}];
        (r->state.side == Side::buy ? bids : asks) += r->state.leaves_qty.raw;
      }
      ++it;
    }
    for (const auto& [id, a] : risk.accounts()) {
      for (const auto& [mid, am] : a.markets) {
        const auto it = resting.find({id, mid});
        const int64_t bids = it == resting.end() ? 0 : it->second.first;
        const int64_t asks = it == resting.end() ? 0 : it->second.second;
        ASSERT_EQ(am.orders.bids.raw, bids) << "seq " << seq_ << " account " << id;
        ASSERT_EQ(am.orders.asks.raw, asks) << "seq " << seq_ << " account " << id;
      }
    }

    // The liquidation pass leaves no one liquidatable at valid prices. (A pass runs only after
    // commands that moved margins; a fund too small for ADL counterparts would be the exception
    // and is reported by an AutoDeleveraged shortfall.)
    bool pass_ran = false;
    for (const Event& e : out) {
      pass_ran |= std::holds_alternative<LiquidationTriggered>(e.body) ||
                  std::holds_alternative<OraclePriceSet>(e.body) ||
                  std::holds_alternative<OrderFilled>(e.body) ||
                  std::holds_alternative<FundingPaid>(e.body);
    }
    if (pass_ran) {
      const auto left = risk.find_liquidatable(now_);
      ASSERT_TRUE(left.empty()) << "seq " << seq_ << ": account " << left.front().account
                                << " still liquidatable after the pass (equity "
                                << left.front().equity.raw << ", maintenance "
                                << left.front().maintenance.raw << ")\n"
                                << describe(out);
    }
  }

  Exchange ex_{two_markets()};
  std::mt19937_64 rng_;
  SeqNo seq_ = 0;
  TimestampNs now_ = T0;
  TimestampNs last_publish_ = T0;
  int64_t oracle_[MARKET_COUNT] = {};
  uint64_t client_seq_ = 0;
  std::set<OrderId> live_;
  int64_t net_deposits_ = 0;  // deposits (fund seed included) - withdrawals, from the events
  int64_t socialized_ = 0;    // from DeficitCovered events
};

TEST(RandomMarginSession, EveryInvariantHoldsAfterEveryCommandAndTheWaterfallIsExercised) {
  RandomSession s(20260415);
  s.run(5'000);
  RecordProperty("liquidations", s.liquidations);
  std::printf(
      "liquidations %d, liquidation fills %d, takeovers %d, ADL fills %d, deficits %d "
      "(socialized %d), funding payments %d, withdrawals %d (rejected %d), rejected orders %d\n",
      s.liquidations, s.liquidation_fills, s.takeovers, s.adl_fills, s.deficits, s.socialized,
      s.funding_payments, s.withdrawals, s.rejected_withdrawals, s.rejected_orders);
  for (const auto& [k, v] : s.reject_reasons) std::printf("  %s %d\n", k.c_str(), v);
  EXPECT_GT(s.liquidations, 0);
  EXPECT_GT(s.liquidation_fills, 0);
  EXPECT_GT(s.takeovers, 0);
  EXPECT_GT(s.adl_fills, 0);
  EXPECT_GT(s.funding_payments, 0);
  EXPECT_GT(s.withdrawals, 0);
  EXPECT_GT(s.rejected_withdrawals, 0);
}

}  // namespace
}  // namespace qd
