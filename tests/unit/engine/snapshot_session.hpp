#pragma once
// A seeded random session for snapshot tests, through the real Exchange with the margin core on:
// two markets, makers quoting (sometimes through each other: self-trade prevention, an STP
// group), leveraged traders (market, IOC, resting), stop orders, replaces, cancels, GTD and Day
// expiries, oracle walks and shocks (liquidations, takeovers, ADL), clock ticks (funding),
// deposits, withdrawals and config commands (market parameters, account settings).

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/exchange.hpp"

namespace qd::test {

class SnapshotSession {
 public:
  static constexpr int64_t USDC = QUOTE_PRECISION;
  static constexpr TimestampNs T0 = 1'800'057'600'000'000'000;  // midnight UTC
  static constexpr TimestampNs SEC = 1'000'000'000;
  static constexpr size_t MARKETS = 2;
  static constexpr AccountId MAKERS = 4;     // 1..4 quote; 1 and 2 share STP group 7
  static constexpr AccountId ACCOUNTS = 20;  // 5..20 trade with leverage

  static ExchangeSpec spec() {
    ExchangeSpec s;
    const char* symbols[MARKETS] = {"BTC-PERP", "ETH-PERP"};
    for (size_t i = 0; i < MARKETS; ++i) {
      MarketSpec m;
      m.symbol = symbols[i];
      m.tick_size = Price(tick(MarketId(i)));
      m.lot_size = Qty(lot(MarketId(i)));
      m.min_size = m.lot_size;
      m.price_band_bps = 1000;
      m.day_end_offset_ns = 6 * 3600 * SEC;
      s.markets.push_back(m);
      s.risk.push_back(risk::MarketRiskParams{});
    }
    for (AccountId a = 1; a <= ACCOUNTS; ++a)
      s.accounts.push_back(AccountSpec{a, StpMode::cancel_resting, a <= 2 ? 7u : 0u, 40, true});
    return s;
  }

  explicit SnapshotSession(uint64_t seed) : rng_(seed) {
    oracle_[0] = 50'000 * PRICE_PRECISION;
    oracle_[1] = 3'000 * PRICE_PRECISION;
  }

