#pragma once
// Config -> engine: the engine's view of the configured markets and accounts, with the margin
// core's parameters. Apart from the gateway (which pulls in QuickFIX) so qd-risk-sim maps a
// scenario's markets exactly as the venue does.

#include "app/config/venue_config.hpp"
#include "engine/exchange_spec.hpp"
#include "risk/market_risk_params.hpp"

namespace qd {

/// The venue-wide part of every market's margin parameters (config `risk:`).
void apply_venue_risk(const RiskConfig& r, risk::MarketRiskParams& p);
risk::MarketRiskParams risk_params_from(const MarketConfig& m, const RiskConfig& r);
ExchangeSpec exchange_spec_from(const VenueConfig& config);

}  // namespace qd
