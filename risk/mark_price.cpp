#include "risk/mark_price.hpp"

#include <utility>

namespace qd::risk {

std::optional<Price> book_mid(const BookTop& top) {
  if (!top.two_sided()) return std::nullopt;
  return to_fixed<Price>(div_floor(Wide(top.best_bid) + Wide(top.best_ask), 2));
}

Price median3(Price a, Price b, Price c) {
  if (a > b) std::swap(a, b);
  if (b > c) std::swap(b, c);
  return a > b ? a : b;
}

std::optional<BasisEma> ema_step(const BasisEma& ema, int64_t sample, TimestampNs now,
                                 TimestampNs period) {
  BasisEma next = ema;
  if (!ema.seeded || period <= 0) {
    next.seeded = true;
    next.basis = sample;
    next.sample_time = now;
    return next;
  }
  const TimestampNs dt = now - ema.sample_time;
  if (dt <= 0) return next;
  auto v = to_i64(div_floor(Wide(period) * ema.basis + Wide(dt) * sample, Wide(period) + dt));
  if (!v) return std::nullopt;
  next.basis = *v;
  next.sample_time = now;
  return next;
}

std::optional<Price> band_low(Price oracle, int64_t band_bps) {
  return to_fixed<Price>(div_ceil(Wide(oracle) * (Wide(BPS) - band_bps), BPS));
}

std::optional<Price> band_high(Price oracle, int64_t band_bps) {
  return to_fixed<Price>(div_floor(Wide(oracle) * (Wide(BPS) + band_bps), BPS));
}

std::optional<Price> compute_mark(Price oracle, const BookTop& top, const BasisEma& ema,
                                  int64_t band_bps) {
  if (oracle.raw <= 0) return std::nullopt;
  auto mid = book_mid(top);
  if (!mid) return oracle;
  Wide leg1 = Wide(oracle) + (ema.seeded ? ema.basis : mid->raw - oracle.raw);
  const Price last = top.last_trade.raw > 0 ? top.last_trade : *mid;
  Wide leg2 = Wide(median3(top.best_bid, top.best_ask, last));
  auto lo = band_low(oracle, band_bps);
  auto hi = band_high(oracle, band_bps);
  if (!lo || !hi) return std::nullopt;
  Wide mark = wclamp(div_floor(leg1 + leg2, 2), Wide(*lo), Wide(*hi));
  return to_fixed<Price>(mark);
}

}  // namespace qd::risk
