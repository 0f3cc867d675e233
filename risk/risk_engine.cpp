// RiskEngine: setup, collateral, the pre-trade check, order exposure and fills. Prices and
// funding are in risk_engine_prices.cpp, liquidation in risk_engine_liquidation.cpp, the state
// hash and invariants in risk_engine_audit.cpp.
#include "risk/risk_engine.hpp"

#include "core/decimal.hpp"
#include "risk/liquidation_math.hpp"
#include "risk/margin_math.hpp"
#include "risk/position_math.hpp"

namespace qd::risk {

namespace {

std::string usdc(Quote q) {
  return qd::to_string(q) + " USDC";
}

Qty abs_qty(Qty q) {
  return Qty(q.raw < 0 ? -q.raw : q.raw);
}

}  // namespace

// --- lookups

Account* RiskEngine::find_account(AccountId id) {
  if (id == INSURANCE_FUND_ACCOUNT) return &insurance_.account;
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}
const Account* RiskEngine::find_account(AccountId id) const {
  if (id == INSURANCE_FUND_ACCOUNT) return &insurance_.account;
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}
MarketState* RiskEngine::find_market(MarketId id) {
  auto it = markets_.find(id);
  return it == markets_.end() ? nullptr : &it->second;
}
const MarketState* RiskEngine::find_market(MarketId id) const {
  auto it = markets_.find(id);
  return it == markets_.end() ? nullptr : &it->second;
}
const Account* RiskEngine::account(AccountId id) const {
  return find_account(id);
}
const MarketState* RiskEngine::market(MarketId id) const {
  return find_market(id);
}

std::optional<Quote> RiskEngine::impact_notional(MarketId id) const {
  const MarketState* m = find_market(id);
  if (!m) return std::nullopt;
  return risk::impact_notional(m->params.funding.impact_margin_notional,
                               m->params.initial_margin_bps);
}

// --- setup

RiskStatus RiskEngine::add_market(const MarketSpec& spec, const MarketRiskParams& params) {
  if (markets_.count(spec.id) != 0) return RiskStatus::duplicate;
  if (validate(params) != nullptr || spec.tick_size.raw <= 0 || spec.lot_size.raw <= 0) {
    return RiskStatus::invalid_params;
  }
  MarketState m;
  m.spec = spec;
  m.params = params;
  markets_.emplace(spec.id, std::move(m));
  return RiskStatus::ok;
}

RiskStatus RiskEngine::set_market_params(MarketId id, const MarketRiskParams& params) {
  MarketState* m = find_market(id);
  if (m == nullptr) return RiskStatus::unknown_market;
  if (validate(params) != nullptr) return RiskStatus::invalid_params;
  m->params = params;
  return RiskStatus::ok;
}

RiskStatus RiskEngine::add_account(AccountId id) {
  if (id == INSURANCE_FUND_ACCOUNT) return RiskStatus::invalid_params;
  if (accounts_.count(id) != 0) return RiskStatus::duplicate;
  Account a;
  a.id = id;
  accounts_.emplace(id, std::move(a));
  return RiskStatus::ok;
}

RiskStatus RiskEngine::seed_insurance_fund(Quote amount) {
  if (amount.raw <= 0) return RiskStatus::invalid_quantity;
  auto bal = to_fixed<Quote>(Wide(insurance_.account.collateral) + Wide(amount));
  auto seeded = to_fixed<Quote>(Wide(insurance_.seeded) + Wide(amount));
  if (!bal || !seeded) return RiskStatus::overflow;
  insurance_.account.collateral = *bal;
  insurance_.seeded = *seeded;
  return RiskStatus::ok;
}

// --- margin

MarginResult RiskEngine::margin_of(const Account& a, const OrderDelta* extra) const {
  MarginResult r;
  Wide pnl = 0, pnl_i = 0, im = 0, mm = 0, mm_pos = 0, buffer = 0, notional = 0;
  auto add = [&](MarketId id, const Position& pos, const OrderExposure& orders) -> RiskStatus {
    if (!pos.is_open() && orders.empty()) return RiskStatus::ok;
    const MarketState* m = find_market(id);
    if (m == nullptr) return RiskStatus::unknown_market;
    if (!m->has_mark) return RiskStatus::no_mark;
    const MarketRiskParams& p = m->params;
    PositionMarginInput in{pos,
                           orders.bids,
                           orders.asks,
                           m->mark,
                           p.initial_margin_bps,
                           p.maintenance_margin_bps,
                           p.imf_factor_ppm,
                           p.gain_weight_bps,
                           m->long_open_interest,
                           p.oi_ramp_lower,
                           p.oi_ramp_upper};
    auto pm = position_margin(in);
    if (!pm) return RiskStatus::overflow;
    auto buf = liquidation_buffer(pm->notional, p.liquidation_buffer_bps);
    if (!buf) return RiskStatus::overflow;
    pnl = pnl + Wide(pm->pnl);
    pnl_i = pnl_i + Wide(pm->pnl_initial);
    im = im + Wide(pm->initial_requirement);
    mm = mm + Wide(pm->maintenance_requirement);
    mm_pos = mm_pos + Wide(pm->maintenance_positions_only);
    notional = notional + Wide(pm->notional);
    buffer = buffer + Wide(*buf);
    return RiskStatus::ok;
  };
  auto with_extra = [&](MarketId id, OrderExposure orders) -> std::optional<OrderExposure> {
    if (extra == nullptr || extra->market != id) return orders;
    Qty& side = extra->side == Side::buy ? orders.bids : orders.asks;
    auto q = to_fixed<Qty>(Wide(side) + Wide(extra->qty));
    if (!q) return std::nullopt;
    side = *q;
    return orders;
  };
  bool extra_seen = false;
  for (const auto& [id, am] : a.markets) {
    auto orders = with_extra(id, am.orders);
    if (!orders) return {RiskStatus::overflow, {}};
    if (extra != nullptr && extra->market == id) extra_seen = true;
    RiskStatus s = add(id, am.position, *orders);
    if (s != RiskStatus::ok) return {s, {}};
  }
  if (extra != nullptr && !extra_seen) {
    auto orders = with_extra(extra->market, OrderExposure{});
    if (!orders) return {RiskStatus::overflow, {}};
    RiskStatus s = add(extra->market, Position{}, *orders);
    if (s != RiskStatus::ok) return {s, {}};
  }
  AccountMargin& out = r.margin;
  out.collateral = a.collateral;
  auto v_pnl = to_fixed<Quote>(pnl);
  auto v_eq = to_fixed<Quote>(Wide(a.collateral) + pnl);
  auto v_eqi = to_fixed<Quote>(Wide(a.collateral) + pnl_i);
  auto v_im = to_fixed<Quote>(im);
  auto v_mm = to_fixed<Quote>(mm);
  auto v_mmp = to_fixed<Quote>(mm_pos);
  auto v_buf = to_fixed<Quote>(buffer);
  auto v_not = to_fixed<Quote>(notional);
  auto v_free = to_fixed<Quote>(Wide(a.collateral) + pnl_i - im);
  if (!v_pnl || !v_eq || !v_eqi || !v_im || !v_mm || !v_mmp || !v_buf || !v_not || !v_free) {
    return {RiskStatus::overflow, {}};
  }
  out.pnl = *v_pnl;
  out.equity = *v_eq;
  out.equity_initial = *v_eqi;
  out.initial_requirement = *v_im;
  out.maintenance_requirement = *v_mm;
  out.maintenance_positions_only = *v_mmp;
  out.liquidation_buffer = *v_buf;
  out.position_notional = *v_not;
  out.free_collateral = *v_free;
  return r;
}

MarginResult RiskEngine::margin(AccountId id, const OrderDelta* extra) const {
  const Account* a = find_account(id);
  if (a == nullptr) return {RiskStatus::unknown_account, {}};
  return margin_of(*a, extra);
}

// --- collateral

CollateralResult RiskEngine::deposit(AccountId id, Quote amount) {
  CollateralResult r;
  r.account = id;
  r.amount = amount;
  Account* a = id == INSURANCE_FUND_ACCOUNT ? nullptr : find_account(id);
  if (a == nullptr) {
    r.reason = RejectReason::unknown_account;
    r.text = "unknown account";
    return r;
  }
  if (amount.raw <= 0) {
    r.reason = RejectReason::invalid_quantity;
    r.text = "deposit must be positive";
    return r;
  }
  auto c = to_fixed<Quote>(Wide(a->collateral) + Wide(amount));
  auto d = to_fixed<Quote>(Wide(ledger_.deposits) + Wide(amount));
  if (!c || !d) {
    r.reason = RejectReason::invalid_quantity;
    r.text = "deposit too large";
    return r;
  }
  a->collateral = *c;
  ledger_.deposits = *d;
  r.collateral_after = *c;
  r.free_collateral_after = *c;
  return r;
}

CollateralResult RiskEngine::withdraw(AccountId id, Quote amount, TimestampNs now) {
  CollateralResult r;
  r.account = id;
  r.amount = amount;
  Account* a = id == INSURANCE_FUND_ACCOUNT ? nullptr : find_account(id);
  if (a == nullptr) {
    r.reason = RejectReason::unknown_account;
    r.text = "unknown account";
    return r;
  }
  r.collateral_after = a->collateral;
  if (amount.raw <= 0) {
    r.reason = RejectReason::invalid_quantity;
    r.text = "withdrawal must be positive";
    return r;
  }
  if (amount > a->collateral) {
    r.reason = RejectReason::insufficient_collateral;
    r.text = "withdrawal " + usdc(amount) + " above collateral " + usdc(a->collateral);
    return r;
  }
  Quote free_after = a->collateral - amount;
  if (a->has_open_positions() || a->has_resting_orders()) {
    for (const auto& [mid, am] : a->markets) {
      if (!am.position.is_open() && am.orders.empty()) continue;
      const MarketState* m = find_market(mid);
      OracleValidity v = m != nullptr ? m->validity(now) : OracleValidity::missing;
      if (oracle_blocks(v, OracleAction::withdraw)) {
        r.reason = RejectReason::oracle_invalid;
        r.text = std::string("oracle ") + to_string(v) + " for market " + std::to_string(mid) +
                 ": withdrawals blocked while positions are open";
        return r;
      }
    }
    MarginResult mr = margin_of(*a, nullptr);
    if (mr.status != RiskStatus::ok) {
      r.reason = RejectReason::oracle_invalid;
      r.text = std::string("cannot value the account: ") + to_string(mr.status);
      return r;
    }
    free_after = mr.margin.free_collateral - amount;
    if (free_after.raw < 0) {
      r.reason = RejectReason::withdrawal_exceeds_free_collateral;
      r.text = "withdrawal " + usdc(amount) + " above free collateral " +
               usdc(mr.margin.free_collateral) + " (initial requirement " +
               usdc(mr.margin.initial_requirement) + ")";
      return r;
    }
  }
  a->collateral -= amount;
  ledger_.withdrawals += amount;
  r.collateral_after = a->collateral;
  r.free_collateral_after = free_after;
  return r;
}

// --- the pre-trade check

OrderCheck RiskEngine::check_order(AccountId id, MarketId mid, Side side, Price price, Qty qty,
                                   bool reduce_only, TimestampNs now) const {
  OrderCheck c;
  c.qty = qty;
  auto reject = [&c](RejectReason reason, std::string text) {
    c.reason = reason;
    c.text = std::move(text);
    return c;
  };
  const Account* a = find_account(id);  // the fund may trade too, to unwind what it took over
  if (a == nullptr) return reject(RejectReason::unknown_account, "unknown account");
  const MarketState* m = find_market(mid);
  if (m == nullptr) return reject(RejectReason::unknown_market, "unknown market");
  if (qty.raw <= 0) return reject(RejectReason::invalid_quantity, "quantity must be positive");
  if (price.raw <= 0) return reject(RejectReason::invalid_price, "price must be positive");

  const AccountMarket* am = a->find(mid);
  const Position pos = am != nullptr ? am->position : Position{};
  const OrderExposure orders = am != nullptr ? am->orders : OrderExposure{};
  const char* side_name = side == Side::buy ? "buy" : "sell";

  if (reduce_only) {
    const bool grows = pos.base.raw == 0 || (pos.base.raw > 0) == (side == Side::buy);
    if (grows) {
      return reject(RejectReason::reduce_only_would_increase,
                    std::string("reduce-only ") + side_name + " " + qd::to_string(qty) +
                        " with position " + qd::to_string(pos.base));
    }
    const Qty held = abs_qty(pos.base);
    if (qty > held) {
      c.qty = held;
      c.resized = true;
      c.text = "reduce-only order resized from " + qd::to_string(qty) + " to the position " +
               qd::to_string(held);
    }
    return c;
  }

  OrderExposure after = orders;
  Qty& grown = side == Side::buy ? after.bids : after.asks;
  auto grown_qty = to_fixed<Qty>(Wide(grown) + Wide(qty));
  if (!grown_qty) return reject(RejectReason::invalid_quantity, "quantity too large");
  grown = *grown_qty;
  auto wc_before = worst_case_base(pos.base, orders.bids, orders.asks);
  auto wc_after = worst_case_base(pos.base, after.bids, after.asks);
  if (!wc_before || !wc_after) return reject(RejectReason::invalid_quantity, "quantity too large");
  c.risk_increasing = *wc_after > *wc_before;
  if (!c.risk_increasing) return c;  // only reduces: always allowed

  const OracleValidity v = m->validity(now);
  if (oracle_blocks(v, OracleAction::increase_risk) || !m->has_mark) {
    return reject(RejectReason::oracle_invalid,
                  std::string("oracle ") + to_string(v) + ": risk-increasing orders blocked");
  }
  const MarketRiskParams& p = m->params;
  if (p.max_position.raw > 0 && *wc_after > p.max_position) {
    return reject(RejectReason::max_position_exceeded,
                  "worst-case position " + qd::to_string(*wc_after) + " above the maximum " +
                      qd::to_string(p.max_position));
  }
  if (p.open_interest_cap.raw > 0) {
    // This account's growth on the order's side of open interest if the order fills.
    Wide before_side = side == Side::buy ? wmax(Wide(pos.base), 0) : wmax(-Wide(pos.base), 0);
    Wide end = side == Side::buy ? Wide(pos.base) + Wide(qty) : Wide(qty) - Wide(pos.base);
    Wide growth = wmax(wmax(end, 0) - before_side, 0);
    Wide oi_after = Wide(m->long_open_interest) + growth;
    if (!oi_after.ok() || oi_after.value() > p.open_interest_cap.raw) {
      return reject(RejectReason::open_interest_cap_exceeded,
                    "open interest " + qd::to_string(m->long_open_interest) + " + " +
                        qd::to_string(Qty(to_i64_saturating(growth, 0))) + " above the cap " +
                        qd::to_string(p.open_interest_cap));
    }
  }

  MarginResult before = margin_of(*a, nullptr);
  OrderDelta delta{mid, side, qty};
  MarginResult with_order = margin_of(*a, &delta);
  if (before.status != RiskStatus::ok || with_order.status != RiskStatus::ok) {
    const RiskStatus s = before.status != RiskStatus::ok ? before.status : with_order.status;
    return reject(
        s == RiskStatus::overflow ? RejectReason::invalid_quantity : RejectReason::oracle_invalid,
        std::string("cannot value the account: ") + to_string(s));
  }
  // Filling at a price worse than the mark loses the difference at once; the taker fee too.
  const Wide gap = side == Side::buy ? Wide(price) - Wide(m->mark) : Wide(m->mark) - Wide(price);
  const Wide order_loss = div_ceil(wmax(gap, 0) * Wide(qty), QTY_PRECISION);
  Wide fee = 0;
  if (p.taker_fee_ppm > 0) {
    auto n = fill_notional(side, price, qty);
    auto f = n ? trading_fee(*n, p.taker_fee_ppm) : std::nullopt;
    if (!f) return reject(RejectReason::invalid_quantity, "quantity too large");
    fee = Wide(*f);
  }
  auto free_after = to_fixed<Quote>(Wide(with_order.margin.free_collateral) - order_loss - fee);
  if (!free_after) return reject(RejectReason::invalid_quantity, "quantity too large");
  c.free_collateral_before = before.margin.free_collateral;
  c.free_collateral_after = *free_after;
  c.initial_requirement_after = with_order.margin.initial_requirement;
  if (free_after->raw < 0) {
    return reject(RejectReason::insufficient_margin,
                  "free collateral " + usdc(c.free_collateral_before) + " before, " +
                      usdc(*free_after) + " after; initial requirement " +
                      usdc(c.initial_requirement_after) + ", equity " +
                      usdc(with_order.margin.equity_initial));
  }
  return c;
}

// --- order exposure hooks

namespace {

RiskStatus adjust_exposure(Account* a, MarketId mid, bool market_known, Side side, Qty qty,
                           int sign) {
  if (a == nullptr) return RiskStatus::unknown_account;
  if (!market_known) return RiskStatus::unknown_market;
  if (qty.raw <= 0) return RiskStatus::invalid_quantity;
  auto it = a->markets.find(mid);
  if (sign < 0) {
    if (it == a->markets.end()) return RiskStatus::exposure_underflow;
    Qty& q = side == Side::buy ? it->second.orders.bids : it->second.orders.asks;
    if (q < qty) return RiskStatus::exposure_underflow;
    q -= qty;
    return RiskStatus::ok;
  }
  AccountMarket& am = a->markets[mid];
  Qty& q = side == Side::buy ? am.orders.bids : am.orders.asks;
  auto sum = to_fixed<Qty>(Wide(q) + Wide(qty));
  if (!sum) return RiskStatus::overflow;
  q = *sum;
  return RiskStatus::ok;
}

}  // namespace

RiskStatus RiskEngine::on_order_rested(AccountId id, MarketId mid, Side side, Qty qty) {
  return adjust_exposure(find_account(id), mid, find_market(mid) != nullptr, side, qty, +1);
}
RiskStatus RiskEngine::on_order_reduced(AccountId id, MarketId mid, Side side, Qty qty) {
  return adjust_exposure(find_account(id), mid, find_market(mid) != nullptr, side, qty, -1);
}
RiskStatus RiskEngine::on_order_removed(AccountId id, MarketId mid, Side side, Qty qty) {
  return adjust_exposure(find_account(id), mid, find_market(mid) != nullptr, side, qty, -1);
}

// --- fills

FillResult RiskEngine::apply_side(Account& a, MarketState& m, MarketId mid, Side side, Price price,
                                  Qty qty, Liquidity liquidity, bool liquidation,
                                  bool charge_fees) {
  FillResult r;
  r.account = a.id;
  r.market = mid;
  r.side = side;
  r.price = price;
  r.qty = qty;
  r.liquidity = liquidity;
  r.liquidation = liquidation;
  auto fail = [&r](RiskStatus s) {
    r.status = s;
    return r;
  };

  const AccountMarket* found = a.find(mid);
  AccountMarket next = found != nullptr ? *found : AccountMarket{};
  const MarketRiskParams& p = m.params;
  if (liquidity == Liquidity::maker) {
    Qty& resting = side == Side::buy ? next.orders.bids : next.orders.asks;
    if (resting < qty) return fail(RiskStatus::exposure_underflow);
    resting -= qty;
  }
  auto notional = fill_notional(side, price, qty);
  if (!notional) return fail(RiskStatus::overflow);
  std::optional<Quote> fee = Quote(0);
  if (charge_fees && !liquidation) {
    fee = trading_fee(*notional, liquidity == Liquidity::maker ? p.maker_fee_ppm : p.taker_fee_ppm);
  }
  if (!fee) return fail(RiskStatus::overflow);
  auto effect = apply_fill_to_position(next.position, side, price, qty, *fee);
  if (!effect) return fail(RiskStatus::overflow);
  auto collateral = to_fixed<Quote>(Wide(a.collateral) + Wide(effect->cash_delta));
  auto fee_balance = to_fixed<Quote>(Wide(fees_.balance) + Wide(*fee));
  // The buyer pays the rounded-up notional, the seller receives it rounded down: the buy side
  // hands the difference to the venue.
  Quote residue(0);
  if (side == Side::buy) {
    auto floor_n = fill_notional(Side::sell, price, qty);
    if (!floor_n) return fail(RiskStatus::overflow);
    residue = *notional - *floor_n;
  }
  Wide oi_delta = wmax(Wide(effect->after.base), 0) - wmax(Wide(next.position.base), 0);
  auto oi = to_fixed<Qty>(Wide(m.long_open_interest) + oi_delta);
  if (!collateral || !fee_balance || !oi) return fail(RiskStatus::overflow);

  // Commit.
  next.position = effect->after;
  next.position.last_funding_index = m.funding_index;
  a.markets[mid] = next;
  a.collateral = *collateral;
  fees_.balance = *fee_balance + residue;
  fees_.rounding_residue += residue;
  if (fee->raw > 0) fees_.trading_fees += *fee;
  if (fee->raw < 0) fees_.rebates_paid -= *fee;
  m.long_open_interest = *oi;

  r.notional = *notional;
  r.fee = *fee;
  r.realized_pnl = effect->realized_pnl;
  r.change = effect->change;

  if (liquidation) {
    // The liquidation fee goes to the insurance fund, capped at the equity left after the fill.
    MarginResult after = margin_of(a, nullptr);
    Quote equity_after = after.status == RiskStatus::ok ? after.margin.equity : Quote(0);
    auto liq_fee = liquidation_fee(*notional, p.liquidation_fee_bps, equity_after);
    if (liq_fee && liq_fee->raw > 0) {
      a.collateral -= *liq_fee;
      insurance_.account.collateral += *liq_fee;
      insurance_.liquidation_fees += *liq_fee;
      Position& pos = a.markets[mid].position;
      if (pos.is_open()) pos.quote_break_even += *liq_fee;
      r.fee = *liq_fee;
    }
  }
  r.position = a.markets[mid].position;
  r.open_interest_after = m.long_open_interest;
  r.open_interest_cap_exceeded =
      p.open_interest_cap.raw > 0 && m.long_open_interest > p.open_interest_cap;
  r.deficit = cover_deficit(a);
  r.collateral_after = a.collateral;
  return r;
}

FillResult RiskEngine::apply_fill(AccountId id, MarketId mid, Side side, Price price, Qty qty,
                                  Liquidity liquidity, bool liquidation) {
  FillResult r;
  r.account = id;
  r.market = mid;
  Account* a = find_account(id);
  MarketState* m = find_market(mid);
  if (a == nullptr)
    r.status = RiskStatus::unknown_account;
  else if (m == nullptr)
    r.status = RiskStatus::unknown_market;
  else if (price.raw <= 0)
    r.status = RiskStatus::invalid_price;
  else if (qty.raw <= 0)
    r.status = RiskStatus::invalid_quantity;
  else
    return apply_side(*a, *m, mid, side, price, qty, liquidity, liquidation, true);
  return r;
}

TradeResult RiskEngine::apply_trade(MarketId mid, AccountId maker, AccountId taker, Side taker_side,
                                    Price price, Qty qty, bool taker_is_liquidation) {
  TradeResult t;
  Account* mk = find_account(maker);
  Account* tk = find_account(taker);
  MarketState* m = find_market(mid);
  if (mk == nullptr || tk == nullptr)
    t.status = RiskStatus::unknown_account;
  else if (m == nullptr)
    t.status = RiskStatus::unknown_market;
  else if (price.raw <= 0)
    t.status = RiskStatus::invalid_price;
  else if (qty.raw <= 0)
    t.status = RiskStatus::invalid_quantity;
  if (t.status != RiskStatus::ok) return t;
  const Side maker_side = opposite(taker_side);
  const AccountMarket* mam = mk->find(mid);
  const Qty resting = mam == nullptr            ? Qty(0)
                      : maker_side == Side::buy ? mam->orders.bids
                                                : mam->orders.asks;
  if (resting < qty) {
    t.status = RiskStatus::exposure_underflow;
    return t;
  }
  // Inputs are validated; only an overflow beyond 64 bits could stop the second side, and the
  // invariant check would then report the half-applied trade.
  t.maker = apply_side(*mk, *m, mid, maker_side, price, qty, Liquidity::maker, false, true);
  if (t.maker.status != RiskStatus::ok) {
    t.status = t.maker.status;
    return t;
  }
  t.taker = apply_side(*tk, *m, mid, taker_side, price, qty, Liquidity::taker, taker_is_liquidation,
                       true);
  t.status = t.taker.status;
  return t;
}

}  // namespace qd::risk
