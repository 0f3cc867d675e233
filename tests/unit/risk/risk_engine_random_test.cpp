// Randomized (seeded, deterministic) run of the RiskEngine: two-sided fills between random
// accounts, resting orders and cancels, oracle moves and shocks, funding, deposits and
// withdrawals, and every liquidation path (IOC through a simulated book, insurance takeover,
// ADL). Every invariant is checked after every step; the same seed replays to the same hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "risk_engine_fixture.hpp"

namespace qd::risk::test {
namespace {

// splitmix64: the same sequence on every platform (std distributions are not portable).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi].
  int64_t in(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return in(1, 100) <= percent; }

 private:
  uint64_t s_;
};

struct Resting {
  AccountId account;
  MarketId market;
  Side side;
  Price price;
  Qty qty;
};

struct Stats {
  int fills = 0, rested = 0, rejected = 0, liquidation_fills = 0, takeovers = 0, adls = 0,
      fundings = 0, withdrawals = 0, deficits = 0;
};

class Simulation {
 public:
  static constexpr int ACCOUNTS = 8;

  explicit Simulation(uint64_t seed) : rng_(seed) {
    MarketSpec btc_market = btc_spec();
    MarketSpec eth = btc_spec();
    eth.id = 1;
    eth.symbol = "ETH-PERP";
    eth.tick_size = Price(10'000);
    eth.lot_size = Qty(1'000'000);
    MarketRiskParams p;
    p.imf_factor_ppm = 1'000;
    p.max_position = btc(50);
    EXPECT_EQ(risk_.add_market(btc_market, p), RiskStatus::ok);
    MarketRiskParams q;
    q.open_interest_cap = btc(2'000);
    q.oi_ramp_lower = btc(500);
    q.oi_ramp_upper = btc(1'500);
    EXPECT_EQ(risk_.add_market(eth, q), RiskStatus::ok);
    prices_[0] = usd(50'000);
    prices_[1] = usd(3'000);
    for (AccountId a = 1; a <= ACCOUNTS; ++a) {
      EXPECT_EQ(risk_.add_account(a), RiskStatus::ok);
      EXPECT_TRUE(risk_.deposit(a, usdc(rng_.in(20'000, 400'000))).ok());
    }
    EXPECT_EQ(risk_.seed_insurance_fund(usdc(rng_.in(0, 1) == 0 ? 1'000 : 200'000)),
              RiskStatus::ok);
    refresh_prices();
  }

  void step() {
    now_ += rng_.in(0, 2'000) * 1'000'000;  // 0..2 s
    const int pick = static_cast<int>(rng_.in(1, 100));
    if (pick <= 45)
      order();
    else if (pick <= 60)
      cancel();
    else if (pick <= 75)
      move_prices();
    else if (pick <= 80)
      collateral();
    else if (pick <= 85)
      funding();
    else
      liquidate();
    // Oracles refresh often enough to stay valid for fills most of the time.
    if (rng_.chance(60)) refresh_prices();
  }

  void check() const {
    InvariantReport r = risk_.check_invariants();
    ASSERT_TRUE(r.ok()) << joined(r);
    // The engine's exposure matches the simulated book exactly.
    for (AccountId a = 1; a <= ACCOUNTS; ++a) {
      for (MarketId m = 0; m < 2; ++m) {
        Qty bids(0), asks(0);
        for (const Resting& o : book_) {
          if (o.account != a || o.market != m) continue;
          (o.side == Side::buy ? bids : asks) += o.qty;
        }
        const AccountMarket* am = risk_.account(a)->find(m);
        const OrderExposure e = am != nullptr ? am->orders : OrderExposure{};
        ASSERT_EQ(e.bids, bids) << "account " << a << " market " << m;
        ASSERT_EQ(e.asks, asks) << "account " << a << " market " << m;
      }
    }
  }

  uint64_t hash() const { return risk_.state_hash(); }
  const Stats& stats() const { return stats_; }

 private:
  Qty lot(MarketId m) const { return m == 0 ? LOT_0_0001 : Qty(1'000'000); }
  Price tick(MarketId m) const { return m == 0 ? TICK_0_1 : Price(10'000); }

  Price near_mark(MarketId m) {
    const MarketState* s = risk_.market(m);
    const int64_t mark = s->has_mark ? s->mark.raw : prices_[m].raw;
    const int64_t offset_bps = rng_.in(-150, 150);
    const int64_t raw = mark + mark / 10'000 * offset_bps;
    return Price(std::max<int64_t>(tick(m).raw, raw / tick(m).raw * tick(m).raw));
  }

  void refresh_prices() {
    for (MarketId m = 0; m < 2; ++m) {
      const Price conf = rng_.chance(3) ? Price(prices_[m].raw / 20) : Price(0);  // 5%: uncertain
      risk_.set_oracle(m, prices_[m], conf, now_, now_);
      update_mark(m);
    }
  }

  void update_mark(MarketId m) {
    BookTop top;
    for (const Resting& o : book_) {
      if (o.market != m) continue;
      if (o.side == Side::buy && o.price > top.best_bid) top.best_bid = o.price;
      if (o.side == Side::sell && (top.best_ask.raw == 0 || o.price < top.best_ask)) {
        top.best_ask = o.price;
      }
    }
    if (top.best_bid.raw > 0 && top.best_ask.raw > 0 && top.best_bid >= top.best_ask) {
      top = BookTop{};  // the simulated book may cross; the real one never does
    }
    top.impact_bid = rng_.chance(50) ? top.best_bid : Price(0);
    top.impact_ask = rng_.chance(50) ? top.best_ask : Price(0);
    risk_.update_mark(m, top, now_);
  }

  void order() {
    const AccountId a = static_cast<AccountId>(rng_.in(1, ACCOUNTS));
    const MarketId m = static_cast<MarketId>(rng_.in(0, 1));
    const Side side = rng_.chance(50) ? Side::buy : Side::sell;
    const Qty qty(lot(m).raw * rng_.in(1, m == 0 ? 60'000 : 60'000));
    const bool reduce_only = rng_.chance(10);
    // A counterparty resting on the other side, any account (self-trades included).
    std::vector<size_t> makers;
    for (size_t i = 0; i < book_.size(); ++i) {
      if (book_[i].market == m && book_[i].side == opposite(side)) makers.push_back(i);
    }
    const Price limit = near_mark(m);
    OrderCheck c = risk_.check_order(a, m, side, limit, qty, reduce_only, now_);
    if (!c.ok()) {
      ++stats_.rejected;
      return;
    }
    if (!makers.empty() && rng_.chance(60)) {
      const size_t i =
          makers[static_cast<size_t>(rng_.in(0, static_cast<int64_t>(makers.size()) - 1))];
      Resting& maker = book_[i];
      const Qty q = std::min(c.qty, maker.qty);
      TradeResult t = risk_.apply_trade(m, maker.account, a, side, maker.price, q);
      ASSERT_EQ(t.status, RiskStatus::ok);
      maker.qty -= q;
      if (maker.qty.raw == 0) book_.erase(book_.begin() + static_cast<std::ptrdiff_t>(i));
      ++stats_.fills;
      if (t.taker.deficit.deficit.raw > 0 || t.maker.deficit.deficit.raw > 0) ++stats_.deficits;
    } else if (!reduce_only) {
      ASSERT_EQ(risk_.on_order_rested(a, m, side, c.qty), RiskStatus::ok);
      book_.push_back({a, m, side, limit, c.qty});
      ++stats_.rested;
    }
  }

  void cancel() {
    if (book_.empty()) return;
    const size_t i = static_cast<size_t>(rng_.in(0, static_cast<int64_t>(book_.size()) - 1));
    const Resting o = book_[i];
    if (rng_.chance(30) && o.qty > lot(o.market)) {
      // Replace down by one lot.
      ASSERT_EQ(risk_.on_order_reduced(o.account, o.market, o.side, lot(o.market)), RiskStatus::ok);
      book_[i].qty -= lot(o.market);
      return;
    }
    ASSERT_EQ(risk_.on_order_removed(o.account, o.market, o.side, o.qty), RiskStatus::ok);
    book_.erase(book_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void move_prices() {
    const MarketId m = static_cast<MarketId>(rng_.in(0, 1));
    int64_t bps = rng_.in(-300, 300);
    if (rng_.chance(5)) bps = rng_.in(-2'500, 2'500);  // shock
    prices_[m] =
        Price(std::max<int64_t>(tick(m).raw, prices_[m].raw + prices_[m].raw / 10'000 * bps));
    risk_.set_oracle(m, prices_[m], Price(0), now_, now_);
    update_mark(m);
  }

  void collateral() {
    const AccountId a = static_cast<AccountId>(rng_.in(1, ACCOUNTS));
    if (rng_.chance(50)) {
      EXPECT_TRUE(risk_.deposit(a, usdc(rng_.in(1, 100'000))).ok());
    } else if (risk_.withdraw(a, usdc(rng_.in(1, 200'000)), now_).ok()) {
      ++stats_.withdrawals;
      // Withdrawals never leave free collateral negative.
      MarginResult mr = risk_.margin(a);
      if (mr.status == RiskStatus::ok && risk_.account(a)->has_open_positions()) {
        EXPECT_GE(mr.margin.free_collateral.raw, 0);
      }
    }
  }

  void funding() {
    now_ += rng_.in(0, 1) == 0 ? 0 : NS_PER_HOUR / 4;
    refresh_prices();
    for (MarketId m = 0; m < 2; ++m) {
      if (risk_.funding_tick(m, now_).status == RiskStatus::ok) ++stats_.fundings;
    }
  }

  void cancel_all(AccountId a) {
    for (size_t i = book_.size(); i-- > 0;) {
      if (book_[i].account != a) continue;
      ASSERT_EQ(risk_.on_order_removed(a, book_[i].market, book_[i].side, book_[i].qty),
                RiskStatus::ok);
      book_.erase(book_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  void liquidate() {
    for (const LiquidationCandidate& c : risk_.find_liquidatable(now_)) {
      LiquidationPlan plan = risk_.plan_liquidation(c.account, now_);
      if (plan.status != RiskStatus::ok) continue;
      if (plan.cancel_all_orders) {
        cancel_all(c.account);
        plan = risk_.plan_liquidation(c.account, now_);
        if (plan.status != RiskStatus::ok) continue;
      }
      ASSERT_TRUE(plan.has_order);
      const LiquidationOrder& o = plan.order;
      // The reduce-only IOC sweeps other accounts' resting orders at the limit or better.
      Qty left = o.qty;
      for (size_t i = 0; i < book_.size() && left.raw > 0;) {
        Resting& r = book_[i];
        const bool crosses =
            o.side == Side::sell ? r.price >= o.limit_price : r.price <= o.limit_price;
        if (r.market != o.market || r.side != opposite(o.side) || r.account == c.account ||
            !crosses) {
          ++i;
          continue;
        }
        const Qty q = std::min(left, r.qty);
        TradeResult t = risk_.apply_trade(o.market, r.account, c.account, o.side, r.price, q, true);
        ASSERT_EQ(t.status, RiskStatus::ok);
        ++stats_.liquidation_fills;
        left -= q;
        r.qty -= q;
        if (r.qty.raw == 0)
          book_.erase(book_.begin() + static_cast<std::ptrdiff_t>(i));
        else
          ++i;
      }
      if (!risk_.is_liquidatable(c.account, now_)) continue;
      if (left.raw == 0 && rng_.chance(50)) continue;  // a later round liquidates more
      TakeoverResult take = risk_.insurance_takeover(c.account, o.market, now_);
      if (take.status == RiskStatus::ok) {
        ++stats_.takeovers;
      } else if (take.status == RiskStatus::insurance_fund_insufficient) {
        AdlResult adl = risk_.adl(c.account, o.market, now_);
        EXPECT_TRUE(adl.status == RiskStatus::ok || adl.status == RiskStatus::no_counterparty);
        ++stats_.adls;
      } else {
        ADD_FAILURE() << "takeover: " << to_string(take.status);
      }
    }
  }

  Rng rng_;
  RiskEngine risk_;
  TimestampNs now_ = T0;
  Price prices_[2];
  std::vector<Resting> book_;
  Stats stats_;
};

constexpr int STEPS = 6'000;

TEST(RiskEngineRandom, InvariantsHoldAfterEveryStep) {
  Stats all;
  for (uint64_t seed : {1ull, 2ull, 3ull}) {
    SCOPED_TRACE(seed);
    Simulation sim(seed);
    sim.check();
    for (int i = 0; i < STEPS; ++i) {
      sim.step();
      ASSERT_NO_FATAL_FAILURE(sim.check()) << "step " << i;
    }
    const Stats& s = sim.stats();
    // The run exercised every path it is meant to (so a passing run means something).
    EXPECT_GT(s.fills, 500);
    EXPECT_GT(s.rested, 500);
    EXPECT_GT(s.fundings, 5);
    EXPECT_GT(s.withdrawals, 10);
    all.liquidation_fills += s.liquidation_fills;
    all.takeovers += s.takeovers;
    all.adls += s.adls;
    all.deficits += s.deficits;
    std::printf(
        "seed %llu: fills %d rested %d rejected %d liq fills %d takeovers %d adl %d "
        "fundings %d withdrawals %d deficits %d\n",
        static_cast<unsigned long long>(seed), s.fills, s.rested, s.rejected, s.liquidation_fills,
        s.takeovers, s.adls, s.fundings, s.withdrawals, s.deficits);
  }
  // Across the seeds, every liquidation path ran.
  EXPECT_GT(all.liquidation_fills, 0);
  EXPECT_GT(all.takeovers, 0);
  EXPECT_GT(all.adls, 0);
}

TEST(RiskEngineRandom, SameSeedReplaysToTheSameStateHash) {
  Simulation a(42), b(42), c(43);
  for (int i = 0; i < 1'500; ++i) {
    a.step();
    b.step();
    c.step();
  }
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.hash(), c.hash());
}

}  // namespace
}  // namespace qd::risk::test
