#pragma once
// What the exchange needs to know at start: its markets and accounts, as plain values.

#include <vector>

#include "core/ids.hpp"
#include "core/market_spec.hpp"
#include "core/order_types.hpp"
#include "risk/market_risk_params.hpp"

namespace qd {

struct AccountSpec {
  AccountId id = 0;
  StpMode stp_mode = StpMode::cancel_resting;  ///< default for the account's orders
  StpGroupId stp_group = 0;                     ///< accounts sharing a group never trade together
  uint32_t max_open_orders = 1000;              ///< resting plus waiting stop orders
  bool enabled = true;
};

struct ExchangeSpec {
  std::vector<MarketSpec> markets;   ///< markets[i].id == i
  std::vector<AccountSpec> accounts; ///< any ids; looked up by id
  /// The margin core's parameters, one per market in the same order. Empty = matching only:
  /// no margin checks, fees, positions or funding (unit tests and the replay benchmark).
  std::vector<risk::MarketRiskParams> risk;
};

}  // namespace qd
