#include "risk/funding.hpp"

namespace qd::risk {

std::optional<Quote> impact_notional(Quote impact_margin_notional, int64_t initial_ratio_bps) {
  if (initial_ratio_bps <= 0) return std::nullopt;
  return to_fixed<Quote>(div_floor(Wide(impact_margin_notional) * BPS, initial_ratio_bps));
}

std::optional<Price> impact_price(std::span<const BookLevel> levels, Quote notional, Side taker) {
  if (notional.raw <= 0) return std::nullopt;
  // Walk in scaled notional (price x qty, 1e-15 USDC) so the last partial level is exact, then
  // express the base taken from it rounded in the same direction as the answer.
  const Wide target = Wide(notional) * QTY_PRECISION;
  Wide filled = 0;
  Wide base = 0;
  for (const BookLevel& l : levels) {
    if (l.price.raw <= 0 || l.qty.raw <= 0) return std::nullopt;
    Wide level = Wide(l.price) * Wide(l.qty);
    Wide need = target - filled;
    if (!need.ok() || !level.ok()) return std::nullopt;
    if (level.value() >= need.value()) {
      // Selling into bids: more base for the notional = a lower average (round base up).
      Wide part =
          taker == Side::sell ? div_ceil(need, Wide(l.price)) : div_floor(need, Wide(l.price));
      base = base + part;
      if (!base.ok() || base.value() <= 0) return std::nullopt;
      Wide avg = taker == Side::sell ? div_floor(target, base) : div_ceil(target, base);
      return to_fixed<Price>(avg);
    }
    filled = filled + level;
    base = base + Wide(l.qty);
  }
  return std::nullopt;
}

std::optional<int64_t> premium_sample(Price oracle, Price impact_bid, Price impact_ask, Price mid) {
  if (oracle.raw <= 0) return std::nullopt;
  const Price bid = impact_bid.raw > 0 ? impact_bid : mid;
  const Price ask = impact_ask.raw > 0 ? impact_ask : mid;
  if (bid.raw <= 0 || ask.raw <= 0) return 0;
  Wide over = wmax(Wide(bid) - Wide(oracle), 0);
  Wide under = wmax(Wide(oracle) - Wide(ask), 0);
  return to_i64(div_trunc((over - under) * RATE_PRECISION, Wide(oracle)));
}

std::optional<int64_t> funding_rate_8h(int64_t avg_premium, int64_t interest_8h,
                                       int64_t premium_clamp_8h) {
  if (premium_clamp_8h < 0) return std::nullopt;
  Wide p = Wide(avg_premium);
  Wide adj = wclamp(Wide(interest_8h) - p, -Wide(premium_clamp_8h), Wide(premium_clamp_8h));
  return to_i64(p + adj);
}

std::optional<int64_t> funding_rate_per_interval(int64_t rate_8h, TimestampNs interval_ns,
                                                 const FundingParams& params,
                                                 int64_t initial_ratio_bps,
                                                 int64_t maintenance_ratio_bps) {
  if (interval_ns <= 0) return std::nullopt;
  Wide rate = div_trunc(Wide(rate_8h) * interval_ns, NS_PER_8_HOURS);
  Wide time_cap = div_trunc(Wide(params.max_hourly_rate) * interval_ns, NS_PER_HOUR);
  // 0.75 x (IM - MM): bps x 1e5 = 1e-9 scale.
  Wide margin_cap = div_trunc(Wide(initial_ratio_bps - maintenance_ratio_bps) *
                                  (RATE_PRECISION / BPS) * params.margin_cap_bps,
                              BPS);
  Wide cap = wmax(wmin(time_cap, margin_cap), 0);
  return to_i64(wclamp(rate, -cap, cap));
}

Wide funding_index_delta(int64_t rate, Price oracle_twap) {
  return Wide(rate) * Wide(oracle_twap);
}

std::optional<Quote> funding_payment(Qty base, i128 last_index, i128 index) {
  Wide delta = Wide::of(index) - Wide::of(last_index);
  return to_fixed<Quote>(div_ceil(Wide(base) * delta, FUNDING_PAYMENT_DIVISOR));
}

}  // namespace qd::risk
