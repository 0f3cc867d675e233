#pragma once
// Funding (Binance's CLOB formula, paid hourly like Hyperliquid, settled through Drift's
// cumulative index). Pure functions; the RiskEngine keeps the per-market state.
//
// - Premium sample (every sample interval of command time):
//   (max(0, impact_bid - oracle) - max(0, oracle - impact_ask)) / oracle, in 1e-9, truncated.
//   Impact notional = impact margin notional (500 USDC) / initial ratio. A missing impact price
//   is replaced by the book mid; with no mid (empty or one-sided book) the sample is 0.
// - 8-hour rate = P + clamp(interest - P, -clamp, +clamp), P the mean of the interval's samples
//   (0 with none). Per interval: rate x interval / 8 h (truncated), then capped at
//   +/- min(hourly cap x interval / 1 h, 0.75 x (initial - maintenance ratio)).
// - Index: cumulative_index += rate x oracle funding TWAP (1e-15 USDC per whole base unit).
// - Payment = base x (index - last_index) / 1e18 in 1e-6 USDC, positive = the account pays (longs
//   when the rate is positive). Rounded up: payers pay the fraction, receivers lose it, so the
//   sum of payments is >= 0 and that residue (< 1e-6 USDC per position per interval) goes to the
//   venue fee account.

#include <cstdint>
#include <optional>
#include <span>

#include "core/fixed_point.hpp"
#include "core/order_types.hpp"
#include "risk/checked_math.hpp"
#include "risk/risk_units.hpp"

namespace qd::risk {

struct FundingParams {
  TimestampNs interval_ns = NS_PER_HOUR;  ///< paid at multiples of this (UTC aligned)
  TimestampNs sample_interval_ns = 5 * NS_PER_SECOND;
  Quote impact_margin_notional{500 * QUOTE_PRECISION};  ///< / initial ratio = impact notional
  int64_t interest_8h = 100'000;                        ///< 0.01% per 8 h, 1e-9
  int64_t premium_clamp_8h = 500'000;                   ///< +/- 0.05% per 8 h, 1e-9
  int64_t max_hourly_rate = 1'250'000;                  ///< 0.125% per hour, 1e-9
  int64_t margin_cap_bps = 7'500;                       ///< cap at 75% of (initial - maintenance)
};

/// impact margin notional / initial ratio, rounded down (5,000 USDC at 10%).
std::optional<Quote> impact_notional(Quote impact_margin_notional, int64_t initial_ratio_bps);

/// One price level of a book side: the engine walks its own book and hands these in.
struct BookLevel {
  Price price;  ///< 1e-6
  Qty qty;      ///< 1e-9, > 0
};

/// Average price of taking `notional` from these levels in order (best first): the notional
/// divided by the base it takes, the last level taken partly. Selling into bids rounds down,
/// buying from asks up. nullopt when the levels hold less than the notional.
std::optional<Price> impact_price(std::span<const BookLevel> levels, Quote notional, Side taker);

/// One premium sample in 1e-9 (see the header). impact_bid/ask 0 = use mid; mid 0 = none.
std::optional<int64_t> premium_sample(Price oracle, Price impact_bid, Price impact_ask, Price mid);

/// 8-hour rate from the average premium: P + clamp(interest - P, -clamp, clamp). 1e-9.
std::optional<int64_t> funding_rate_8h(int64_t avg_premium, int64_t interest_8h,
                                       int64_t premium_clamp_8h);

/// The rate paid for one interval: rate_8h x interval / 8 h, truncated, capped (see header).
std::optional<int64_t> funding_rate_per_interval(int64_t rate_8h, TimestampNs interval_ns,
                                                 const FundingParams& params,
                                                 int64_t initial_ratio_bps,
                                                 int64_t maintenance_ratio_bps);

/// rate (1e-9) x oracle TWAP (1e-6): the index increment, 1e-15 USDC per whole base unit.
Wide funding_index_delta(int64_t rate, Price oracle_twap);

/// What a position pays (> 0) or receives (< 0) between two index values, rounded up.
std::optional<Quote> funding_payment(Qty base, i128 last_index, i128 index);

}  // namespace qd::risk
