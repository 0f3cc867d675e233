#include "app/admin/account_risk_view.hpp"

#include "app/gateway/engine_account_state.hpp"
#include "core/decimal.hpp"
#include "engine/exchange.hpp"

namespace qd::admin {

// The same snapshot the FIX PositionReport and CollateralReport carry (snapshot_account), so the
// operator and the desk read one computation.
std::optional<nlohmann::json> describe_account_risk(const Exchange& exchange, AccountId account) {
  const std::optional<fix::AccountSnapshot> s = snapshot_account(exchange, account);
  if (!s) return std::nullopt;
  nlohmann::json j;
  j["available"] = true;
  j["collateral"] = to_string(s->collateral);
  j["margin_status"] = s->margin_status;
  if (s->margin_ok) {
    j["unrealized_pnl"] = to_string(s->unrealized_pnl);
    j["equity"] = to_string(s->equity);
    j["initial_requirement"] = to_string(s->initial_requirement);
    j["maintenance_requirement"] = to_string(s->maintenance_requirement);
    j["free_collateral"] = to_string(s->free_collateral);
    j["position_notional"] = to_string(s->position_notional);
  }
  nlohmann::json positions = nlohmann::json::array();
  for (const fix::PositionSnapshot& p : s->positions) {
    nlohmann::json o;
    o["market"] = p.market < exchange.market_count() ? exchange.market(p.market).symbol : "?";
    o["base"] = to_string(p.base);
    o["entry_notional"] = to_string(p.entry_notional);
    o["realized_pnl"] = to_string(p.realized_pnl);
    o["resting_bids"] = to_string(p.resting_bids);
    o["resting_asks"] = to_string(p.resting_asks);
    o["liquidation_price"] = p.liquidation_price ? nlohmann::json(to_string(*p.liquidation_price))
                                                 : nlohmann::json(nullptr);
    positions.push_back(o);
  }
  j["positions"] = positions;
  return j;
}

}  // namespace qd::admin
