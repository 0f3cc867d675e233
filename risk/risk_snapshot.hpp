#pragma once
// Field listings of the risk state for engine snapshots (engine/snapshot.hpp), in
// core/serialization.hpp's style: one describe() per type, the order of the calls is the format.
// Changing a listing changes the snapshot format: bump snapshot_format_version.

#include <map>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "core/market_spec.hpp"
#include "core/serialization.hpp"
#include "risk/account.hpp"
#include "risk/market_state.hpp"

namespace qd {

/// A 128-bit integer as two little-endian 64-bit halves (low first).
template <class A>
void describe_wide(A& a, __int128& v) {
  using U = unsigned __int128;
  if constexpr (std::is_same_v<A, ByteReader>) {
    uint64_t lo = 0, hi = 0;
    a(lo);
    a(hi);
    v = static_cast<__int128>((U(hi) << 64) | U(lo));
  } else {
    const U u = static_cast<U>(v);
    a(uint64_t(u));
    a(uint64_t(u >> 64));
  }
}

/// An optional as a presence byte and, when present, the value.
template <class A, class T>
void describe_optional(A& a, std::optional<T>& v) {
  bool has = v.has_value();
  a(has);
  if constexpr (std::is_same_v<A, ByteReader>) {
    if (has) {
      T t{};
      a(t);
      v = t;
    } else {
      v.reset();
    }
  } else if (has) {
    a(*v);
  }
}

/// An ordered map as a count and its entries in key order. Reading rejects keys out of order.
template <class A, class K, class V, class C>
void describe_map(A& a, std::map<K, V, C>& m) {
  uint64_t n = m.size();
  a(n);
  if constexpr (std::is_same_v<A, ByteReader>) {
    m.clear();
    for (uint64_t i = 0; i < n; ++i) {
      K k{};
      V v{};
      a(k);
      a(v);
      if (!m.empty() && !m.key_comp()(std::prev(m.end())->first, k))
        throw std::runtime_error("snapshot: map keys out of order");
      m.emplace_hint(m.end(), k, std::move(v));
    }
  } else {
    for (auto& [k, v] : m) {
      K key = k;
      a(key);
      a(v);
    }
  }
}

template <class A>
void describe(A& a, MarketSpec& v) {
  a(v.id);
  a(v.symbol);
  a(v.tick_size);
  a(v.lot_size);
  a(v.min_size);
  a(v.min_notional);
  a(v.max_order_size);
  a(v.max_order_notional);
  a(v.price_band_bps);
  a(v.status);
  a(v.day_end_offset_ns);
}

namespace risk {

template <class A>
void describe(A& a, OracleParams& v) {
  a(v.max_volatility_ratio);
  a(v.max_confidence_bps);
  a(v.margin_staleness_ns);
  a(v.fill_staleness_ns);
  a(v.twap_period_ns);
  a(v.funding_twap_period_ns);
  a(v.liquidation_pause_bps);
}
template <class A>
void describe(A& a, MarkParams& v) {
  a(v.ema_period_ns);
  a(v.band_bps);
}
template <class A>
void describe(A& a, FundingParams& v) {
  a(v.interval_ns);
  a(v.sample_interval_ns);
  a(v.impact_margin_notional);
  a(v.interest_8h);
  a(v.premium_clamp_8h);
  a(v.max_hourly_rate);
  a(v.margin_cap_bps);
}
template <class A>
void describe(A& a, MarketRiskParams& v) {
  a(v.initial_margin_bps);
  a(v.maintenance_margin_bps);
  a(v.imf_factor_ppm);
  a(v.max_position);
  a(v.open_interest_cap);
  a(v.oi_ramp_lower);
  a(v.oi_ramp_upper);
  a(v.gain_weight_bps);
  a(v.maker_fee_ppm);
  a(v.taker_fee_ppm);
  a(v.liquidation_fee_bps);
  a(v.liquidation_buffer_bps);
  a(v.fillable_spread_bps);
  a(v.oracle);
  a(v.mark);
  a(v.funding);
}
template <class A>
void describe(A& a, OracleReading& v) {
  a(v.price);
  a(v.confidence);
  a(v.publish_time);
}
template <class A>
void describe(A& a, OracleSourceState& v) {
  a(v.has_reading);
  a(v.last);
  a(v.at_receipt);
  a(v.paused_at_receipt);
  a(v.twap);
  a(v.funding_twap);
  a(v.twap_time);
}
template <class A>
void describe(A& a, BookTop& v) {
  a(v.best_bid);
  a(v.best_ask);
  a(v.last_trade);
  a(v.impact_bid);
  a(v.impact_ask);
}
template <class A>
void describe(A& a, BasisEma& v) {
  a(v.seeded);
  a(v.basis);
  a(v.sample_time);
}
template <class A>
void describe(A& a, MarketState& v) {
  a(v.spec);
  a(v.params);
  a(v.primary);
  a(v.fallback);
  a(v.last_top);
  a(v.basis);
  a(v.mark);
  a(v.has_mark);
  describe_wide(a, v.funding_index);
  describe_wide(a, v.premium_sum);
  a(v.premium_samples);
  a(v.sampled);
  a(v.last_sample_time);
  a(v.funding_started);
  a(v.funding_anchor);
  a(v.last_rate);
  a(v.long_open_interest);
}
template <class A>
void describe(A& a, Position& v) {
  a(v.base);
  a(v.quote_entry);
  a(v.quote_break_even);
  a(v.realized_pnl);
  describe_wide(a, v.last_funding_index);
}
template <class A>
void describe(A& a, OrderExposure& v) {
  a(v.bids);
  a(v.asks);
}
template <class A>
void describe(A& a, AccountMarket& v) {
  a(v.position);
  a(v.orders);
}
template <class A>
void describe(A& a, Account& v) {
  a(v.id);
  a(v.collateral);
  describe_map(a, v.markets);
}
template <class A>
void describe(A& a, InsuranceFund& v) {
  a(v.account);
  a(v.seeded);
  a(v.liquidation_fees);
  a(v.deficits_paid);
}
template <class A>
void describe(A& a, VenueFeeAccount& v) {
  a(v.balance);
  a(v.trading_fees);
  a(v.rebates_paid);
  a(v.rounding_residue);
  a(v.funding_residue);
}
template <class A>
void describe(A& a, MoneyLedger& v) {
  a(v.deposits);
  a(v.withdrawals);
  a(v.socialized_loss);
}

}  // namespace risk
}  // namespace qd