  /// The opening commands (fund, accounts, first oracle readings), then one random command per
  /// call of next(): the caller stamps and applies them.
  CommandBody next(const Exchange& ex) {
    now_ += SEC;
    if (opening_ < ACCOUNTS + 1 + MARKETS) return opening(opening_++);
    if (now_ - last_publish_ >= 4 * SEC) return publish(MarketId(rng_() % MARKETS));
    const uint64_t r = rng_() % 100;
    const MarketId m = MarketId(rng_() % MARKETS);
    if (r < 26) return quote(m);
    if (r < 40) return trade(m);
    if (r < 46) return cancel_one(ex);
    if (r < 54) return replace_one(ex);
    if (r < 60) return stop(m);
    if (r < 62)
      return MassCancel{{AccountId(1 + rng_() % ACCOUNTS), 1},
                        MassCancelScope::account,
                        0,
                        {},
                        CancelReason::mass_cancel};
    if (r < 72) {
      oracle_[m] = move(oracle_[m], int64_t(rng_() % 121) - 60 + pull(m));
      return publish(m);
    }
    if (r < 75) return shock(m);
    if (r < 84) return ClockTick{};
    if (r < 88)
      return Withdraw{AccountId(1 + rng_() % ACCOUNTS), Quote(int64_t(1 + rng_() % 20'000) * USDC)};
    if (r < 92)
      return Deposit{AccountId(MAKERS + 1 + rng_() % (ACCOUNTS - MAKERS)),
                     Quote(int64_t(1 + rng_() % 10'000) * USDC)};
    if (r < 94) {
      // Accounts 3 and 4 move in and out of STP group 7 and change their default mode.
      const AccountId a = AccountId(3 + rng_() % 2);
      return UpdateAccount{a, StpMode(1 + rng_() % 4), rng_() % 2 ? 7u : 0u, 40, true};
    }
    if (r < 95) {
      MarketParams p = ex.market_params(m);
      p.taker_fee_ppm = 500 + int64_t(rng_() % 1000);
      p.price_band_bps = 800 + int64_t(rng_() % 400);
      return UpdateMarketParams{m, p};
    }
    return reduce_only_close(ex, m);
  }

  TimestampNs now() const { return now_; }

  /// Remembers live orders from a command's events (for cancels and replaces).
  void observe(const std::vector<Event>& events) {
    for (const Event& e : events) {
      if (const auto* a = std::get_if<OrderAccepted>(&e.body)) live_.push_back(a->order.order_id);
    }
    if (live_.size() > 4000) live_.erase(live_.begin(), live_.begin() + 2000);
  }

 private:
  static int64_t tick(MarketId m) { return m == 0 ? PRICE_PRECISION : PRICE_PRECISION / 100; }
  static int64_t lot(MarketId m) { return m == 0 ? QTY_PRECISION / 1000 : QTY_PRECISION / 100; }
  static int64_t move(int64_t price, int64_t bps) { return price + price * bps / 10'000; }
  int64_t on_tick(MarketId m, int64_t price) const {
    return std::max<int64_t>(1, price / tick(m)) * tick(m);
  }
  int64_t pull(MarketId m) const {
    const int64_t start = m == 0 ? 50'000 * PRICE_PRECISION : 3'000 * PRICE_PRECISION;
    return std::clamp<int64_t>((start - oracle_[m]) * 100 / start, -40, 40);
  }

  CommandBody opening(uint32_t i) {
    if (i == 0) return Deposit{risk::INSURANCE_FUND_ACCOUNT, Quote(8'000 * USDC)};
    if (i <= ACCOUNTS) {
      const int64_t amount = i <= MAKERS ? 5'000'000 : 5'000 + int64_t(rng_() % 60'000);
      return Deposit{AccountId(i), Quote(amount * USDC)};
    }
    return publish(MarketId(i - ACCOUNTS - 1));
  }

  CommandBody publish(MarketId m) {
    last_publish_ = now_;
    return SetOraclePrice{m, Price(oracle_[m]), Price(0), now_, rng_() % 20 == 0};
  }

  NewOrder order(AccountId a, MarketId m, Side side, int64_t lots) {
    NewOrder o;
    o.origin = {a, 1};
    o.market = m;
    o.client_id.assign("c" + std::to_string(++client_seq_));
    o.side = side;
    o.qty = Qty(lots * lot(m));
    return o;
  }

  // Makers rest both sides around the oracle, sometimes through the other side (STP, trades).
  CommandBody quote(MarketId m) {
    const AccountId a = AccountId(1 + rng_() % MAKERS);
    const Side side = rng_() % 2 ? Side::buy : Side::sell;
    const int64_t away = int64_t(rng_() % 165) - 20;
    NewOrder o = order(a, m, side, 100 + int64_t(rng_() % 4000));
    o.price = Price(on_tick(m, move(oracle_[m], side == Side::buy ? -away : away)));
    const uint64_t tif = rng_() % 10;
    if (tif == 0) {
      o.tif = TimeInForce::gtd;
      o.expire_time = now_ + int64_t(10 + rng_() % 600) * SEC;
    } else if (tif == 1) {
      o.tif = TimeInForce::day;
    }
    if (rng_() % 8 == 0) {
      o.has_stp_override = true;
      o.stp = StpMode(rng_() % 5);
    }
    return o;
  }

  CommandBody trade(MarketId m) {
    const AccountId a = AccountId(MAKERS + 1 + rng_() % (ACCOUNTS - MAKERS));
    const Side side = rng_() % 3 == 0 ? Side::sell : Side::buy;
    NewOrder o = order(a, m, side, 10 + int64_t(rng_() % 12'000));
    const uint64_t kind = rng_() % 4;
    if (kind == 0) {
      o.type = OrderType::market;
      o.tif = TimeInForce::ioc;
    } else {
      o.tif = kind == 1 ? TimeInForce::gtc : TimeInForce::ioc;
      const int64_t through = int64_t(rng_() % 200) - 50;
      o.price = Price(on_tick(m, move(oracle_[m], side == Side::buy ? through : -through)));
    }
    return o;
  }

  CommandBody stop(MarketId m) {
    const AccountId a = AccountId(1 + rng_() % ACCOUNTS);
    const Side side = rng_() % 2 ? Side::buy : Side::sell;
    NewOrder o = order(a, m, side, 10 + int64_t(rng_() % 2000));
    // A buy stop above the market, a sell stop below: 0.1% to 3% away.
    const int64_t away = 10 + int64_t(rng_() % 290);
    o.stop_price = Price(on_tick(m, move(oracle_[m], side == Side::buy ? away : -away)));
    if (rng_() % 2) {
      o.type = OrderType::stop_market;
    } else {
      o.type = OrderType::stop_limit;
      o.price = Price(on_tick(m, move(o.stop_price.raw, side == Side::buy ? 50 : -50)));
    }
    return o;
  }

  const OrderRecord* pick_live(const Exchange& ex) {
    for (int tries = 0; tries < 8 && !live_.empty(); ++tries) {
      const size_t i = rng_() % live_.size();
      if (const OrderRecord* r = ex.order(live_[i])) return r;
      live_[i] = live_.back();
      live_.pop_back();
    }
    return nullptr;
  }

  CommandBody cancel_one(const Exchange& ex) {
    const OrderRecord* r = pick_live(ex);
    if (r == nullptr) return ClockTick{};
    CancelOrder c;
    c.origin = r->state.origin;
    c.market = r->state.market;
    if (rng_() % 2)
      c.ref.order_id = r->state.order_id;
    else
      c.ref.orig_client_id = r->state.client_id;
    c.client_id.assign("x" + std::to_string(++client_seq_));
    return c;
  }

  CommandBody replace_one(const Exchange& ex) {
    const OrderRecord* r = pick_live(ex);
    if (r == nullptr) return ClockTick{};
    const OrderState& s = r->state;
    ReplaceOrder c;
    c.origin = s.origin;
    c.market = s.market;
    c.ref.order_id = s.order_id;
    c.client_id.assign("r" + std::to_string(++client_seq_));
    c.side = s.side;
    const uint64_t what = rng_() % 3;
    const int64_t step = tick(s.market) * (int64_t(rng_() % 21) - 10);
    c.price = Price(std::max<int64_t>(tick(s.market), s.price.raw + (what == 1 ? 0 : step)));
    c.stop_price = s.stop_price;
    // Smaller keeps priority, larger loses it; never below what already filled.
    const int64_t lots = int64_t(s.order_qty.raw / lot(s.market));
    const int64_t new_lots = std::max<int64_t>(1, lots + int64_t(rng_() % 7) - 4);
    c.qty = Qty(std::max<int64_t>(new_lots * lot(s.market), s.cum_qty.raw + lot(s.market)));
    return c;
  }

  CommandBody shock(MarketId m) {
    const int64_t size = 300 + int64_t(rng_() % 2700);
    const bool down = oracle_[m] * 5 >= (m == 0 ? 50'000 : 3'000) * PRICE_PRECISION * 4;
    oracle_[m] = move(oracle_[m], down ? -size : size);
    return publish(m);
  }

  CommandBody reduce_only_close(const Exchange& ex, MarketId m) {
    const AccountId a = AccountId(MAKERS + 1 + rng_() % (ACCOUNTS - MAKERS));
    const risk::Account* acc = ex.risk()->account(a);
    const risk::AccountMarket* am = acc ? acc->find(m) : nullptr;
    if (am == nullptr || !am->position.is_open()) return ClockTick{};
    NewOrder o =
        order(a, m, am->position.is_long() ? Side::sell : Side::buy, 1 + int64_t(rng_() % 2000));
    o.type = OrderType::market;
    o.reduce_only = true;
    return o;
  }

  std::mt19937_64 rng_;
  int64_t oracle_[MARKETS];
  TimestampNs now_ = T0;
  TimestampNs last_publish_ = 0;
  uint32_t opening_ = 0;
  uint64_t client_seq_ = 0;
  std::vector<OrderId> live_;
};

}  // namespace qd::test
