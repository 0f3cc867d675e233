// Config commands: a market's changeable parameters and an account's settings, applied at their
// place in the sequence so a replay of the journal applies them at the same point.

#include <stdexcept>
#include <string>

#include "engine/exchange.hpp"

namespace qd {

namespace {

constexpr TimestampNs ns_per_day = 86'400'000'000'000;

/// What is wrong with the book-side values; nullptr when they are usable.
const char* validate_rules(const MarketParams& p, const MarketSpec& spec) {
  if (p.min_size.raw < 0 || p.min_notional.raw < 0 || p.max_order_size.raw < 0 ||
      p.max_order_notional.raw < 0)
    return "negative order size or notional limit";
  if (p.min_size.raw % spec.lot_size.raw != 0) return "min_size is not a multiple of the lot";
  if (p.max_order_size.raw != 0 && p.max_order_size.raw < p.min_size.raw)
    return "max_order_size below min_size";
  if (p.max_order_notional.raw != 0 && p.max_order_notional.raw < p.min_notional.raw)
    return "max_order_notional below min_notional";
  if (p.price_band_bps < 1 || p.price_band_bps > BPS_PRECISION)
    return "price band outside 0.01..100%";
  if (p.day_end_offset_ns < 0 || p.day_end_offset_ns >= ns_per_day)
    return "day end outside 00:00..24:00";
  return nullptr;
}

}  // namespace

risk::MarketRiskParams with_params(risk::MarketRiskParams r, const MarketParams& p) {
  r.initial_margin_bps = p.initial_margin_bps;
  r.maintenance_margin_bps = p.maintenance_margin_bps;
  r.imf_factor_ppm = p.imf_factor_ppm;
  r.max_position = p.max_position;
  r.open_interest_cap = p.open_interest_cap;
  r.maker_fee_ppm = p.maker_fee_ppm;
  r.taker_fee_ppm = p.taker_fee_ppm;
  r.liquidation_fee_bps = p.liquidation_fee_bps;
  r.liquidation_buffer_bps = p.liquidation_buffer_bps;
  r.gain_weight_bps = p.gain_weight_bps;
  r.funding.sample_interval_ns = p.funding_sample_interval_ns;
  r.funding.impact_margin_notional = p.impact_margin_notional;
  r.funding.interest_8h = p.funding_interest_8h;
  r.funding.premium_clamp_8h = p.funding_premium_clamp_8h;
  r.funding.max_hourly_rate = p.funding_max_hourly_rate;
  r.oracle.margin_staleness_ns = p.oracle_margin_staleness_ns;
  r.oracle.fill_staleness_ns = p.oracle_fill_staleness_ns;
  r.oracle.max_confidence_bps = p.oracle_max_confidence_bps;
  r.mark.band_bps = p.mark_band_bps;
  return r;
}

MarketParams market_params_of(const MarketSpec& s, const risk::MarketRiskParams* r) {
  MarketParams p;
  p.min_size = s.min_size;
  p.min_notional = s.min_notional;
  p.max_order_size = s.max_order_size;
  p.max_order_notional = s.max_order_notional;
  p.price_band_bps = s.price_band_bps;
  p.day_end_offset_ns = s.day_end_offset_ns;
  if (r == nullptr) return p;
  p.initial_margin_bps = r->initial_margin_bps;
  p.maintenance_margin_bps = r->maintenance_margin_bps;
  p.imf_factor_ppm = r->imf_factor_ppm;
  p.max_position = r->max_position;
  p.open_interest_cap = r->open_interest_cap;
  p.maker_fee_ppm = r->maker_fee_ppm;
  p.taker_fee_ppm = r->taker_fee_ppm;
  p.liquidation_fee_bps = r->liquidation_fee_bps;
  p.liquidation_buffer_bps = r->liquidation_buffer_bps;
  p.gain_weight_bps = r->gain_weight_bps;
  p.funding_sample_interval_ns = r->funding.sample_interval_ns;
  p.impact_margin_notional = r->funding.impact_margin_notional;
  p.funding_interest_8h = r->funding.interest_8h;
  p.funding_premium_clamp_8h = r->funding.premium_clamp_8h;
  p.funding_max_hourly_rate = r->funding.max_hourly_rate;
  p.oracle_margin_staleness_ns = r->oracle.margin_staleness_ns;
  p.oracle_fill_staleness_ns = r->oracle.fill_staleness_ns;
  p.oracle_max_confidence_bps = r->oracle.max_confidence_bps;
  p.mark_band_bps = r->mark.band_bps;
  return p;
}

MarketParams Exchange::market_params(MarketId id) const {
  const risk::MarketState* r = risk_ ? risk_->market(id) : nullptr;
  return market_params_of(markets_[id]->spec, r ? &r->params : nullptr);
}

std::string Exchange::check_market_params(MarketId id, const MarketParams& p) const {
  if (id >= markets_.size()) return "unknown market " + std::to_string(id);
  const MarketSpec& spec = markets_[id]->spec;
  const char* wrong = validate_rules(p, spec);
  if (wrong == nullptr && risk_) {
    const risk::MarketRiskParams next = with_params(risk_->market(id)->params, p);
    wrong = risk::validate(next);
  }
  return wrong == nullptr ? std::string() : spec.symbol + ": " + wrong;
}

void Exchange::update_market(const UpdateMarketParams& c, EventEmitter& e) {
  ConfigChanged done{ConfigChanged::Target::market, c.market, RejectReason::none, {}};
  if (c.market >= markets_.size()) {
    done.reason = RejectReason::unknown_market;
    e(std::move(done));
    return;
  }
  Market& m = *markets_[c.market];
  if (std::string wrong = check_market_params(c.market, c.params); !wrong.empty()) {
    done.reason = RejectReason::invalid_field;
    done.text = std::move(wrong);
    e(std::move(done));
    return;
  }
  if (risk_) {
    const risk::MarketRiskParams next = with_params(risk_->market(c.market)->params, c.params);
    if (risk_->set_market_params(c.market, next) != risk::RiskStatus::ok)
      throw std::logic_error("margin core refused checked parameters");  // a defect: not journaled
  }
  m.spec.min_size = c.params.min_size;
  m.spec.min_notional = c.params.min_notional;
  m.spec.max_order_size = c.params.max_order_size;
  m.spec.max_order_notional = c.params.max_order_notional;
  m.spec.price_band_bps = c.params.price_band_bps;
  m.spec.day_end_offset_ns = c.params.day_end_offset_ns;
  if (risk_) {
    risk_tick_interval_ = INT64_MAX;
    for (MarketId id = 0; id < markets_.size(); ++id)
      risk_tick_interval_ =
          std::min(risk_tick_interval_, risk_->market(id)->params.funding.sample_interval_ns);
    // New ratios may leave accounts below maintenance: the pass after this command looks.
    margins_changed_ = true;
  }
  e(std::move(done));
}

void Exchange::update_account(const UpdateAccount& c, EventEmitter& e) {
  ConfigChanged done{ConfigChanged::Target::account, c.account, RejectReason::none, {}};
  if (c.account == 0 || c.account == risk::INSURANCE_FUND_ACCOUNT) {
    done.reason = RejectReason::unknown_account;
    done.text = "account " + std::to_string(c.account) + " is reserved";
    e(std::move(done));
    return;
  }
  if (c.max_open_orders == 0) {
    done.reason = RejectReason::invalid_field;
    done.text = "max_open_orders must be at least 1";
    e(std::move(done));
    return;
  }
  auto it = accounts_.find(c.account);
  if (it == accounts_.end()) {
    if (risk_ && risk_->account(c.account) == nullptr &&
        risk_->add_account(c.account) != risk::RiskStatus::ok) {
      done.reason = RejectReason::invalid_field;
      done.text = "account " + std::to_string(c.account) + " refused by the margin core";
      e(std::move(done));
      return;
    }
    it = accounts_.emplace(c.account, AccountSpec{c.account}).first;
  }
  AccountSpec& a = it->second;
  const bool disabling = a.enabled && !c.enabled;
  a.stp_mode = c.stp_mode;
  a.stp_group = c.stp_group;
  a.max_open_orders = c.max_open_orders;
  a.enabled = c.enabled;
  e(std::move(done));
  if (!disabling) return;
  // A disabled account keeps no working orders: they would trade for it after the venue
  // decided it may not.
  for (OrderId id :
       orders_.select([&](const OrderRecord& r) { return r.state.origin.account == c.account; })) {
    OrderRecord& r = *orders_.find(id);
    take_out(*markets_[r.state.market], r);
    finish_canceled(r, CancelReason::admin, e);
  }
}

}  // namespace qd
