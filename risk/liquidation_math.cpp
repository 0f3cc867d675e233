#include "risk/liquidation_math.hpp"

#include "risk/checked_math.hpp"
#include "risk/risk_units.hpp"

namespace qd::risk {

std::optional<Quote> liquidation_buffer(Quote notional, int64_t buffer_bps) {
  return to_fixed<Quote>(div_ceil(Wide(notional) * buffer_bps, BPS));
}

std::optional<Quote> liquidation_shortage(Quote maintenance, Quote buffer, Quote equity) {
  return to_fixed<Quote>(wmax(Wide(maintenance) + Wide(buffer) - Wide(equity), 0));
}

std::optional<Qty> round_up_to_lot(Qty qty, Qty lot) {
  if (lot.raw <= 0) return qty;
  return to_fixed<Qty>(div_ceil(Wide(qty), Wide(lot)) * Wide(lot));
}

std::optional<Qty> base_to_cover_shortage(Quote shortage, Price mark, int64_t maintenance_bps,
                                          int64_t buffer_bps, int64_t liquidation_fee_bps, Qty lot,
                                          Qty position_base) {
  const Qty held(position_base.raw < 0 ? -position_base.raw : position_base.raw);
  if (shortage.raw <= 0 || held.raw == 0) return Qty(0);
  if (mark.raw <= 0) return std::nullopt;
  const int64_t net_bps = maintenance_bps + buffer_bps - liquidation_fee_bps;
  if (net_bps <= 0) return held;
  // base_raw = shortage_raw x 1e9 x 1e4 / (mark_raw x net_bps)
  Wide base = div_ceil(Wide(shortage) * QTY_PRECISION * BPS, Wide(mark) * net_bps);
  auto q = to_fixed<Qty>(base);
  if (!q) return held;  // more than any position can hold: everything
  auto lots = round_up_to_lot(*q, lot);
  if (!lots || *lots > held) return held;
  return *lots;
}

std::optional<Price> fillable_price(Qty position_base, Price mark, Quote equity,
                                    Quote account_maintenance, Quote position_maintenance,
                                    int64_t spread_bps) {
  if (position_base.raw == 0 || mark.raw <= 0) return std::nullopt;
  if (account_maintenance.raw <= 0) return mark;
  // ABR x spread x PMMR / |size| as one fraction: x = clamp(TMMR - E, 0, TMMR),
  // adjustment_raw = x x spread x PMMR x 1e9 / (TMMR x 1e4 x |B|), rounded down (toward mark).
  Wide x = wclamp(Wide(account_maintenance) - Wide(equity), 0, Wide(account_maintenance));
  Wide num = x * spread_bps * Wide(position_maintenance) * QTY_PRECISION;
  Wide den = Wide(account_maintenance) * BPS * wabs(Wide(position_base));
  Wide adj = div_floor(num, den);
  Wide p = position_base.raw > 0 ? Wide(mark) - adj : Wide(mark) + adj;
  return to_fixed<Price>(wmax(p, 1));
}

std::optional<Price> round_limit_to_tick(Price limit, Side side, Price tick) {
  if (tick.raw <= 0) return std::nullopt;
  Wide ticks =
      side == Side::sell ? div_ceil(Wide(limit), Wide(tick)) : div_floor(Wide(limit), Wide(tick));
  Wide p = ticks * Wide(tick);
  if (p.ok() && p.value() <= 0) p = Wide(tick);
  return to_fixed<Price>(p);
}

std::optional<Quote> liquidation_fee(Quote closed_notional, int64_t fee_bps, Quote equity_after) {
  Wide fee = div_ceil(Wide(closed_notional) * fee_bps, BPS);
  return to_fixed<Quote>(wmin(fee, wmax(Wide(equity_after), 0)));
}

}  // namespace qd::risk
