#include "risk/position_math.hpp"

#include "risk/risk_units.hpp"

namespace qd::risk {

const char* to_string(PositionChange c) {
  switch (c) {
    case PositionChange::open:
      return "open";
    case PositionChange::increase:
      return "increase";
    case PositionChange::reduce:
      return "reduce";
    case PositionChange::close:
      return "close";
    case PositionChange::flip:
      return "flip";
  }
  return "unknown";
}

std::optional<Quote> fill_notional(Side side, Price price, Qty qty) {
  if (price.raw <= 0 || qty.raw <= 0) return std::nullopt;
  Wide scaled = Wide(price) * Wide(qty);
  Wide n = side == Side::buy ? div_ceil(scaled, QTY_PRECISION) : div_floor(scaled, QTY_PRECISION);
  return to_fixed<Quote>(n);
}

std::optional<Quote> trading_fee(Quote notional, int64_t fee_ppm) {
  if (notional.raw < 0) return std::nullopt;
  if (fee_ppm >= 0) return to_fixed<Quote>(div_ceil(Wide(notional) * fee_ppm, PPM));
  return to_fixed<Quote>(-div_floor(Wide(notional) * (-Wide(fee_ppm)), PPM));
}

namespace {

// Division of a signed amount by a positive share, truncated toward zero (Drift's proportion).
Wide proportion_trunc(Quote amount, Qty part, Qty whole) {
  return div_trunc(Wide(amount) * Wide(part), Wide(whole));
}

}  // namespace

std::optional<FillEffect> apply_fill_to_position(const Position& p, Side side, Price price, Qty qty,
                                                 Quote fee) {
  auto total = fill_notional(side, price, qty);
  if (!total) return std::nullopt;
  const int64_t dir = side == Side::buy ? 1 : -1;

  FillEffect e;
  e.after = p;
  e.notional = *total;
  Wide base = Wide(p.base);
  Wide entry = Wide(p.quote_entry);
  Wide be = Wide(p.quote_break_even);
  Wide realized = 0;

  const bool same_direction = p.base.raw == 0 || (p.base.raw > 0) == (dir > 0);
  if (same_direction) {
    e.change = p.base.raw == 0 ? PositionChange::open : PositionChange::increase;
    e.opened = qty;
    base = base + Wide(dir) * Wide(qty);
    entry = entry + Wide(dir) * Wide(*total);
    be = be + Wide(dir) * Wide(*total);
  } else {
    const Qty held(p.base.raw > 0 ? p.base.raw : -p.base.raw);
    const Qty closing = qty < held ? qty : held;
    const Qty opening = qty - closing;
    // The closing part's notional is rounded on its own; the opening part gets the rest, so the
    // two add up to exactly what the side pays or receives.
    Wide close_notional = Wide(*total);
    if (opening.raw > 0) {
      auto c = fill_notional(side, price, closing);
      if (!c) return std::nullopt;
      close_notional = Wide(*c);
    }
    Wide released = closing == held ? entry : proportion_trunc(p.quote_entry, closing, held);
    Wide be_released = closing == held ? be : proportion_trunc(p.quote_break_even, closing, held);
    // Long closing (sell): receives close_notional for released entry. Short closing (buy): pays
    // close_notional for |released| of entry (negative). Both: -dir * notional - released.
    realized = -(Wide(dir) * close_notional) - released;
    base = base + Wide(dir) * Wide(closing);
    entry = entry - released;
    be = be - be_released;
    e.closed = closing;
    if (opening.raw > 0) {
      e.change = PositionChange::flip;
      e.opened = opening;
      Wide open_notional = Wide(*total) - close_notional;
      base = Wide(dir) * Wide(opening);
      entry = Wide(dir) * open_notional;
      be = entry;
    } else {
      e.change = closing == held ? PositionChange::close : PositionChange::reduce;
    }
  }

  auto base_after = to_i64(base);
  if (!base_after) return std::nullopt;
  if (*base_after != 0) {
    be = be + Wide(fee);
  } else {
    entry = 0;  // flat: nothing left to carry (exact at close, see released above)
    be = 0;
  }
  auto entry_after = to_fixed<Quote>(entry);
  auto be_after = to_fixed<Quote>(be);
  auto realized_q = to_fixed<Quote>(realized);
  auto cum_realized = to_fixed<Quote>(Wide(p.realized_pnl) + realized);
  auto cash = to_fixed<Quote>(realized - Wide(fee));
  if (!entry_after || !be_after || !realized_q || !cum_realized || !cash) return std::nullopt;
  e.after.base = Qty(*base_after);
  e.after.quote_entry = *entry_after;
  e.after.quote_break_even = *be_after;
  e.after.realized_pnl = *cum_realized;
  e.realized_pnl = *realized_q;
  e.cash_delta = *cash;
  return e;
}

namespace {

std::optional<Price> per_base_trunc(Quote amount, Qty base) {
  if (base.raw == 0) return Price(0);
  return to_fixed<Price>(div_trunc(Wide(amount) * QTY_PRECISION, Wide(base)));
}

}  // namespace

std::optional<Price> entry_price_trunc(const Position& p) {
  return per_base_trunc(p.quote_entry, p.base);
}

std::optional<Price> break_even_price_trunc(const Position& p) {
  return per_base_trunc(p.quote_break_even, p.base);
}

}  // namespace qd::risk
