#pragma once
// A stable, explicit binary form of every Command and Event: little-endian integers, field by
// field, in the order listed below. The journal stores commands in this form and hashes events
// in it, so changing a listing changes the journal format: bump journal_format_version.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "core/command.hpp"
#include "core/event.hpp"

namespace qd {

inline constexpr uint32_t journal_format_version = 1;

class ByteWriter {
 public:
  template <class T>
  void operator()(const T& v) { put(v); }
  const std::string& bytes() const { return out_; }
  void clear() { out_.clear(); }

 private:
  template <class T>
  void put(const T& v) {
    if constexpr (std::is_enum_v<T>) {
      put(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_same_v<T, bool>) {
      out_.push_back(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      auto u = static_cast<std::make_unsigned_t<T>>(v);
      for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(char((u >> (8 * i)) & 0xff));
    } else if constexpr (requires { v.raw; T::decimals; }) {
      put(v.raw);
    } else if constexpr (std::is_same_v<T, ClientOrderId>) {
      const std::string_view s = v.view();
      put(uint8_t(s.size()));
      out_.append(s);
    } else if constexpr (std::is_same_v<T, std::string>) {
      put(uint32_t(v.size()));
      out_.append(v);
    } else {
      describe(*this, const_cast<T&>(v));
    }
  }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  template <class T>
  void operator()(T& v) { get(v); }
  bool done() const { return pos_ == in_.size(); }

 private:
  void need(size_t n) {
    if (in_.size() - pos_ < n) throw std::runtime_error("truncated record");
  }
  template <class T>
  void get(T& v) {
    if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> u{};
      get(u);
      v = static_cast<T>(u);
    } else if constexpr (std::is_same_v<T, bool>) {
      need(1);
      v = in_[pos_++] != 0;
    } else if constexpr (std::is_integral_v<T>) {
      need(sizeof(T));
      std::make_unsigned_t<T> u = 0;
      for (size_t i = 0; i < sizeof(T); ++i)
        u |= std::make_unsigned_t<T>(uint8_t(in_[pos_ + i])) << (8 * i);
      pos_ += sizeof(T);
      v = static_cast<T>(u);
    } else if constexpr (requires { v.raw; T::decimals; }) {
      get(v.raw);
    } else if constexpr (std::is_same_v<T, ClientOrderId>) {
      uint8_t n = 0;
      get(n);
      if (n > ClientOrderId::max_size) throw std::runtime_error("client id too long");
      need(n);
      v.assign(in_.substr(pos_, n));
      pos_ += n;
    } else if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = 0;
      get(n);
      need(n);
      v.assign(in_.substr(pos_, n));
      pos_ += n;
    } else {
      describe(*this, v);
    }
  }
  std::string_view in_;
  size_t pos_ = 0;
};

// --- field listings (one per type; order is the format)
template <class A> void describe(A& a, Origin& v) { a(v.account); a(v.session); }
template <class A> void describe(A& a, OrderRef& v) { a(v.order_id); a(v.orig_client_id); }
template <class A> void describe(A& a, ExecId& v) { a(v.seq); a(v.index); }
template <class A> void describe(A& a, NewOrder& v) {
  a(v.origin); a(v.market); a(v.client_id); a(v.side); a(v.type); a(v.tif); a(v.price);
  a(v.stop_price); a(v.qty); a(v.expire_time); a(v.post_only); a(v.reduce_only);
  a(v.has_stp_override); a(v.stp);
}
template <class A> void describe(A& a, CancelOrder& v) { a(v.origin); a(v.market); a(v.ref); a(v.client_id); }
template <class A> void describe(A& a, ReplaceOrder& v) {
  a(v.origin); a(v.market); a(v.ref); a(v.client_id); a(v.side); a(v.price); a(v.stop_price); a(v.qty);
}
template <class A> void describe(A& a, MassCancel& v) { a(v.origin); a(v.scope); a(v.market); a(v.client_id); a(v.reason); }
template <class A> void describe(A& a, SetMarkPrice& v) { a(v.market); a(v.mark); }
template <class A> void describe(A&, ClockTick&) {}
template <class A> void describe(A& a, SetMarketStatus& v) { a(v.market); a(v.status); }
template <class A> void describe(A& a, Deposit& v) { a(v.account); a(v.amount); }
template <class A> void describe(A& a, Withdraw& v) { a(v.account); a(v.amount); }
template <class A> void describe(A& a, SetOraclePrice& v) {
  a(v.market); a(v.price); a(v.confidence); a(v.publish_time); a(v.fallback);
}
template <class A> void describe(A& a, MarketParams& v) {
  a(v.min_size); a(v.min_notional); a(v.max_order_size); a(v.max_order_notional);
  a(v.price_band_bps); a(v.day_end_offset_ns); a(v.initial_margin_bps);
  a(v.maintenance_margin_bps); a(v.imf_factor_ppm); a(v.max_position); a(v.open_interest_cap);
  a(v.maker_fee_ppm); a(v.taker_fee_ppm); a(v.liquidation_fee_bps); a(v.liquidation_buffer_bps);
  a(v.gain_weight_bps); a(v.funding_sample_interval_ns); a(v.impact_margin_notional);
  a(v.funding_interest_8h); a(v.funding_premium_clamp_8h); a(v.funding_max_hourly_rate);
  a(v.oracle_margin_staleness_ns); a(v.oracle_fill_staleness_ns); a(v.oracle_max_confidence_bps);
  a(v.mark_band_bps);
}
template <class A> void describe(A& a, UpdateMarketParams& v) { a(v.market); a(v.params); }
template <class A> void describe(A& a, UpdateAccount& v) {
  a(v.account); a(v.stp_mode); a(v.stp_group); a(v.max_open_orders); a(v.enabled);
}

template <class A> void describe(A& a, OrderState& v) {
  a(v.order_id); a(v.origin); a(v.market); a(v.client_id); a(v.orig_client_id); a(v.side); a(v.type);
  a(v.tif); a(v.status); a(v.price); a(v.stop_price); a(v.order_qty); a(v.leaves_qty); a(v.cum_qty);
  a(v.avg_price); a(v.expire_time); a(v.post_only); a(v.reduce_only);
}
template <class A> void describe(A& a, OrderAccepted& v) { a(v.order); }
template <class A> void describe(A& a, OrderRejected& v) { a(v.order); a(v.reason); a(v.text); }
template <class A> void describe(A& a, OrderTriggered& v) { a(v.order); }
template <class A> void describe(A& a, OrderFilled& v) {
  a(v.order); a(v.trade_id); a(v.counterparty_order_id); a(v.counterparty_account); a(v.last_price);
  a(v.last_qty); a(v.liquidity); a(v.aggressor_side); a(v.fee); a(v.realized_pnl);
  a(v.position_after); a(v.collateral_after); a(v.liquidation);
}
template <class A> void describe(A& a, OrderCanceled& v) { a(v.order); a(v.canceled_qty); a(v.reason); a(v.request_client_id); }
template <class A> void describe(A& a, OrderRestated& v) { a(v.order); a(v.reduced_by); a(v.reason); }
template <class A> void describe(A& a, OrderReplaced& v) { a(v.order); a(v.kept_priority); }
template <class A> void describe(A& a, CancelRejected& v) {
  a(v.origin); a(v.market); a(v.order_id); a(v.client_id); a(v.orig_client_id); a(v.status);
  a(v.response_to); a(v.reason);
}
template <class A> void describe(A& a, MassCancelDone& v) {
  a(v.origin); a(v.scope); a(v.market); a(v.client_id); a(v.canceled); a(v.reason);
}
template <class A> void describe(A& a, MarkPriceSet& v) { a(v.market); a(v.mark); }
template <class A> void describe(A& a, MarketStatusChanged& v) { a(v.market); a(v.status); }
template <class A> void describe(A& a, CollateralChanged& v) {
  a(v.account); a(v.amount); a(v.collateral_after); a(v.reason);
}
template <class A> void describe(A& a, CollateralRejected& v) {
  a(v.account); a(v.amount); a(v.reason_kind); a(v.reason); a(v.text);
}
template <class A> void describe(A& a, OraclePriceSet& v) {
  a(v.market); a(v.price); a(v.confidence); a(v.publish_time); a(v.validity); a(v.fallback);
}
template <class A> void describe(A& a, FundingRateApplied& v) {
  a(v.market); a(v.rate); a(v.rate_8h); a(v.average_premium); a(v.oracle_twap); a(v.residue_to_venue);
}
template <class A> void describe(A& a, FundingPaid& v) {
  a(v.market); a(v.account); a(v.base); a(v.amount); a(v.collateral_after);
}
template <class A> void describe(A& a, LiquidationTriggered& v) {
  a(v.account); a(v.equity); a(v.maintenance); a(v.shortage); a(v.market); a(v.qty);
  a(v.limit_price); a(v.bankruptcy_price);
}
template <class A> void describe(A& a, InsuranceTakeover& v) {
  a(v.account); a(v.market); a(v.account_side); a(v.qty); a(v.price); a(v.account_collateral_after);
  a(v.fund_collateral_after);
}
template <class A> void describe(A& a, AutoDeleveraged& v) {
  a(v.account); a(v.counterparty); a(v.market); a(v.counterparty_side); a(v.qty); a(v.price);
  a(v.counterparty_realized_pnl); a(v.counterparty_position_after);
  a(v.counterparty_collateral_after); a(v.account_collateral_after);
}
template <class A> void describe(A& a, DeficitCovered& v) {
  a(v.account); a(v.deficit); a(v.insurance_paid); a(v.socialized);
}
template <class A> void describe(A& a, ConfigChanged& v) {
  a(v.target); a(v.id); a(v.reason); a(v.text);
}

/// A variant as its alternative's index (one byte) followed by the alternative's fields.
template <class A, class... Ts>
void describe(A& a, std::variant<Ts...>& v) {
  static_assert(sizeof...(Ts) < 256);
  if constexpr (std::is_same_v<A, ByteWriter>) {
    a(uint8_t(v.index()));
    std::visit([&](auto& alt) { a(alt); }, v);
  } else {
    uint8_t index = 0;
    a(index);
    if (index >= sizeof...(Ts)) throw std::runtime_error("unknown record type");
    emplace_by_index<0, Ts...>(a, v, index);
  }
}

template <size_t I, class... Ts, class A>
void emplace_by_index(A& a, std::variant<Ts...>& v, uint8_t index) {
  if constexpr (I < sizeof...(Ts)) {
    if (index == I) {
      a(v.template emplace<I>());
      return;
    }
    emplace_by_index<I + 1, Ts...>(a, v, index);
  }
}

template <class A> void describe(A& a, Command& v) { a(v.seq); a(v.ts); a(v.body); }
template <class A> void describe(A& a, Event& v) { a(v.seq); a(v.index); a(v.ts); a(v.body); }

/// FNV-1a 64 over bytes: the journal's event hash.
inline uint64_t fnv1a(std::string_view bytes, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace qd
