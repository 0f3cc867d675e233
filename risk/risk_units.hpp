#pragma once
// The scales of every risk quantity that is not a Price, Qty or Quote (those are in
// core/fixed_point.hpp). Kept in qd::risk so they never collide with the config's constants.

#include <cstdint>

#include "core/ids.hpp"
#include "risk/checked_math.hpp"

namespace qd::risk {

/// Margin ratios, weights, bands and buffers: basis points. 1000 = 10%. expo = -4
inline constexpr int64_t BPS = 10'000;
/// Fees, the size-premium factor and fine-grained margin ratios: parts per million. expo = -6
inline constexpr int64_t PPM = 1'000'000;
/// Funding and premium rates. 700'000 = 0.07%. expo = -9
inline constexpr int64_t RATE_PRECISION = 1'000'000'000;
/// Cumulative funding index: rate (1e-9) x price (1e-6 USDC per whole base unit), so
/// 1e-15 USDC per whole base unit. A position pays base(1e-9) x delta / 1e18 in 1e-6 USDC.
inline constexpr int64_t FUNDING_INDEX_PRECISION = 1'000'000'000'000'000;      // expo = -15
inline constexpr int64_t FUNDING_PAYMENT_DIVISOR = 1'000'000'000'000'000'000;  // 1e18

inline constexpr TimestampNs NS_PER_SECOND = 1'000'000'000;
inline constexpr TimestampNs NS_PER_HOUR = 3'600 * NS_PER_SECOND;
inline constexpr TimestampNs NS_PER_8_HOURS = 8 * NS_PER_HOUR;

/// Basis points to parts per million (exact).
constexpr int64_t bps_to_ppm(int64_t bps) {
  return bps * (PPM / BPS);
}

}  // namespace qd::risk
