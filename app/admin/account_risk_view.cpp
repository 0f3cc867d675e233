#include "app/admin/account_risk_view.hpp"

#include "core/decimal.hpp"
#include "engine/exchange.hpp"

namespace qd::admin {

std::optional<nlohmann::json> describe_account_risk(const Exchange& exchange, AccountId account) {
  const risk::RiskEngine* risk = exchange.risk();
  if (risk == nullptr) return std::nullopt;
  const risk::Account* a = risk->account(account);
  if (a == nullptr) return std::nullopt;
  nlohmann::json j;
  j["available"] = true;
  j["collateral"] = to_string(a->collateral);
  const risk::MarginResult m = risk->margin(account);
  j["margin_status"] = risk::to_string(m.status);
  if (m.status == risk::RiskStatus::ok) {
    const risk::AccountMargin& g = m.margin;
    j["unrealized_pnl"] = to_string(g.pnl);
    j["equity"] = to_string(g.equity);
    j["initial_requirement"] = to_string(g.initial_requirement);
    j["maintenance_requirement"] = to_string(g.maintenance_requirement);
    j["free_collateral"] = to_string(g.free_collateral);
    j["position_notional"] = to_string(g.position_notional);
  }
  nlohmann::json positions = nlohmann::json::array();
  for (const auto& [market, am] : a->markets) {
    if (!am.position.is_open() && am.orders.empty() && am.position.realized_pnl.raw == 0) continue;
    nlohmann::json p;
    p["market"] = market < exchange.market_count() ? exchange.market(market).symbol : "?";
    p["base"] = to_string(am.position.base);
    p["entry_notional"] = to_string(am.position.quote_entry);
    p["realized_pnl"] = to_string(am.position.realized_pnl);
    p["resting_bids"] = to_string(am.orders.bids);
    p["resting_asks"] = to_string(am.orders.asks);
    const auto liq = risk->liquidation_price(account, market);
    p["liquidation_price"] = liq ? nlohmann::json(to_string(*liq)) : nlohmann::json(nullptr);
    positions.push_back(p);
  }
  j["positions"] = positions;
  return j;
}

}  // namespace qd::admin
