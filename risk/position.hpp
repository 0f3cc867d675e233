#pragma once
// One account's position in one market (Drift's PerpPosition, settled like dYdX: realized PnL,
// fees and funding go to collateral at once, there is no unsettled-PnL pool).

#include <cstdint>

#include "core/fixed_point.hpp"
#include "risk/checked_math.hpp"

namespace qd::risk {

struct Position {
  /// Signed 1e-9 base units: > 0 long, < 0 short.
  Qty base;
  /// Signed 1e-6 USDC, same sign as base: the fill notional of the open base, fees excluded.
  Quote quote_entry;
  /// Signed 1e-6 USDC: entry plus fees and funding paid, less rebates and funding received.
  Quote quote_break_even;
  /// 1e-6 USDC: trading PnL realized in this market so far, fees and funding excluded.
  Quote realized_pnl;
  /// 1e-15 USDC per whole base unit: the market's funding index this position last settled at.
  i128 last_funding_index = 0;

  constexpr bool is_open() const { return base.raw != 0; }
  constexpr bool is_long() const { return base.raw > 0; }
  constexpr bool is_short() const { return base.raw < 0; }
};

}  // namespace qd::risk
