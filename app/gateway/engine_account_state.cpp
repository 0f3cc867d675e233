#include "app/gateway/engine_account_state.hpp"

#include "engine/exchange.hpp"
#include "engine/sequencer.hpp"
#include "risk/margin_math.hpp"
#include "risk/position_math.hpp"

namespace qd {

namespace {

/// The position's own margin at the mark, with the same inputs RiskEngine::margin_of uses for
/// the account total (so the per-market figures add up to the account's).
void add_position_margin(const risk::MarketState& m, const risk::AccountMarket& am,
                         fix::PositionSnapshot& out) {
  if (!m.has_mark) return;
  const risk::MarketRiskParams& p = m.params;
  const risk::PositionMarginInput in{
      am.position,          am.orders.bids,           am.orders.asks,   m.mark,
      p.initial_margin_bps, p.maintenance_margin_bps, p.imf_factor_ppm, p.gain_weight_bps,
      m.long_open_interest, p.oi_ramp_lower,          p.oi_ramp_upper};
  const std::optional<risk::PositionMargin> pm = risk::position_margin(in);
  if (!pm) return;
  out.unrealized_pnl = pm->pnl;
  out.notional = pm->notional;
  out.initial_margin = pm->initial_requirement;
  out.maintenance_margin = pm->maintenance_requirement;
}

}  // namespace

std::optional<fix::AccountSnapshot> snapshot_account(const Exchange& exchange, AccountId account) {
  const risk::RiskEngine* risk = exchange.risk();
  if (risk == nullptr) return std::nullopt;
  const risk::Account* a = risk->account(account);
  if (a == nullptr) return std::nullopt;
  fix::AccountSnapshot s;
  s.account = account;
  s.collateral = a->collateral;
  const risk::MarginResult m = risk->margin(account);
  s.margin_ok = m.status == risk::RiskStatus::ok;
  s.margin_status = risk::to_string(m.status);
  if (s.margin_ok) {
    const risk::AccountMargin& g = m.margin;
    s.unrealized_pnl = g.pnl;
    s.equity = g.equity;
    s.initial_requirement = g.initial_requirement;
    s.maintenance_requirement = g.maintenance_requirement;
    s.free_collateral = g.free_collateral;
    s.position_notional = g.position_notional;
  }
  for (const auto& [market, am] : a->markets) {
    if (!am.position.is_open() && am.orders.empty() && am.position.realized_pnl.raw == 0) continue;
    fix::PositionSnapshot p;
    p.market = market;
    p.base = am.position.base;
    p.entry_notional = am.position.quote_entry;
    p.entry_price = risk::entry_price_trunc(am.position).value_or(Price(0));
    p.realized_pnl = am.position.realized_pnl;
    p.resting_bids = am.orders.bids;
    p.resting_asks = am.orders.asks;
    if (const risk::MarketState* ms = risk->market(market)) {
      if (ms->has_mark) p.mark = ms->mark;
      add_position_margin(*ms, am, p);
    }
    p.liquidation_price = risk->liquidation_price(account, market);
    s.positions.push_back(std::move(p));
  }
  return s;
}

std::vector<std::optional<fix::AccountSnapshot>> EngineAccountState::snapshot(
    std::span<const AccountId> accounts) {
  std::vector<std::optional<fix::AccountSnapshot>> out;
  out.reserve(accounts.size());
  sequencer_.run_on_engine([&](const Exchange& ex) {
    for (AccountId a : accounts) out.push_back(snapshot_account(ex, a));
  });
  return out;
}

}  // namespace qd
