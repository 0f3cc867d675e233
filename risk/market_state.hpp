#pragma once
// The mutable risk state of one market: oracle sources, mark, funding, open interest.

#include <cstdint>

#include "core/market_spec.hpp"
#include "risk/checked_math.hpp"
#include "risk/mark_price.hpp"
#include "risk/market_risk_params.hpp"
#include "risk/oracle.hpp"

namespace qd::risk {

/// Which price source an oracle update came from; the fallback is used while it is valid and
/// the primary is not (both judged by the same thresholds).
enum class OracleSource : uint8_t { primary, fallback };

struct MarketState {
  MarketSpec spec;  ///< tick and lot (core)
  MarketRiskParams params;

  OracleSourceState primary;
  OracleSourceState fallback;

  BookTop last_top;  ///< the book as of the last update_mark
  BasisEma basis;    ///< EMA150s of (mid - oracle)
  Price mark;        ///< 1e-6; valid when has_mark
  bool has_mark = false;

  i128 funding_index = 0;  ///< cumulative, 1e-15 USDC per whole base unit
  i128 premium_sum = 0;    ///< sum of this interval's premium samples, 1e-9
  int64_t premium_samples = 0;
  bool sampled = false;              ///< a premium sample was ever taken
  TimestampNs last_sample_time = 0;  ///< command time of the last premium sample
  bool funding_started = false;      ///< the first funding_tick anchors the interval clock
  TimestampNs funding_anchor = 0;    ///< start of the current interval (a multiple of it)
  int64_t last_rate = 0;             ///< last interval's rate, 1e-9

  Qty long_open_interest;  ///< sum of long positions = sum of short positions, 1e-9

  const OracleSourceState& source(TimestampNs now) const {
    if (fallback.has_reading &&
        fallback.validity(now, params.oracle) < primary.validity(now, params.oracle)) {
      return fallback;
    }
    return primary;
  }
  OracleValidity validity(TimestampNs now) const {
    return source(now).validity(now, params.oracle);
  }
  /// The effective oracle price (0 when missing).
  Price oracle_price(TimestampNs now) const { return source(now).last.price; }
};

}  // namespace qd::risk
