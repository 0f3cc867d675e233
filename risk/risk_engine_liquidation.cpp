// RiskEngine: finding liquidatable accounts, planning the reduce-only IOC, the insurance fund
// takeover, auto-deleveraging, and covering deficits of flat accounts.
#include <algorithm>

#include "risk/adl_ranking.hpp"
#include "risk/liquidation_math.hpp"
#include "risk/margin_math.hpp"
#include "risk/risk_engine.hpp"

namespace qd::risk {

namespace {

Qty abs_qty(Qty q) {
  return Qty(q.raw < 0 ? -q.raw : q.raw);
}

}  // namespace

DeficitCovered RiskEngine::cover_deficit(Account& a) {
  DeficitCovered d;
  d.account = a.id;
  if (a.collateral.raw >= 0 || a.has_open_positions()) return d;
  d.deficit = -a.collateral;
  Quote pay(0);
  if (&a != &insurance_.account && insurance_.account.collateral.raw > 0) {
    pay = insurance_.account.collateral < d.deficit ? insurance_.account.collateral : d.deficit;
  }
  insurance_.account.collateral -= pay;
  insurance_.deficits_paid += pay;
  d.insurance_paid = pay;
  d.socialized = d.deficit - pay;
  ledger_.socialized_loss += d.socialized;
  a.collateral = Quote(0);
  return d;
}

bool RiskEngine::liquidation_allowed(const Account& a, TimestampNs now) const {
  for (const auto& [mid, am] : a.markets) {
    if (!am.position.is_open() && am.orders.empty()) continue;
    const MarketState* m = find_market(mid);
    if (m == nullptr || !m->has_mark) return false;
    if (oracle_blocks(m->validity(now), OracleAction::liquidate)) return false;
    if (m->source(now).paused_at_receipt) return false;
  }
  return true;
}

std::vector<LiquidationCandidate> RiskEngine::find_liquidatable(TimestampNs now) const {
  std::vector<LiquidationCandidate> out;
  for (const auto& [id, a] : accounts_) {
    if (!a.has_open_positions() || !liquidation_allowed(a, now)) continue;
    MarginResult mr = margin_of(a, nullptr);
    if (mr.status != RiskStatus::ok) continue;
    if (mr.margin.equity < mr.margin.maintenance_requirement) {
      out.push_back({id, mr.margin.equity, mr.margin.maintenance_requirement,
                     mr.margin.maintenance_positions_only, a.has_resting_orders()});
    }
  }
  return out;
}

bool RiskEngine::is_liquidatable(AccountId id, TimestampNs now) const {
  const Account* a = find_account(id);
  if (a == nullptr || id == INSURANCE_FUND_ACCOUNT || !a->has_open_positions()) return false;
  if (!liquidation_allowed(*a, now)) return false;
  MarginResult mr = margin_of(*a, nullptr);
  return mr.status == RiskStatus::ok && mr.margin.equity < mr.margin.maintenance_requirement;
}

std::optional<Price> RiskEngine::liquidation_price(AccountId id, MarketId mid) const {
  const Account* a = find_account(id);
  const MarketState* m = find_market(mid);
  if (a == nullptr || m == nullptr || !m->has_mark) return std::nullopt;
  const AccountMarket* am = a->find(mid);
  if (am == nullptr || !am->position.is_open()) return std::nullopt;
  MarginResult mr = margin_of(*a, nullptr);
  auto n = notional_abs_ceil(am->position.base, m->mark);
  auto own =
      n ? margin_requirement_ceil(*n, bps_to_ppm(m->params.maintenance_margin_bps)) : std::nullopt;
  if (mr.status != RiskStatus::ok || !own) return std::nullopt;
  return risk::liquidation_price(am->position.base, m->mark, mr.margin.equity,
                                 mr.margin.maintenance_requirement - *own,
                                 m->params.maintenance_margin_bps);
}

LiquidationPlan RiskEngine::plan_liquidation(AccountId id, TimestampNs now) const {
  LiquidationPlan plan;
  plan.account = id;
  const Account* a = id == INSURANCE_FUND_ACCOUNT ? nullptr : find_account(id);
  if (a == nullptr) {
    plan.status = RiskStatus::unknown_account;
    return plan;
  }
  if (!a->has_open_positions()) {
    plan.status = RiskStatus::no_position;
    return plan;
  }
  if (!liquidation_allowed(*a, now)) {
    plan.status = RiskStatus::oracle_blocked;
    return plan;
  }
  MarginResult mr = margin_of(*a, nullptr);
  if (mr.status != RiskStatus::ok) {
    plan.status = mr.status;
    return plan;
  }
  const AccountMargin& am = mr.margin;
  plan.equity = am.equity;
  plan.maintenance = am.maintenance_requirement;
  if (am.equity >= am.maintenance_requirement) {
    plan.status = RiskStatus::not_liquidatable;
    return plan;
  }
  auto shortage =
      liquidation_shortage(am.maintenance_positions_only, am.liquidation_buffer, am.equity);
  if (!shortage) {
    plan.status = RiskStatus::overflow;
    return plan;
  }
  plan.shortage = *shortage;
  plan.liquidatable_after_cancel = am.equity < am.maintenance_positions_only;
  if (a->has_resting_orders()) {
    // Orders first (they count in maintenance); the engine cancels them all and plans again.
    plan.cancel_all_orders = true;
    return plan;
  }

  // Liquidate the position with the largest maintenance requirement first (ties: lower id).
  MarketId chosen = 0;
  Quote chosen_mm(-1);
  for (const auto& [mid, acc_market] : a->markets) {
    if (!acc_market.position.is_open()) continue;
    const MarketState* m = find_market(mid);
    auto n = notional_abs_ceil(acc_market.position.base, m->mark);
    auto mm = n ? margin_requirement_ceil(*n, bps_to_ppm(m->params.maintenance_margin_bps))
                : std::nullopt;
    if (!mm) {
      plan.status = RiskStatus::overflow;
      return plan;
    }
    if (*mm > chosen_mm) {
      chosen_mm = *mm;
      chosen = mid;
    }
  }
  const MarketState& m = *find_market(chosen);
  const Position& pos = a->find(chosen)->position;
  const MarketRiskParams& p = m.params;
  LiquidationOrder& o = plan.order;
  o.market = chosen;
  o.side = pos.is_long() ? Side::sell : Side::buy;
  auto qty =
      base_to_cover_shortage(*shortage, m.mark, p.maintenance_margin_bps, p.liquidation_buffer_bps,
                             p.liquidation_fee_bps, m.spec.lot_size, pos.base);
  auto fillable = fillable_price(pos.base, m.mark, am.equity, am.maintenance_positions_only,
                                 chosen_mm, p.fillable_spread_bps);
  auto limit = fillable ? round_limit_to_tick(*fillable, o.side, m.spec.tick_size) : std::nullopt;
  auto bankrupt = bankruptcy_price(pos.base, m.mark, am.equity);
  if (!qty || !fillable || !limit || !bankrupt) {
    plan.status = RiskStatus::overflow;
    return plan;
  }
  // A shortage this small can round to nothing: close at least one lot.
  o.qty = qty->raw > 0 ? *qty : std::min(m.spec.lot_size, abs_qty(pos.base));
  o.fillable_price = *fillable;
  o.limit_price = *limit;
  o.bankruptcy_price = *bankrupt;
  // Fills beyond the bankruptcy price leave a deficit the insurance fund pays. When the fund
  // could not pay the worst case (the whole order filled at the limit), the order goes no further
  // than the bankruptcy price and what the book cannot take there goes to the takeover or ADL:
  // no loss is socialized while profitable opposite positions exist (dYdX likewise refuses
  // liquidation matches the insurance fund cannot cover).
  const Wide gap =
      o.side == Side::sell ? Wide(*bankrupt) - Wide(*limit) : Wide(*limit) - Wide(*bankrupt);
  if (!gap.ok() || gap.value() > 0) {
    const Wide worst = div_ceil(gap * Wide(o.qty), QTY_PRECISION);
    const MarginResult fund = margin_of(insurance_.account, nullptr);
    const Quote balance = insurance_.account.collateral;
    const Quote can_pay = fund.status != RiskStatus::ok  ? Quote(0)
                          : fund.margin.equity < balance ? fund.margin.equity
                                                         : balance;
    if (!worst.ok() || worst.value() > can_pay.raw) {
      auto at_bankruptcy = round_limit_to_tick(*bankrupt, o.side, m.spec.tick_size);
      if (!at_bankruptcy) {
        plan.status = RiskStatus::overflow;
        return plan;
      }
      o.limit_price = *at_bankruptcy;
    }
  }
  plan.has_order = true;
  return plan;
}

RiskStatus RiskEngine::prepare_bankruptcy_close(AccountId id, MarketId mid, TimestampNs now,
                                                Account*& a, MarketState*& m, Qty& close,
                                                Side& side, Price& bankruptcy) {
  a = id == INSURANCE_FUND_ACCOUNT ? nullptr : find_account(id);
  if (a == nullptr) return RiskStatus::unknown_account;
  m = find_market(mid);
  if (m == nullptr) return RiskStatus::unknown_market;
  const AccountMarket* am = a->find(mid);
  if (am == nullptr || !am->position.is_open()) return RiskStatus::no_position;
  if (!liquidation_allowed(*a, now)) {
    return m->source(now).paused_at_receipt ? RiskStatus::liquidation_paused
                                            : RiskStatus::oracle_blocked;
  }
  if (a->has_resting_orders()) return RiskStatus::resting_orders;
  MarginResult mr = margin_of(*a, nullptr);
  if (mr.status != RiskStatus::ok) return mr.status;
  if (mr.margin.equity >= mr.margin.maintenance_requirement) return RiskStatus::not_liquidatable;
  close = abs_qty(am->position.base);
  side = am->position.is_long() ? Side::sell : Side::buy;
  auto p = bankruptcy_price(am->position.base, m->mark, mr.margin.equity);
  if (!p || p->raw <= 0) return p ? RiskStatus::invalid_price : RiskStatus::overflow;
  bankruptcy = *p;
  return RiskStatus::ok;
}

RiskStatus RiskEngine::transfer(Account& from, Account& to, MarketState& m, MarketId mid,
                                Side from_side, Price price, Qty qty, Quote* to_realized) {
  FillResult a = apply_side(from, m, mid, from_side, price, qty, Liquidity::taker, false, false);
  if (a.status != RiskStatus::ok) return a.status;
  FillResult b =
      apply_side(to, m, mid, opposite(from_side), price, qty, Liquidity::taker, false, false);
  if (to_realized != nullptr) *to_realized = b.realized_pnl;
  return b.status;
}

TakeoverResult RiskEngine::insurance_takeover(AccountId id, MarketId mid, TimestampNs now) {
  TakeoverResult r;
  r.account = id;
  r.market = mid;
  Account* a = nullptr;
  MarketState* m = nullptr;
  r.status =
      prepare_bankruptcy_close(id, mid, now, a, m, r.qty, r.account_side, r.bankruptcy_price);
  if (r.status != RiskStatus::ok) return r;

  // The fund's equity at the mark after buying (selling) at the bankruptcy price must stay >= 0.
  MarginResult fund = margin_of(insurance_.account, nullptr);
  const int64_t fund_dir = r.account_side == Side::sell ? 1 : -1;  // fund buys a long's position
  Wide loss = div_ceil(Wide(fund_dir) * (Wide(r.bankruptcy_price) - Wide(m->mark)) * Wide(r.qty),
                       QTY_PRECISION);
  Wide equity_after = Wide(fund.margin.equity) - loss;
  if (fund.status != RiskStatus::ok || !equity_after.ok() || equity_after.value() < 0) {
    r.status = RiskStatus::insurance_fund_insufficient;
    return r;
  }
  r.status =
      transfer(*a, insurance_.account, *m, mid, r.account_side, r.bankruptcy_price, r.qty, nullptr);
  if (r.status != RiskStatus::ok) return r;
  r.deficit = cover_deficit(*a);
  r.account_position = a->find(mid)->position;
  r.account_collateral_after = a->collateral;
  r.fund_position = insurance_.account.find(mid)->position;
  r.fund_collateral_after = insurance_.account.collateral;
  MarginResult after = margin_of(insurance_.account, nullptr);
  r.fund_equity_after = after.margin.equity;
  return r;
}

AdlResult RiskEngine::adl(AccountId id, MarketId mid, TimestampNs now) {
  AdlResult r;
  r.account = id;
  r.market = mid;
  Account* a = nullptr;
  MarketState* m = nullptr;
  Qty close;
  r.status =
      prepare_bankruptcy_close(id, mid, now, a, m, close, r.account_side, r.bankruptcy_price);
  if (r.status != RiskStatus::ok) return r;

  // Opposite positions: every other account and the fund, ranked (spec/adl_ranking.md).
  const bool bankrupt_long = r.account_side == Side::sell;
  std::vector<AdlCandidate> candidates;
  auto consider = [&](const Account& c) {
    if (c.id == a->id) return;
    const AccountMarket* cm = c.find(mid);
    if (cm == nullptr || !cm->position.is_open() || cm->position.is_long() == bankrupt_long) return;
    MarginResult mr = margin_of(c, nullptr);
    candidates.push_back(
        {c.id, cm->position, mr.status == RiskStatus::ok ? mr.margin.equity : Quote(0)});
  };
  for (const auto& [cid, c] : accounts_) consider(c);
  consider(insurance_.account);
  const std::vector<AdlRank> ranks = rank_for_adl(candidates, m->mark);

  Qty remaining = close;
  for (const AdlRank& rank : ranks) {
    if (remaining.raw == 0) break;
    Account* c = find_account(rank.account);
    const Qty take = std::min(remaining, abs_qty(rank.base));
    AdlFill fill;
    fill.counterparty = rank.account;
    fill.counterparty_side = opposite(r.account_side);
    fill.qty = take;
    fill.price = r.bankruptcy_price;
    fill.score = rank.score;
    RiskStatus s = transfer(*a, *c, *m, mid, r.account_side, r.bankruptcy_price, take,
                            &fill.counterparty_realized_pnl);
    if (s != RiskStatus::ok) {
      r.status = s;
      break;
    }
    fill.counterparty_position = c->find(mid)->position;
    r.fills.push_back(fill);
    remaining -= take;
    DeficitCovered d = cover_deficit(*c);
    if (d.deficit.raw > 0) r.deficits.push_back(d);
  }
  DeficitCovered d = cover_deficit(*a);
  if (d.deficit.raw > 0) r.deficits.push_back(d);
  r.remaining = remaining;
  if (r.status == RiskStatus::ok && remaining.raw > 0) r.status = RiskStatus::no_counterparty;
  return r;
}

}  // namespace qd::risk
