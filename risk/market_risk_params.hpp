#pragma once
// The risk parameters of one market, with RISK.md's defaults. Config loading (app/) fills them
// from YAML; changes arrive as sequenced commands so replay sees them.

#include <cstdint>

#include "core/fixed_point.hpp"
#include "risk/funding.hpp"
#include "risk/mark_price.hpp"
#include "risk/oracle.hpp"

namespace qd::risk {

struct MarketRiskParams {
  int64_t initial_margin_bps = 1000;     ///< 10%: to place risk-increasing orders
  int64_t maintenance_margin_bps = 500;  ///< 5%: to stay open; 0 < maintenance < initial <= 1e4
  int64_t imf_factor_ppm = 0;            ///< size premium factor (0.001 = 1000); 0 = none
  Qty max_position{0};                   ///< per account, worst case with resting orders; 0 = none
  Qty open_interest_cap{0};              ///< per side (long OI = short OI), 1e-9; 0 = none
  Qty oi_ramp_lower{0};                  ///< initial ratio starts rising at this OI (1e-9)
  Qty oi_ramp_upper{0};                  ///< ... reaching 100% here; <= lower = no ramp
  int64_t gain_weight_bps = 10'000;      ///< unrealized gains counted for initial margin (100%)
  int64_t maker_fee_ppm = -200;          ///< -2 bps: a rebate
  int64_t taker_fee_ppm = 1'000;         ///< 10 bps
  int64_t liquidation_fee_bps = 100;     ///< 1% of closed notional to the insurance fund
  int64_t liquidation_buffer_bps = 200;  ///< liquidate until equity covers maintenance + 2%
  int64_t fillable_spread_bps = 15'000;  ///< dYdX's spread-to-maintenance ratio 1.5
  OracleParams oracle;
  MarkParams mark;
  FundingParams funding;
};

/// nullptr when the parameters are usable, else what is wrong.
const char* validate(const MarketRiskParams& p);

}  // namespace qd::risk
