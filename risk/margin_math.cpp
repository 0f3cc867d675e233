#include "risk/margin_math.hpp"

#include "risk/risk_units.hpp"

namespace qd::risk {

std::optional<Quote> unrealized_pnl(const Position& p, Price mark) {
  Wide value = div_floor(Wide(p.base) * Wide(mark), QTY_PRECISION);
  return to_fixed<Quote>(value - Wide(p.quote_entry));
}

std::optional<Quote> pnl_for_initial_margin(Quote pnl, int64_t gain_weight_bps) {
  if (pnl.raw <= 0) return pnl;
  return to_fixed<Quote>(div_floor(Wide(pnl) * gain_weight_bps, BPS));
}

std::optional<Qty> worst_case_base(Qty base, Qty open_bids, Qty open_asks) {
  if (open_bids.raw < 0 || open_asks.raw < 0) return std::nullopt;
  return to_fixed<Qty>(
      wmax(wabs(Wide(base) + Wide(open_bids)), wabs(Wide(base) - Wide(open_asks))));
}

std::optional<Quote> notional_abs_ceil(Qty base, Price price) {
  return to_fixed<Quote>(div_ceil(wabs(Wide(base) * Wide(price)), QTY_PRECISION));
}

std::optional<int64_t> size_premium_ratio_ppm(int64_t ratio_bps, int64_t imf_factor_ppm, Qty size) {
  if (ratio_bps < 0 || imf_factor_ppm < 0 || size.raw < 0) return std::nullopt;
  Wide r = Wide(ratio_bps) * (PPM / BPS);
  if (imf_factor_ppm == 0) return to_i64(r);
  // sqrt(size_raw / 1e9) = sqrt(size_raw x 1e9) / 1e9, so imf(1e-6) x sqrt(whole units) in ppm is
  // imf_ppm x isqrt(size_raw x 1e9) / 1e9; both roundings up.
  Wide root = isqrt_ceil(Wide(size) * QTY_PRECISION);
  Wide premium = div_ceil(Wide(imf_factor_ppm) * root, QTY_PRECISION);
  Wide discounted = div_ceil(r * 4, 5) + premium;
  return to_i64(wmin(wmax(r, discounted), PPM));
}

std::optional<int64_t> oi_ramp_ratio_ppm(int64_t ratio_ppm, Qty open_interest, Qty lower,
                                         Qty upper) {
  if (upper.raw <= lower.raw || open_interest.raw <= lower.raw || ratio_ppm >= PPM) {
    return ratio_ppm;
  }
  if (open_interest.raw >= upper.raw) return PPM;
  Wide extra = div_ceil((Wide(PPM) - ratio_ppm) * (Wide(open_interest) - Wide(lower)),
                        Wide(upper) - Wide(lower));
  return to_i64(Wide(ratio_ppm) + extra);
}

std::optional<Quote> margin_requirement_ceil(Quote notional, int64_t ratio_ppm) {
  return to_fixed<Quote>(div_ceil(Wide(notional) * ratio_ppm, PPM));
}

std::optional<PositionMargin> position_margin(const PositionMarginInput& in) {
  if (in.mark.raw <= 0) return std::nullopt;
  PositionMargin m;
  auto pnl = unrealized_pnl(in.position, in.mark);
  if (!pnl) return std::nullopt;
  m.pnl = *pnl;
  auto pnl_i = pnl_for_initial_margin(*pnl, in.gain_weight_bps);
  auto notional = notional_abs_ceil(in.position.base, in.mark);
  auto wc = worst_case_base(in.position.base, in.open_bids, in.open_asks);
  if (!pnl_i || !notional || !wc) return std::nullopt;
  m.pnl_initial = *pnl_i;
  m.notional = *notional;
  m.worst_case_base = *wc;
  auto wc_notional = notional_abs_ceil(*wc, in.mark);
  auto premium = size_premium_ratio_ppm(in.initial_ratio_bps, in.imf_factor_ppm, *wc);
  auto ramp = oi_ramp_ratio_ppm(bps_to_ppm(in.initial_ratio_bps), in.open_interest,
                                in.oi_ramp_lower, in.oi_ramp_upper);
  if (!wc_notional || !premium || !ramp) return std::nullopt;
  m.worst_case_notional = *wc_notional;
  m.initial_ratio_ppm = *premium > *ramp ? *premium : *ramp;
  const int64_t mm_ppm = bps_to_ppm(in.maintenance_ratio_bps);
  auto im = margin_requirement_ceil(*wc_notional, m.initial_ratio_ppm);
  auto mm = margin_requirement_ceil(*wc_notional, mm_ppm);
  auto mm_pos = margin_requirement_ceil(*notional, mm_ppm);
  if (!im || !mm || !mm_pos) return std::nullopt;
  m.initial_requirement = *im;
  m.maintenance_requirement = *mm;
  m.maintenance_positions_only = *mm_pos;
  return m;
}

std::optional<Quote> free_collateral(Quote equity_initial, Quote initial_requirement) {
  return to_fixed<Quote>(Wide(equity_initial) - Wide(initial_requirement));
}

std::optional<Price> liquidation_price(Qty base, Price mark, Quote equity, Quote other_maintenance,
                                       int64_t maintenance_ratio_bps) {
  if (base.raw == 0 || maintenance_ratio_bps >= BPS || maintenance_ratio_bps < 0) {
    return std::nullopt;
  }
  // In raw units: p = (B x M + (MMo - E) x 1e9) x 1e6 / (B x (1e6 - r_ppm)).
  Wide num = (Wide(base) * Wide(mark) + (Wide(other_maintenance) - Wide(equity)) * QTY_PRECISION) *
             PRICE_PRECISION;
  Wide den = Wide(base) * (Wide(PPM) - bps_to_ppm(maintenance_ratio_bps));
  Wide p = base.raw > 0 ? div_ceil(num, den) : div_floor(num, den);
  if (p.ok() && p.value() < 0) p = 0;
  return to_fixed<Price>(p);
}

std::optional<Price> bankruptcy_price(Qty base, Price mark, Quote equity) {
  if (base.raw == 0) return std::nullopt;
  // p = (M x B - E x 1e9) / B: a long rounds up, a short (B < 0) rounds down.
  Wide num = Wide(mark) * Wide(base) - Wide(equity) * QTY_PRECISION;
  Wide p = base.raw > 0 ? div_ceil(num, Wide(base)) : div_floor(num, Wide(base));
  if (p.ok() && p.value() < 0) p = 0;
  return to_fixed<Price>(p);
}

}  // namespace qd::risk
