#include "app/risk_sim/scenario_runner.hpp"

#include <algorithm>

#include "app/config/config_document.hpp"
#include "app/risk_sim/timeline.hpp"
#include "core/decimal.hpp"
#include "risk/account.hpp"

namespace qd::risk_sim {

namespace {

/// A step that cannot be carried out as written.
struct RunError {
  SourceLoc loc;
  std::string message;
};

constexpr SessionId SIM_SESSION = 1;  // orders enter as a client session would

/// price x (1 + bps / 1e4), rounded down, at least 1e-6.
Price scaled(Price p, int64_t bps) {
  const __int128 v = static_cast<__int128>(p.raw) * (BPS_PRECISION + bps) / BPS_PRECISION;
  return Price(std::max<int64_t>(1, static_cast<int64_t>(v)));
}

/// On the market's tick grid: buys round down, sells up (never through the intended price).
Price on_grid(Price p, Price tick, Side side) {
  int64_t t = p.raw / tick.raw;
  if (side == Side::sell && p.raw % tick.raw != 0) ++t;
  return Price(std::max<int64_t>(1, t) * tick.raw);
}

std::string signed_pct(int64_t bps) {
  return (bps > 0 ? "+" : "") + format_decimal(bps, 2);
}

NewOrder new_order(AccountId account, MarketId market, Side side, Price price, Qty qty,
                   TimeInForce tif, const std::string& id) {
  NewOrder o;
  o.origin = {account, SIM_SESSION};
  o.market = market;
  o.client_id.assign(id);
  o.side = side;
  o.tif = tif;
  o.price = price;
  o.qty = qty;
  return o;
}

OrderId accepted_id(const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (const auto* a = std::get_if<OrderAccepted>(&e.body)) return a->order.order_id;
  }
  return 0;
}

class Runner {
 public:
  explicit Runner(const Scenario& s) : s_(s) {}

  Json run(RunResult& result) {
    Timeline main(s_);
    opening(main);
    Json snapshots = Json::array();
    Json stress = Json::array();
    try {
      for (const Step& step : s_.steps) {
        main.set_step(step.index);
        main.move_to(step.at);
        if (const auto* snap = std::get_if<SnapshotStep>(&step.action)) {
          Json j;
          j["label"] = snap->label;
          j["step"] = step.index;
          j["state"] = main.state();
          snapshots.push_back(std::move(j));
        } else if (const auto* st = std::get_if<StressStep>(&step.action)) {
          stress.push_back(run_stress(main, step, *st, result));
        } else {
          apply(main, step);
        }
      }
    } catch (const RunError& e) {
      result.errors.push_back(make_error(e.loc, e.message));
    }
    result.violations.insert(result.violations.begin(), main.violations().begin(),
                             main.violations().end());
    Json out;
    out["scenario"] = s_.name;
    out["description"] = s_.description;
    out["markets"] = markets_json(s_);
    out["events"] = main.events();
    out["snapshots"] = snapshots;
    out["stress"] = stress;
    out["final"] = main.state();
    out["summary"] = main.tally().to_json(s_);
    if (result.violations.empty()) {
      out["invariants"] = "ok";
    } else {
      out["invariants"] = result.violations;
    }
    return out;
  }

 private:
  // Scenario time 0: the fund's seed, the deposits, every market's first oracle reading.
  void opening(Timeline& t) {
    t.set_step(0);
    if (s_.insurance_fund.raw > 0)
      t.submit(Deposit{risk::INSURANCE_FUND_ACCOUNT, s_.insurance_fund});
    for (const AccountDef& a : s_.accounts) {
      if (a.deposit.raw > 0) t.submit(Deposit{a.id, a.deposit});
    }
    for (const MarketDef& m : s_.markets)
      t.submit(SetOraclePrice{m.spec.id, m.oracle, Price(0), t.now(), false});
  }

