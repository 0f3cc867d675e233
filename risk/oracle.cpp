#include "risk/oracle.hpp"

namespace qd::risk {

const char* to_string(OracleValidity v) {
  switch (v) {
    case OracleValidity::valid:
      return "valid";
    case OracleValidity::stale_for_fills:
      return "stale for fills";
    case OracleValidity::stale_for_margin:
      return "stale for margin";
    case OracleValidity::too_uncertain:
      return "too uncertain";
    case OracleValidity::too_volatile:
      return "too volatile";
    case OracleValidity::non_positive:
      return "non-positive";
    case OracleValidity::missing:
      return "missing";
  }
  return "unknown";
}

const char* to_string(OracleAction a) {
  switch (a) {
    case OracleAction::increase_risk:
      return "increase risk";
    case OracleAction::withdraw:
      return "withdraw";
    case OracleAction::liquidate:
      return "liquidate";
    case OracleAction::settle_funding:
      return "settle funding";
    case OracleAction::value:
      return "value";
  }
  return "unknown";
}

std::optional<Price> twap_update(Price twap, TimestampNs twap_time, Price price, TimestampNs now,
                                 TimestampNs period) {
  if (twap.raw <= 0 || period <= 0) return price;
  const TimestampNs dt = now - twap_time;
  if (dt <= 0) return twap;
  if (dt >= period) return price;
  Wide rest = Wide(period) - dt;
  return to_fixed<Price>(div_floor(Wide(price) * dt + Wide(twap) * rest, Wide(dt) + rest));
}

OracleValidity assess_at_receipt(const OracleReading& r, Price twap, const OracleParams& params) {
  if (r.price.raw <= 0) return OracleValidity::non_positive;
  if (twap.raw > 0) {
    // price > 5 twap or price < twap / 5, compared without division.
    Wide p = Wide(r.price);
    Wide t = Wide(twap);
    Wide k = Wide(params.max_volatility_ratio);
    if ((p - t * k).value() > 0 || (p * k - t).value() < 0) return OracleValidity::too_volatile;
  }
  // confidence / price > max_confidence_bps / 1e4
  if (r.confidence.raw < 0 ||
      (Wide(r.confidence) * BPS - Wide(r.price) * params.max_confidence_bps).value() > 0) {
    return OracleValidity::too_uncertain;
  }
  return OracleValidity::valid;
}

OracleValidity assess_at(OracleValidity at_receipt, TimestampNs publish_time, TimestampNs now,
                         const OracleParams& params) {
  if (at_receipt != OracleValidity::valid) return at_receipt;
  const TimestampNs age = now > publish_time ? now - publish_time : 0;
  if (age > params.margin_staleness_ns) return OracleValidity::stale_for_margin;
  if (age > params.fill_staleness_ns) return OracleValidity::stale_for_fills;
  return OracleValidity::valid;
}

bool liquidation_paused(Price price, Price twap, int64_t pause_bps) {
  if (twap.raw <= 0) return false;
  Wide gap = wabs(Wide(price) - Wide(twap)) * BPS;
  return (gap - Wide(twap) * pause_bps).value() >= 0;
}

OracleValidity OracleSourceState::validity(TimestampNs now, const OracleParams& params) const {
  if (!has_reading) return OracleValidity::missing;
  return assess_at(at_receipt, last.publish_time, now, params);
}

namespace {

// The price a TWAP absorbs: clamped into [twap / k, twap x k] once the TWAP exists.
Price clamp_to_band(Price price, Price twap, int64_t k) {
  if (twap.raw <= 0 || k <= 0) return price;
  const int64_t hi = twap.raw > INT64_MAX / k ? INT64_MAX : twap.raw * k;
  const int64_t lo = twap.raw / k;
  if (price.raw > hi) return Price(hi);
  if (price.raw < lo) return Price(lo);
  return price;
}

}  // namespace

OracleValidity record_reading(OracleSourceState& s, const OracleReading& r, TimestampNs now,
                              const OracleParams& params) {
  s.has_reading = true;
  s.last = r;
  s.at_receipt = assess_at_receipt(r, s.twap, params);
  s.paused_at_receipt =
      r.price.raw > 0 && liquidation_paused(r.price, s.twap, params.liquidation_pause_bps);
  if (r.price.raw > 0) {
    const Price absorbed = clamp_to_band(r.price, s.twap, params.max_volatility_ratio);
    const Price fabsorbed = clamp_to_band(r.price, s.funding_twap, params.max_volatility_ratio);
    auto t = twap_update(s.twap, s.twap_time, absorbed, now, params.twap_period_ns);
    auto f =
        twap_update(s.funding_twap, s.twap_time, fabsorbed, now, params.funding_twap_period_ns);
    if (t) s.twap = *t;
    if (f) s.funding_twap = *f;
    if (now > s.twap_time || s.twap_time == 0) s.twap_time = now;
  }
  return s.at_receipt;
}

}  // namespace qd::risk
