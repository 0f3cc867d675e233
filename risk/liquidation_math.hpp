#pragma once
// Liquidation through the book (dYdX's fillable price, Drift's base-to-cover), the liquidation
// fee, and the sizes the planner needs. Bankruptcy and liquidation prices are in margin_math.hpp.

#include <cstdint>
#include <optional>

#include "core/fixed_point.hpp"
#include "core/order_types.hpp"

namespace qd::risk {

/// The liquidation buffer of one market: notional x buffer_bps, rounded up (2% by default).
std::optional<Quote> liquidation_buffer(Quote notional, int64_t buffer_bps);

/// Shortage = (maintenance + buffer) - equity, 0 when equity covers both. Account-wide: the
/// maintenance requirement and the sum of every market's buffer, equity at the mark.
std::optional<Quote> liquidation_shortage(Quote maintenance, Quote buffer, Quote equity);

/// Base to close so the shortage clears after the liquidation fee (Drift):
/// shortage / (mark x (maintenance_bps + buffer_bps - fee)), rounded up to the lot and capped at
/// |position|. The whole position when closing frees no margin net of the fee.
std::optional<Qty> base_to_cover_shortage(Quote shortage, Price mark, int64_t maintenance_bps,
                                          int64_t buffer_bps, int64_t liquidation_fee_bps, Qty lot,
                                          Qty position_base);

/// dYdX's fillable price, the worst price the liquidation order accepts:
/// (position notional - ABR x spread x position maintenance) / size, with
/// ABR = clamp(1 - equity / account maintenance, 0, 1) and spread = spread_bps / 1e4 (1.5).
/// A long sells at no less, a short buys at no more; rounded toward the mark. Never below 1e-6.
std::optional<Price> fillable_price(Qty position_base, Price mark, Quote equity,
                                    Quote account_maintenance, Quote position_maintenance,
                                    int64_t spread_bps);

/// A limit price onto the tick grid without loosening it: a sell (long closing) rounds up, a buy
/// rounds down. tick > 0.
std::optional<Price> round_limit_to_tick(Price limit, Side side, Price tick);

/// Quantity rounded up to a lot multiple.
std::optional<Qty> round_up_to_lot(Qty qty, Qty lot);

/// The liquidation fee: closed notional x fee_bps rounded up, capped at what the account can
/// afford (its equity after the fill, never below 0).
std::optional<Quote> liquidation_fee(Quote closed_notional, int64_t fee_bps, Quote equity_after);

}  // namespace qd::risk
