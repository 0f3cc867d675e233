// Admission rules for new and replaced orders: the market's grid and limits, the band, types and
// time in force. Every refusal names its reason; nothing here changes state.

#include "engine/exchange.hpp"

namespace qd {

namespace {

/// 10^15 base units of 1e-9: a million whole units, whatever the market's own limit.
constexpr int64_t max_order_qty_raw = 1'000'000'000'000'000;

constexpr bool on_grid(int64_t value, int64_t step) { return step > 0 && value % step == 0; }

/// reference x (1 +/- band), exact in 128 bits, rounded towards the reference.
Price band_limit(Price reference, int64_t band_bps, bool upper) {
  const __int128 delta = static_cast<__int128>(reference.raw) * band_bps / BPS_PRECISION;
  return Price(static_cast<int64_t>(upper ? reference.raw + delta : reference.raw - delta));
}

}  // namespace

Price Exchange::protection_price(const Market& m, Side side) const {
  const int64_t tick = m.spec.tick_size.raw;
  const Price edge = band_limit(*m.mark, m.spec.price_band_bps, side == Side::buy);
  // Stay inside the band on the tick grid: buys round down, sells round up.
  int64_t t = edge.raw / tick;
  if (side == Side::sell && edge.raw % tick != 0) ++t;
  return Price(std::max<int64_t>(t, 1) * tick);
}

RejectReason Exchange::validate_price_qty(const Market& m, OrderType type, Side side, Price price,
                                          Qty qty) const {
  const MarketSpec& s = m.spec;
  if (qty.raw <= 0) return RejectReason::invalid_quantity;
  // An absolute cap keeps every level and account total far inside 64 bits.
  if (qty.raw > max_order_qty_raw) return RejectReason::above_max_order_size;
  if (!on_grid(qty.raw, s.lot_size.raw)) return RejectReason::quantity_not_on_lot;
  if (qty < s.min_size) return RejectReason::below_min_size;
  if (s.max_order_size.raw > 0 && qty > s.max_order_size) return RejectReason::above_max_order_size;

  Price effective = price;
  if (type == OrderType::market || type == OrderType::stop_market) {
    if (type == OrderType::market && !m.mark) return RejectReason::no_reference_price;
    if (!m.mark) return RejectReason::none;  // a stop-market's notional is known at trigger time
    effective = protection_price(m, side);
  } else {
    if (price.raw <= 0) return RejectReason::invalid_price;
    if (!on_grid(price.raw, s.tick_size.raw)) return RejectReason::price_not_on_tick;
    if (!m.book.price_in_range(price.raw / s.tick_size.raw)) return RejectReason::outside_price_band;
    if (type == OrderType::limit && m.mark) {
      if (side == Side::buy && price > band_limit(*m.mark, s.price_band_bps, true))
        return RejectReason::outside_price_band;
      if (side == Side::sell && price < band_limit(*m.mark, s.price_band_bps, false))
        return RejectReason::outside_price_band;
    }
  }
  // Compared unrounded in 128 bits (1e-15 USDC): a huge quantity's notional does not fit the
  // 64-bit Quote, and wrapped it could pass either limit.
  const __int128 notional = notional_scaled(effective, qty);
  if (notional < static_cast<__int128>(s.min_notional.raw) * QTY_PRECISION)
    return RejectReason::below_min_notional;
  if (s.max_order_notional.raw > 0 &&
      notional > static_cast<__int128>(s.max_order_notional.raw) * QTY_PRECISION)
    return RejectReason::above_max_order_notional;
  return RejectReason::none;
}

RejectReason Exchange::validate(const NewOrder& c, TimestampNs now) const {
  if (c.market >= markets_.size()) return RejectReason::unknown_market;
  const Market& m = *markets_[c.market];
  if (m.spec.status == MarketStatus::halted) return RejectReason::market_halted;
  if (m.spec.status == MarketStatus::closed) return RejectReason::market_closed;
  const AccountSpec* acct = account(c.origin.account);
  if (!acct) return RejectReason::unknown_account;
  if (!acct->enabled) return RejectReason::account_disabled;
  if (!ClientOrderId::fits(c.client_id.view())) return RejectReason::client_order_id_too_long;

  const bool is_stop = c.type == OrderType::stop_market || c.type == OrderType::stop_limit;
  // Post-only is judged against the book at entry. A stop meets the book only when it triggers,
  // long after it was accepted, so a post-only stop is refused like a post-only market or IOC.
  if (c.post_only &&
      (c.type != OrderType::limit || c.tif == TimeInForce::ioc || c.tif == TimeInForce::fok))
    return RejectReason::invalid_order_type;
  if (is_stop) {
    if (c.stop_price.raw <= 0) return RejectReason::missing_stop_price;
    if (!on_grid(c.stop_price.raw, m.spec.tick_size.raw)) return RejectReason::price_not_on_tick;
  }
  if (RejectReason r = validate_price_qty(m, c.type, c.side, c.price, c.qty); r != RejectReason::none)
    return r;
  if (c.tif == TimeInForce::gtd && c.expire_time <= now) return RejectReason::invalid_expire_time;
  if (orders_.open_orders(c.origin.account) >= acct->max_open_orders)
    return RejectReason::too_many_open_orders;
  if (orders_.find_by_client_id(c.origin.account, c.client_id.view()))
    return RejectReason::duplicate_client_order_id;
  if (is_stop && m.mark) {
    const bool reached = c.side == Side::buy ? *m.mark >= c.stop_price : *m.mark <= c.stop_price;
    if (reached) return RejectReason::stop_price_already_triggered;
  }
  if (c.post_only && m.book.crosses(c.side, c.price.raw / m.spec.tick_size.raw))
    return RejectReason::post_only_would_take;
  return RejectReason::none;
}

}  // namespace qd
