#pragma once
// Oracle updates and their validity (Drift's OracleValidity, checked in its order), the
// time-weighted averages the checks and funding use, and which risk actions each state blocks.
// Time is command time (the sequencer's stamp, ns); nothing here reads a clock.

#include <cstdint>
#include <optional>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "risk/risk_units.hpp"

namespace qd::risk {

/// From best to worst. A reading is judged in this order: non_positive, too_volatile,
/// too_uncertain (all at receipt), then stale_for_margin, stale_for_fills (at command time now).
enum class OracleValidity : uint8_t {
  valid,
  stale_for_fills,   ///< older than fill_staleness: no risk-increasing orders or fills
  stale_for_margin,  ///< older than margin_staleness: also no withdrawals, liquidations, funding
  too_uncertain,     ///< confidence above max_confidence_bps of the price
  too_volatile,      ///< more than max_volatility x or less than 1/max_volatility of its TWAP
  non_positive,      ///< price <= 0
  missing,           ///< no reading received yet
};

const char* to_string(OracleValidity v);

/// The risk actions an oracle state can block.
enum class OracleAction : uint8_t {
  increase_risk,   ///< risk-increasing orders and fills
  withdraw,        ///< withdrawals by accounts holding positions
  liquidate,       ///< liquidation, insurance takeover, ADL
  settle_funding,  ///< funding payments
  value,           ///< computing a mark at all
};

const char* to_string(OracleAction a);

/// Whether state v forbids action a:
///
/// | state            | increase_risk | withdraw | liquidate | settle_funding | value |
/// |------------------|---------------|----------|-----------|----------------|-------|
/// | valid            |               |          |           |                |       |
/// | stale_for_fills  | blocked       |          |           |                |       |
/// | stale_for_margin | blocked       | blocked  | blocked   | blocked        |       |
/// | too_uncertain    | blocked       | blocked  | blocked   | blocked        |       |
/// | too_volatile     | blocked       | blocked  | blocked   | blocked        |       |
/// | non_positive     | blocked       | blocked  | blocked   | blocked        | blocked |
/// | missing          | blocked       | blocked  | blocked   | blocked        | blocked |
///
/// Reduce-only and risk-reducing orders are never blocked by the oracle.
constexpr bool oracle_blocks(OracleValidity v, OracleAction a) {
  switch (v) {
    case OracleValidity::valid:
      return false;
    case OracleValidity::stale_for_fills:
      return a == OracleAction::increase_risk;
    case OracleValidity::stale_for_margin:
    case OracleValidity::too_uncertain:
    case OracleValidity::too_volatile:
      return a != OracleAction::value;
    case OracleValidity::non_positive:
    case OracleValidity::missing:
      return true;
  }
  return true;
}

struct OracleParams {
  int64_t max_volatility_ratio = 5;  ///< valid within [twap / 5, twap x 5]
  int64_t max_confidence_bps = 200;  ///< 2% of price
  TimestampNs margin_staleness_ns = 60 * NS_PER_SECOND;
  TimestampNs fill_staleness_ns = 5 * NS_PER_SECOND;
  TimestampNs twap_period_ns = 300 * NS_PER_SECOND;  ///< the 5-minute TWAP: volatility, pause
  TimestampNs funding_twap_period_ns = NS_PER_HOUR;  ///< the TWAP funding is paid on
  int64_t liquidation_pause_bps = 5000;  ///< pause liquidations at >= 50% from the 5-min TWAP
};

/// One update from a price source.
struct OracleReading {
  Price price;                   ///< 1e-6 USDC per base unit
  Price confidence;              ///< 1e-6, the source's +/- uncertainty (>= 0)
  TimestampNs publish_time = 0;  ///< when the source published it (ns)
};

/// Drift's weighted TWAP: the new price weighs the time since the last update, the old TWAP the
/// rest of the period: (price x dt + twap x max(period - dt, 0)) / (dt + max(period - dt, 0)),
/// rounded down. dt <= 0 leaves the TWAP unchanged; dt >= period replaces it. A zero twap starts
/// from price.
std::optional<Price> twap_update(Price twap, TimestampNs twap_time, Price price, TimestampNs now,
                                 TimestampNs period);

/// The checks made when a reading arrives, against the 5-minute TWAP before it: non_positive,
/// too_volatile, too_uncertain or valid. twap 0 (no history) skips the volatility check.
OracleValidity assess_at_receipt(const OracleReading& r, Price twap, const OracleParams& params);

/// Adds the staleness checks of command time now to a receipt verdict. A publish time in the
/// future counts as age 0.
OracleValidity assess_at(OracleValidity at_receipt, TimestampNs publish_time, TimestampNs now,
                         const OracleParams& params);

/// True when |price - twap| >= pause_bps of twap (liquidations pause); false without a TWAP.
bool liquidation_paused(Price price, Price twap, int64_t pause_bps);

/// One source's state: its last reading and the TWAPs built from its prices.
struct OracleSourceState {
  bool has_reading = false;
  OracleReading last;
  OracleValidity at_receipt = OracleValidity::missing;
  bool paused_at_receipt = false;  ///< >= pause_bps from the 5-minute TWAP when it arrived
  Price twap;                      ///< 5-minute TWAP (1e-6); 0 before the first positive price
  Price funding_twap;              ///< funding-period TWAP (1e-6)
  TimestampNs twap_time = 0;       ///< command time of the last TWAP update

  OracleValidity validity(TimestampNs now, const OracleParams& params) const;
};

/// Records a reading from one source at command time now. The verdict uses the TWAP before the
/// reading; the TWAPs then absorb the price clamped into the volatility band, so one bad print
/// cannot drag them but a real move walks them over a few periods. Non-positive prices are kept
/// as the last reading (they block everything) but never enter a TWAP.
OracleValidity record_reading(OracleSourceState& s, const OracleReading& r, TimestampNs now,
                              const OracleParams& params);

}  // namespace qd::risk
