#pragma once
// Account state: USDC collateral, a position per market, and the open-order exposure per market
// and side (kept up to date by the engine's order hooks so worst-case notional costs nothing).

#include <cstdint>
#include <map>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "risk/position.hpp"

namespace qd::risk {

/// The insurance fund's position-holding account: never a configured account id.
inline constexpr AccountId INSURANCE_FUND_ACCOUNT = 0xFFFF'FFFF;

/// Resting (on-book) order quantity of one account in one market. Stop orders waiting for their
/// trigger are not on the book and not counted.
struct OrderExposure {
  Qty bids;  ///< sum of resting buy leaves quantity, 1e-9 base, >= 0
  Qty asks;  ///< sum of resting sell leaves quantity, 1e-9 base, >= 0

  constexpr bool empty() const { return bids.raw == 0 && asks.raw == 0; }
};

struct AccountMarket {
  Position position;
  OrderExposure orders;
};

struct Account {
  AccountId id = 0;
  /// 1e-6 USDC: deposits - withdrawals + realized PnL - fees + rebates - funding paid. Negative
  /// only while positions are open (cash borrowed against them, as dYdX's quote balance); a flat
  /// account's deficit is covered by the insurance fund or recorded as socialized loss.
  Quote collateral;
  std::map<MarketId, AccountMarket> markets;  ///< ordered: iteration and hashing are stable

  bool has_open_positions() const {
    for (const auto& [id, m] : markets)
      if (m.position.is_open()) return true;
    return false;
  }
  bool has_resting_orders() const {
    for (const auto& [id, m] : markets)
      if (!m.orders.empty()) return true;
    return false;
  }
  const AccountMarket* find(MarketId market) const {
    auto it = markets.find(market);
    return it == markets.end() ? nullptr : &it->second;
  }
};

/// The insurance fund: its collateral is the fund balance; it holds the positions it took over.
struct InsuranceFund {
  Account account{INSURANCE_FUND_ACCOUNT, Quote(0), {}};
  Quote seeded;            ///< 1e-6 USDC paid in from outside (config seed)
  Quote liquidation_fees;  ///< 1e-6 USDC received as liquidation fees
  Quote deficits_paid;     ///< 1e-6 USDC paid to cover flat accounts left negative
};

/// The venue's own fee account. Its balance may go negative when rebates exceed fees.
struct VenueFeeAccount {
  Quote balance;           ///< 1e-6 USDC
  Quote trading_fees;      ///< taker and maker charges received
  Quote rebates_paid;      ///< maker rebates paid out (positive)
  Quote rounding_residue;  ///< buyer-rounds-up / seller-rounds-down differences on fills
  Quote funding_residue;   ///< funding payments rounded up (see funding.hpp)
};

/// Money entering and leaving the system, for the conservation invariant.
struct MoneyLedger {
  Quote deposits;         ///< 1e-6 USDC
  Quote withdrawals;      ///< 1e-6 USDC
  Quote socialized_loss;  ///< deficits no one paid: flat accounts reset from negative to zero
};

}  // namespace qd::risk
