#pragma once
// The engine-query port the account reports read through: a snapshot of an account's collateral,
// margin and positions as the margin core holds them. The fix library sees only this interface;
// the composition root implements it over Sequencer::run_on_engine (app/gateway), so the values
// are the engine's own, read on the engine thread.
//
// Threads: snapshot() blocks the caller until the engine answered. Never call it from
// GatewayService::on_events (the publisher thread the engine may be waiting on): call it from a
// worker thread of your own.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"

namespace qd::fix {

/// One market of an account: position, its margin at the current mark, and resting orders.
struct PositionSnapshot {
  MarketId market = 0;
  Qty base;              ///< signed 1e-9 base: > 0 long, < 0 short
  Quote entry_notional;  ///< signed 1e-6 USDC fill notional of the open base, fees excluded
  Price entry_price;     ///< average entry (1e-6, truncated); 0 when flat
  Price mark;            ///< 1e-6; 0 when the market has no mark yet
  Quote unrealized_pnl;  ///< base x mark - entry (1e-6, rounded down); 0 without a mark
  Quote realized_pnl;    ///< trading PnL realized in this market (1e-6), fees and funding excluded
  Quote notional;        ///< |base| x mark rounded up (1e-6)
  Quote initial_margin;  ///< initial requirement with resting orders (1e-6, rounded up)
  Quote maintenance_margin;                ///< maintenance requirement with resting orders (1e-6)
  std::optional<Price> liquidation_price;  ///< none when flat or not liquidatable by price
  Qty resting_bids;                        ///< resting buy quantity (1e-9)
  Qty resting_asks;                        ///< resting sell quantity (1e-9)

  bool operator==(const PositionSnapshot&) const = default;
};

/// An account's cross-margin figures and its markets.
struct AccountSnapshot {
  AccountId account = 0;
  Quote collateral;  ///< 1e-6 USDC: deposits - withdrawals + realized PnL - fees - funding
  /// Whether the margin figures below could be computed ("ok"); otherwise the reason (e.g.
  /// "no_mark") and the figures are 0.
  bool margin_ok = false;
  std::string margin_status;
  Quote unrealized_pnl;           ///< at the marks (1e-6)
  Quote equity;                   ///< collateral + unrealized PnL (1e-6)
  Quote initial_requirement;      ///< margin used, resting orders included (1e-6)
  Quote maintenance_requirement;  ///< 1e-6
  Quote free_collateral;          ///< equity with weighted gains - initial requirement (1e-6)
  Quote position_notional;        ///< sum of |base| x mark (1e-6)
  /// Markets with a position, resting orders or realized PnL, in market id order.
  std::vector<PositionSnapshot> positions;

  /// The account's market `m`, or nullptr when it never traded there.
  const PositionSnapshot* position(MarketId m) const {
    for (const PositionSnapshot& p : positions)
      if (p.market == m) return &p;
    return nullptr;
  }
  bool operator==(const AccountSnapshot&) const = default;
};

class AccountStateSource {
 public:
  virtual ~AccountStateSource() = default;
  /// One entry per requested account, in order; nullopt for an account the margin core does not
  /// know (or when the venue runs matching only). Blocks until the engine answered.
  virtual std::vector<std::optional<AccountSnapshot>> snapshot(
      std::span<const AccountId> accounts) = 0;
};

}  // namespace qd::fix
