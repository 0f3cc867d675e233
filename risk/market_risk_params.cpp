#include "risk/market_risk_params.hpp"

namespace qd::risk {

const char* validate(const MarketRiskParams& p) {
  if (p.maintenance_margin_bps <= 0) return "maintenance margin must be positive";
  if (p.initial_margin_bps <= p.maintenance_margin_bps)
    return "initial margin must exceed maintenance";
  if (p.initial_margin_bps > BPS) return "initial margin above 100%";
  if (p.imf_factor_ppm < 0 || p.imf_factor_ppm > PPM) return "imf factor outside 0..1";
  if (p.max_position.raw < 0 || p.open_interest_cap.raw < 0) return "negative limit";
  if (p.oi_ramp_lower.raw < 0 || p.oi_ramp_upper.raw < 0) return "negative OI ramp";
  if (p.gain_weight_bps < 0 || p.gain_weight_bps > BPS) return "gain weight outside 0..100%";
  if (p.taker_fee_ppm < 0 || p.taker_fee_ppm >= PPM) return "taker fee outside 0..100%";
  if (p.maker_fee_ppm <= -PPM || p.maker_fee_ppm >= PPM) return "maker fee outside -100..100%";
  if (p.maker_fee_ppm + p.taker_fee_ppm < 0) return "maker rebate above the taker fee";
  if (p.liquidation_fee_bps < 0 || p.liquidation_fee_bps > BPS)
    return "liquidation fee outside 0..100%";
  if (p.liquidation_buffer_bps < 0 || p.liquidation_buffer_bps > BPS)
    return "liquidation buffer outside 0..100%";
  if (p.fillable_spread_bps < 0) return "negative fillable spread";
  if (p.oracle.max_volatility_ratio < 2) return "oracle volatility ratio below 2";
  if (p.oracle.max_confidence_bps < 0) return "negative oracle confidence limit";
  if (p.oracle.fill_staleness_ns <= 0 || p.oracle.margin_staleness_ns < p.oracle.fill_staleness_ns)
    return "oracle staleness: 0 < fills <= margin";
  if (p.oracle.twap_period_ns <= 0 || p.oracle.funding_twap_period_ns <= 0)
    return "TWAP periods must be positive";
  if (p.mark.ema_period_ns <= 0) return "mark EMA period must be positive";
  if (p.mark.band_bps < 0 || p.mark.band_bps >= BPS) return "mark band outside 0..100%";
  if (p.funding.interval_ns <= 0 || p.funding.sample_interval_ns <= 0)
    return "funding intervals must be positive";
  if (p.funding.premium_clamp_8h < 0 || p.funding.max_hourly_rate < 0 ||
      p.funding.margin_cap_bps < 0)
    return "negative funding clamp or cap";
  if (p.funding.impact_margin_notional.raw <= 0) return "impact notional must be positive";
  return nullptr;
}

}  // namespace qd::risk
