#pragma once
// The mark price (Hyperliquid's shape): median(oracle + EMA150s(book mid - oracle),
// median(best bid, best ask, last trade)), clamped to oracle +/- band. Empty or one-sided book:
// the oracle. The mark values positions and is the price band's reference.
//
// Median of two: with only these two legs (Hyperliquid has a third, other venues' prices), the
// median of two values is their mean, rounded down here.
//
// EMA discretisation: the basis (mid - oracle) follows d(ema)/dt = (sample - ema) / tau, integrated
// with one backward-Euler step per sample over the command time dt since the previous sample:
//   ema' = (tau x ema + dt x sample) / (tau + dt), rounded down.
// Stable for any dt (the weight dt / (tau + dt) stays below 1), exact in integers, and a sample at
// the same instant as the previous one (dt = 0) changes nothing. The first sample seeds the EMA.

#include <cstdint>
#include <optional>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "risk/risk_units.hpp"

namespace qd::risk {

struct MarkParams {
  TimestampNs ema_period_ns = 150 * NS_PER_SECOND;  ///< tau of the basis EMA
  int64_t band_bps = 100;                           ///< mark within oracle +/- 1%
};

/// The top of one market's book as the engine sees it after a command. 0 = absent.
struct BookTop {
  Price best_bid;    ///< 1e-6; 0 = no bids
  Price best_ask;    ///< 1e-6; 0 = no asks
  Price last_trade;  ///< 1e-6; 0 = no trade yet (the mid stands in)
  Price impact_bid;  ///< average price selling the impact notional into the bids; 0 = too thin
  Price impact_ask;  ///< average price buying the impact notional from the asks; 0 = too thin

  constexpr bool two_sided() const { return best_bid.raw > 0 && best_ask.raw > 0; }
};

/// The basis EMA of one market.
struct BasisEma {
  bool seeded = false;
  int64_t basis = 0;  ///< EMA of (mid - oracle), 1e-6 USDC, signed
  TimestampNs sample_time = 0;
};

/// The mid of a two-sided book, rounded down; nullopt for an empty or one-sided book.
std::optional<Price> book_mid(const BookTop& top);

/// Median of three prices.
Price median3(Price a, Price b, Price c);

/// Backward-Euler step of the basis EMA (see the header comment). Returns the new state.
std::optional<BasisEma> ema_step(const BasisEma& ema, int64_t sample, TimestampNs now,
                                 TimestampNs period);

/// [oracle x (1 - band), oracle x (1 + band)], bounds rounded inward.
std::optional<Price> band_low(Price oracle, int64_t band_bps);
std::optional<Price> band_high(Price oracle, int64_t band_bps);

/// The mark from the oracle, the book and the current basis EMA (already stepped with this
/// book's sample). oracle must be positive.
std::optional<Price> compute_mark(Price oracle, const BookTop& top, const BasisEma& ema,
                                  int64_t band_bps);

}  // namespace qd::risk
