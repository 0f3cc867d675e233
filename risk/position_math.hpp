#pragma once
// Applying a fill to a position: increase, reduce, close, flip (Drift's update_position_and_market
// accounting). Pure functions; the caller moves the cash.
//
// Rounding (always in the venue's favour, never silently):
// - A fill's notional is paid by the buyer rounded up and received by the seller rounded down;
//   the sub-micro residue (0 or 1e-6 USDC per fill) goes to the venue fee account.
// - Fees: charges round up, rebates round down.
// - Reducing releases entry in proportion, truncated toward zero; the truncated part stays in the
//   remaining entry, so PnL realized over a position's whole life is exact.

#include <optional>

#include "core/fixed_point.hpp"
#include "core/order_types.hpp"
#include "risk/position.hpp"

namespace qd::risk {

/// What one fill did to the shape of a position.
enum class PositionChange : uint8_t { open, increase, reduce, close, flip };

const char* to_string(PositionChange c);

/// The notional one side of a fill pays or receives (1e-6 USDC): buyer rounded up, seller down.
/// nullopt on non-positive price or quantity, or overflow.
std::optional<Quote> fill_notional(Side side, Price price, Qty qty);

/// A charge (fee_ppm >= 0) rounded up, or a rebate (fee_ppm < 0, returned negative) rounded down
/// in magnitude. notional in 1e-6 USDC (>= 0); fee_ppm: 1000 = 10 bps, -200 = -2 bps rebate.
std::optional<Quote> trading_fee(Quote notional, int64_t fee_ppm);

struct FillEffect {
  Position after;
  PositionChange change = PositionChange::open;
  Quote notional;      ///< 1e-6 USDC this side pays (buy) or receives (sell), side-rounded
  Quote realized_pnl;  ///< 1e-6 USDC realized by this fill, fees excluded
  Quote cash_delta;    ///< 1e-6 USDC collateral change: realized_pnl - fee
  Qty closed;          ///< base closed (>= 0, 1e-9)
  Qty opened;          ///< base opened or added (>= 0, 1e-9)
};

/// Applies a fill of qty at price on side to p, charging fee (signed 1e-6 USDC: > 0 paid,
/// < 0 rebate). The fee moves cash and break-even, never the entry. A flip realizes the old side
/// and opens the remainder at the fill price; the fill's whole fee goes to the new break-even
/// (Drift). nullopt on non-positive price/qty or overflow.
std::optional<FillEffect> apply_fill_to_position(const Position& p, Side side, Price price, Qty qty,
                                                 Quote fee);

/// Average entry price (1e-6, truncated); 0 when flat.
std::optional<Price> entry_price_trunc(const Position& p);
/// Break-even price including fees and funding (1e-6, truncated); 0 when flat.
std::optional<Price> break_even_price_trunc(const Position& p);

}  // namespace qd::risk
