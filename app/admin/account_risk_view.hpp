#pragma once
// `qdctl account show`: the account's collateral, margin and positions as the margin core sees
// them (risk::RiskEngine inside the Exchange). Engine thread only: it is called inside
// Sequencer::run_on_engine.

#include <nlohmann/json.hpp>
#include <optional>

#include "core/ids.hpp"

namespace qd {
class Exchange;
}

namespace qd::admin {

/// JSON with the account's collateral, margin figures and positions per market, money and
/// quantities as exact decimal strings (USDC 6 decimals, base 9); nullopt when the Exchange runs
/// matching only (no margin core) or does not know the account.
std::optional<nlohmann::json> describe_account_risk(const Exchange& exchange, AccountId account);

}  // namespace qd::admin
