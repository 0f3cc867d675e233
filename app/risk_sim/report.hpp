#pragma once
// qd-risk-sim's JSON: events and state as ordered objects (stable key order) with every amount
// an exact decimal string, so two runs of the same scenario print the same bytes and golden files
// diff line by line. Units: prices and money in USDC, quantities in base units, rates in percent.

#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app/risk_sim/scenario.hpp"
#include "core/event.hpp"
#include "engine/exchange.hpp"

namespace qd::risk_sim {

using Json = nlohmann::ordered_json;

/// Scenario time as seconds ("3600", "0.5").
std::string scenario_time(TimestampNs now);

/// Counts and sums over a run's events (the main line or one stress branch).
struct Tally {
  int trades = 0;
  int liquidation_fills = 0;  ///< liquidated accounts' sides of liquidation orders
  int liquidations = 0;       ///< LiquidationTriggered
  int takeovers = 0;
  int adl_fills = 0;
  int deficits = 0;
  int funding_payments = 0;
  int rejected_orders = 0;
  int rejected_withdrawals = 0;
  Quote liquidation_fees;  ///< paid to the insurance fund
  Quote deficit_total;
  Quote insurance_paid;
  Quote socialized;
  std::set<AccountId> liquidated;

  void add(const Event& e);
  Json to_json(const Scenario& s) const;
};

/// One event as a report line, or null for events the report leaves out (acceptances, oracle
/// readings and marks, mass-cancel confirmations). `order_ids` maps engine ids to client ids.
Json event_json(const Event& e, const Scenario& s, size_t step,
                const std::map<OrderId, std::string>& order_ids);

/// Everything an account, the fund, the fee account and each market hold at this moment.
Json state_json(const Exchange& ex, const Scenario& s, TimestampNs now,
                const std::map<OrderId, std::string>& order_ids);

/// The scenario's market parameters, as read (the report's header).
Json markets_json(const Scenario& s);

}  // namespace qd::risk_sim
