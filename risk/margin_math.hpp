#pragma once
// Margin formulas (cross margin): unrealized PnL at the mark, equity, worst-case notional,
// requirements with Drift's size premium and dYdX's open-interest ramp, free collateral, and the
// liquidation and bankruptcy prices. Pure functions over fixed-point integers; requirements round
// up, credits round down; nullopt means overflow or an input the formula cannot take.

#include <optional>

#include "core/fixed_point.hpp"
#include "risk/position.hpp"

namespace qd::risk {

/// base x mark - entry, rounded down (a short's liability rounds up). 1e-6 USDC.
std::optional<Quote> unrealized_pnl(const Position& p, Price mark);

/// PnL as counted for initial margin: losses in full, gains x gain_weight_bps / 1e4 rounded down.
std::optional<Quote> pnl_for_initial_margin(Quote pnl, int64_t gain_weight_bps);

/// Position size if every resting order on the side that grows it filled:
/// max(|base + open_bids|, |base - open_asks|). open_bids/open_asks >= 0, 1e-9 base.
std::optional<Qty> worst_case_base(Qty base, Qty open_bids, Qty open_asks);

/// |base| x price rounded up (requirements), 1e-6 USDC.
std::optional<Quote> notional_abs_ceil(Qty base, Price price);

/// Drift's size premium on a margin ratio: max(r, 0.8 r + imf_factor x sqrt(size in whole base
/// units)), in ppm (1e6 = 100%), rounded up, capped at 100%. ratio_bps 1000 = 10%; imf_factor_ppm
/// 1000 = 0.001; size >= 0. With r = 10%, imf 0.001 it starts above 400 units.
std::optional<int64_t> size_premium_ratio_ppm(int64_t ratio_bps, int64_t imf_factor_ppm, Qty size);

/// dYdX's open-interest ramp: the ratio rises linearly from ratio_ppm at open interest `lower` to
/// 100% at `upper` (rounded up). upper <= lower (or both 0) switches the ramp off.
std::optional<int64_t> oi_ramp_ratio_ppm(int64_t ratio_ppm, Qty open_interest, Qty lower,
                                         Qty upper);

/// notional x ratio_ppm / 1e6, rounded up. 1e-6 USDC.
std::optional<Quote> margin_requirement_ceil(Quote notional, int64_t ratio_ppm);

/// Everything the margin of one position (with its resting orders) depends on.
struct PositionMarginInput {
  Position position;
  Qty open_bids;  ///< resting buy quantity, 1e-9 base
  Qty open_asks;  ///< resting sell quantity, 1e-9 base
  Price mark;     ///< 1e-6, > 0
  int64_t initial_ratio_bps = 1000;
  int64_t maintenance_ratio_bps = 500;
  int64_t imf_factor_ppm = 0;  ///< size premium on the initial ratio
  int64_t gain_weight_bps = 10'000;
  Qty open_interest;  ///< the market's per-side open interest, for the ramp
  Qty oi_ramp_lower;
  Qty oi_ramp_upper;
};

struct PositionMargin {
  Quote pnl;                         ///< unrealized at mark
  Quote pnl_initial;                 ///< gains weighted for initial margin
  Quote notional;                    ///< |base| x mark, rounded up
  Qty worst_case_base;               ///< with resting orders
  Quote worst_case_notional;         ///< worst_case_base x mark, rounded up
  int64_t initial_ratio_ppm = 0;     ///< after size premium and OI ramp
  Quote initial_requirement;         ///< worst_case_notional x initial ratio
  Quote maintenance_requirement;     ///< worst_case_notional x maintenance ratio
  Quote maintenance_positions_only;  ///< notional x maintenance ratio (orders cancelled)
};

/// The initial ratio is max(size premium ratio, OI-ramped base ratio); the size premium applies
/// to the initial ratio only (config: "imf_factor: size premium on initial margin").
std::optional<PositionMargin> position_margin(const PositionMarginInput& in);

/// Free collateral = equity (with weighted gains) - initial requirement. May be negative.
std::optional<Quote> free_collateral(Quote equity_initial, Quote initial_requirement);

/// The mark at which equity meets maintenance, holding the rest of the account fixed:
/// p = (base x mark + other_maintenance - equity) / (base x (1 - mm_ratio)). Long: rounded up,
/// short: rounded down (both toward the mark: warns early). 0 when the answer is not positive
/// (a long that cannot be liquidated). equity and other_maintenance at the current mark; flat or
/// mm_ratio_bps >= 100% gives nullopt.
std::optional<Price> liquidation_price(Qty base, Price mark, Quote equity, Quote other_maintenance,
                                       int64_t maintenance_ratio_bps);

/// The price at which closing base leaves the account's equity at zero: mark - equity / base.
/// Long rounded up, short rounded down, so closing there never leaves the account negative.
/// Flat gives nullopt; a long whose answer is not positive gives 0.
std::optional<Price> bankruptcy_price(Qty base, Price mark, Quote equity);

}  // namespace qd::risk
