#include "app/gateway/exchange_spec_from.hpp"

namespace qd {

void apply_venue_risk(const RiskConfig& r, risk::MarketRiskParams& p) {
  p.liquidation_fee_bps = r.liquidation_fee_bps;
  p.liquidation_buffer_bps = r.liquidation_buffer_bps;
  p.gain_weight_bps = r.unrealized_pnl_weight_bps;
  p.funding.sample_interval_ns = int64_t(r.funding_sample_s) * 1'000'000'000;
  p.funding.impact_margin_notional = r.impact_notional;
  p.funding.interest_8h = r.funding_interest_8h_e9;
  p.funding.premium_clamp_8h = r.funding_clamp_8h_e9;
  p.funding.max_hourly_rate = r.funding_cap_hourly_e9;
}

risk::MarketRiskParams risk_params_from(const MarketConfig& m, const RiskConfig& r) {
  risk::MarketRiskParams p;
  p.initial_margin_bps = m.initial_margin_bps;
  p.maintenance_margin_bps = m.maintenance_margin_bps;
  p.imf_factor_ppm = m.imf_factor_ppm;
  p.max_position = m.max_position;
  p.open_interest_cap = m.open_interest_cap;
  p.maker_fee_ppm = m.maker_fee_ppm;
  p.taker_fee_ppm = m.taker_fee_ppm;
  apply_venue_risk(r, p);
  p.oracle.margin_staleness_ns = int64_t(m.oracle.max_staleness_s) * 1'000'000'000;
  p.oracle.fill_staleness_ns = int64_t(m.oracle.fill_staleness_s) * 1'000'000'000;
  p.oracle.max_confidence_bps = m.oracle.max_confidence_bps;
  p.mark.band_bps = m.oracle.mark_band_bps;
  p.funding.interval_ns = int64_t(m.funding_interval_s) * 1'000'000'000;
  return p;
}

ExchangeSpec exchange_spec_from(const VenueConfig& config) {
  ExchangeSpec spec;
  for (const MarketConfig& m : config.markets) {
    spec.markets.push_back(to_market_spec(m));
    spec.risk.push_back(risk_params_from(m, config.risk));
  }
  for (const AccountConfig& a : config.accounts) {
    spec.accounts.push_back(
        AccountSpec{a.number, a.stp_mode, a.stp_group, a.max_open_orders, a.enabled});
  }
  return spec;
}

}  // namespace qd