  void apply(Timeline& t, const Step& step) {
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, DepositStep>) {
            t.submit(Deposit{a.account, a.amount});
          } else if constexpr (std::is_same_v<T, WithdrawStep>) {
            t.submit(Withdraw{a.account, a.amount});
          } else if constexpr (std::is_same_v<T, OrderStep>) {
            order(t, a);
          } else if constexpr (std::is_same_v<T, CancelStep>) {
            CancelOrder c;
            c.origin = {a.account, SIM_SESSION};
            c.market = a.market;
            c.ref.orig_client_id.assign(a.id);
            c.client_id.assign("x" + std::to_string(step.index));
            t.submit(c);
          } else if constexpr (std::is_same_v<T, CancelAllStep>) {
            MassCancel c;
            c.origin = {a.account, SIM_SESSION};
            c.scope = a.market ? MassCancelScope::account_market : MassCancelScope::account;
            c.market = a.market.value_or(0);
            c.client_id.assign("x" + std::to_string(step.index));
            t.submit(c);
          } else if constexpr (std::is_same_v<T, FillStep>) {
            fill(t, step, a);
          } else if constexpr (std::is_same_v<T, OracleStep>) {
            t.submit(SetOraclePrice{a.market, a.price, a.confidence, t.now(), false});
          } else if constexpr (std::is_same_v<T, ShockStep>) {
            for (MarketId m : a.markets)
              t.submit(SetOraclePrice{m, scaled(t.oracle(m), a.pct_bps), Price(0), t.now(), false});
          } else if constexpr (std::is_same_v<T, TickStep>) {
            t.submit(ClockTick{});
          } else if constexpr (std::is_same_v<T, AdvanceStep>) {
            advance(t, a.to, a.every);
          }
        },
        step.action);
  }

  void order(Timeline& t, const OrderStep& o) {
    Price price = o.price;
    if (o.oracle_offset_bps) {
      price = on_grid(scaled(t.oracle(o.market), *o.oracle_offset_bps),
                      s_.markets[o.market].spec.tick_size, o.side);
    }
    NewOrder n = new_order(o.account, o.market, o.side, price, o.qty, o.tif, o.id);
    n.type = o.type;
    n.reduce_only = o.reduce_only;
    n.post_only = o.post_only;
    t.submit(n);
  }

  // The maker's post-only limit rests alone at its price, then the taker's IOC crosses it there.
  void fill(Timeline& t, const Step& step, const FillStep& f) {
    const Side maker_side = opposite(f.taker);
    const AccountId maker = maker_side == Side::sell ? f.seller : f.buyer;
    const AccountId taker = maker_side == Side::sell ? f.buyer : f.seller;
    const Price tick = s_.markets[f.market].spec.tick_size;
    const OrderBook& book = t.exchange().book(f.market);
    const Ticks at = f.price.raw / tick.raw;
    const auto same = maker_side == Side::sell ? book.best_ask() : book.best_bid();
    const auto other = maker_side == Side::sell ? book.best_bid() : book.best_ask();
    auto px = [&](Ticks k) { return to_string(Price(k * tick.raw)); };
    if (same && (maker_side == Side::sell ? *same <= at : *same >= at)) {
      throw RunError{step.loc, "steps[" + std::to_string(step.index - 1) + "].fill: the book " +
                                   "already has " + (maker_side == Side::sell ? "asks" : "bids") +
                                   " at or better than " + to_string(f.price) + " (best " +
                                   px(*same) + "), which the taker would meet first; a direct " +
                                   "fill must be the only liquidity at its price"};
    }
    if (other && (maker_side == Side::sell ? *other >= at : *other <= at)) {
      throw RunError{step.loc, "steps[" + std::to_string(step.index - 1) + "].fill: the maker's " +
                                   "order at " + to_string(f.price) + " would trade with the " +
                                   (maker_side == Side::sell ? "bid" : "ask") + " at " +
                                   px(*other) + " already on the book; cancel it or fill at " +
                                   "another price"};
    }
    const std::string id = "f" + std::to_string(step.index);
    NewOrder m =
        new_order(maker, f.market, maker_side, f.price, f.qty, TimeInForce::gtc, id + "-maker");
    m.post_only = true;
    const OrderId maker_id = accepted_id(t.submit(m));
    if (maker_id == 0) return;  // refused (margin, band...): the report shows why
    t.submit(new_order(taker, f.market, f.taker, f.price, f.qty, TimeInForce::ioc, id + "-taker"));
    if (const OrderRecord* r = t.exchange().order(maker_id); r && r->resting) {
      // The taker was refused or filled only part: take the maker's rest off the book.
      CancelOrder c;
      c.origin = {maker, SIM_SESSION};
      c.market = f.market;
      c.ref.order_id = maker_id;
      c.client_id.assign(id + "-cancel");
      t.submit(c);
    }
  }

  // Ticks at every multiple of `every` after the current time (a clock ticking at fixed times),
  // and at `to`.
  static void advance(Timeline& t, TimestampNs to, TimestampNs every) {
    TimestampNs at = t.now() - SCENARIO_EPOCH;
    while (at < to) {
      at = std::min(to, (at / every + 1) * every);
      t.move_to(at);
      t.submit(ClockTick{});
    }
  }

  static Json fund_json(const Timeline& t) {
    const risk::RiskEngine& risk = *t.exchange().risk();
    const risk::MarginResult mr = risk.margin(risk::INSURANCE_FUND_ACCOUNT);
    Json j;
    j["balance"] = to_string(risk.insurance_fund().account.collateral);
    j["equity"] =
        mr.status == risk::RiskStatus::ok ? Json(to_string(mr.margin.equity)) : Json(nullptr);
    return j;
  }

  // One branch per shock from the main line's state; the main line itself is left untouched.
  Json run_stress(const Timeline& main, const Step& step, const StressStep& st, RunResult& result) {
    Json results = Json::array();
    for (int64_t bps : st.shocks_bps) {
      Timeline b(s_);
      b.replay(main.log());
      b.set_step(step.index);
      const TimestampNs start = b.now() - SCENARIO_EPOCH;
      if (st.cancel_orders) {
        for (MarketId m : st.markets) {
          MassCancel c;
          c.origin = {0, 0};  // the venue
          c.scope = MassCancelScope::market;
          c.market = m;
          c.client_id.assign("stress-cancel");
          c.reason = CancelReason::admin;
          b.submit(c);
        }
      }
      std::vector<Price> shocked;
      for (MarketId m : st.markets) shocked.push_back(scaled(b.oracle(m), bps));
      if (st.liquidity_account) {
        // Makers quote around the new price on the side liquidations will need.
        for (size_t i = 0; i < st.levels.size(); ++i) {
          const LiquidityLevel& l = st.levels[i];
          if (bps == 0 || (l.offset_bps < 0) != (bps < 0)) continue;
          const Side side = l.offset_bps < 0 ? Side::buy : Side::sell;
          for (size_t k = 0; k < st.markets.size(); ++k) {
            const MarketId m = st.markets[k];
            const MarketSpec& spec = s_.markets[m].spec;
            const Price p = on_grid(scaled(shocked[k], l.offset_bps), spec.tick_size, side);
            // The level's notional at its price, rounded down to the lot.
            const __int128 base = static_cast<__int128>(l.notional.raw) * QTY_PRECISION / p.raw;
            const Qty qty(static_cast<int64_t>(base / spec.lot_size.raw * spec.lot_size.raw));
            if (qty.raw <= 0) continue;
            b.submit(new_order(*st.liquidity_account, m, side, p, qty, TimeInForce::gtc,
                               "stress-" + std::to_string(i + 1) + "-" + spec.symbol));
          }
        }
      }
      const Json before = fund_json(b);
      for (size_t k = 0; k < st.markets.size(); ++k)
        b.submit(SetOraclePrice{st.markets[k], shocked[k], Price(0), b.now(), false});
      if (st.hold > 0) advance(b, start + st.hold, st.every);

      Json j;
      j["shock_pct"] = signed_pct(bps);
      Json oracles = Json::array();
      for (size_t k = 0; k < st.markets.size(); ++k) {
        Json o;
        o["market"] = s_.markets[st.markets[k]].spec.symbol;
        o["before"] = to_string(main.oracle(st.markets[k]));
        o["after"] = to_string(shocked[k]);
        oracles.push_back(o);
      }
      j["oracles"] = oracles;
      j["held_s"] = format_decimal(st.hold, 9);
      j["summary"] = b.tally().to_json(s_);
      Json fund;
      fund["before"] = before;
      fund["after"] = fund_json(b);
      j["insurance_fund"] = fund;
      // The fund alone absorbed the losses: no one was deleveraged and nothing was socialized.
      j["fund_covered_losses"] = b.tally().adl_fills == 0 && b.tally().socialized.raw == 0;
      j["events"] = b.events();
      j["final"] = b.state();
      results.push_back(std::move(j));
      result.violations.insert(result.violations.end(), b.violations().begin(),
                               b.violations().end());
    }
    Json out;
    out["step"] = step.index;
    out["t"] = scenario_time(main.now());
    Json markets = Json::array();
    for (MarketId m : st.markets) markets.push_back(s_.markets[m].spec.symbol);
    out["markets"] = markets;
    out["results"] = results;
    return out;
  }

  const Scenario& s_;
};

}  // namespace

RunResult run_scenario(const Scenario& s) {
  RunResult result;
  Runner runner(s);
  result.report = runner.run(result);
  return result;
}

}  // namespace qd::risk_sim
