#pragma once
// Static trading rules of one market, validated once from config (exchange-core's
// CoreSymbolSpecification). Changes arrive as sequenced commands so replay sees them.

#include <cstdint>
#include <string>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/order_types.hpp"

namespace qd {

/// Basis points: 1 bp = 0.01%. 500 = 5%.
inline constexpr int64_t BPS_PRECISION = 10'000;

struct MarketSpec {
  MarketId id = 0;
  std::string symbol;          ///< e.g. "BTC-PERP"
  Price tick_size{1};          ///< prices are multiples of this (1e-6 USDC)
  Qty lot_size{1};             ///< quantities are multiples of this (1e-9 base)
  Qty min_size{0};             ///< smallest order quantity (1e-9 base); 0 = one lot
  Quote min_notional{0};       ///< smallest price x qty (1e-6 USDC); 0 = none
  Qty max_order_size{0};       ///< largest order quantity (1e-9 base); 0 = none
  Quote max_order_notional{0}; ///< largest price x qty (1e-6 USDC); 0 = none
  int64_t price_band_bps = 500;///< limit prices within reference +/- band; market orders capped there
  MarketStatus status = MarketStatus::open;
  /// Day orders expire at this offset from UTC midnight (ns), e.g. 0 = 00:00 UTC.
  TimestampNs day_end_offset_ns = 0;
};

}  // namespace qd
