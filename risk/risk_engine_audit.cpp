// RiskEngine: the state hash for replay checks and the invariants the tests (and, in debug
// builds, the engine) check after every command.
#include <string>

#include "core/decimal.hpp"
#include "risk/risk_engine.hpp"
#include "risk/state_hash.hpp"

namespace qd::risk {

namespace {

void hash_reading(Fnv1a& h, const OracleSourceState& s) {
  h.add(s.has_reading ? 1 : 0);
  h.add_signed(s.last.price.raw);
  h.add_signed(s.last.confidence.raw);
  h.add_signed(s.last.publish_time);
  h.add(static_cast<uint64_t>(s.at_receipt));
  h.add(s.paused_at_receipt ? 1 : 0);
  h.add_signed(s.twap.raw);
  h.add_signed(s.funding_twap.raw);
  h.add_signed(s.twap_time);
}

void hash_params(Fnv1a& h, const MarketState& m) {
  const MarketRiskParams& p = m.params;
  for (int64_t v : {p.initial_margin_bps,
                    p.maintenance_margin_bps,
                    p.imf_factor_ppm,
                    p.max_position.raw,
                    p.open_interest_cap.raw,
                    p.oi_ramp_lower.raw,
                    p.oi_ramp_upper.raw,
                    p.gain_weight_bps,
                    p.maker_fee_ppm,
                    p.taker_fee_ppm,
                    p.liquidation_fee_bps,
                    p.liquidation_buffer_bps,
                    p.fillable_spread_bps,
                    p.oracle.max_volatility_ratio,
                    p.oracle.max_confidence_bps,
                    p.oracle.margin_staleness_ns,
                    p.oracle.fill_staleness_ns,
                    p.oracle.twap_period_ns,
                    p.oracle.funding_twap_period_ns,
                    p.oracle.liquidation_pause_bps,
                    p.mark.ema_period_ns,
                    p.mark.band_bps,
                    p.funding.interval_ns,
                    p.funding.sample_interval_ns,
                    p.funding.impact_margin_notional.raw,
                    p.funding.interest_8h,
                    p.funding.premium_clamp_8h,
                    p.funding.max_hourly_rate,
                    p.funding.margin_cap_bps,
                    m.spec.tick_size.raw,
                    m.spec.lot_size.raw}) {
    h.add_signed(v);
  }
}

void hash_account(Fnv1a& h, const Account& a) {
  h.add(a.id);
  h.add_signed(a.collateral.raw);
  h.add(a.markets.size());
  for (const auto& [mid, am] : a.markets) {
    h.add(mid);
    h.add_signed(am.position.base.raw);
    h.add_signed(am.position.quote_entry.raw);
    h.add_signed(am.position.quote_break_even.raw);
    h.add_signed(am.position.realized_pnl.raw);
    h.add_wide(am.position.last_funding_index);
    h.add_signed(am.orders.bids.raw);
    h.add_signed(am.orders.asks.raw);
  }
}

}  // namespace

uint64_t RiskEngine::state_hash() const {
  Fnv1a h;
  h.add(markets_.size());
  for (const auto& [mid, m] : markets_) {
    h.add(mid);
    hash_params(h, m);
    hash_reading(h, m.primary);
    hash_reading(h, m.fallback);
    for (int64_t v : {m.last_top.best_bid.raw, m.last_top.best_ask.raw, m.last_top.last_trade.raw,
                      m.last_top.impact_bid.raw, m.last_top.impact_ask.raw}) {
      h.add_signed(v);
    }
    h.add(m.basis.seeded ? 1 : 0);
    h.add_signed(m.basis.basis);
    h.add_signed(m.basis.sample_time);
    h.add_signed(m.mark.raw);
    h.add(m.has_mark ? 1 : 0);
    h.add_wide(m.funding_index);
    h.add_wide(m.premium_sum);
    h.add_signed(m.premium_samples);
    h.add(m.sampled ? 1 : 0);
    h.add_signed(m.last_sample_time);
    h.add(m.funding_started ? 1 : 0);
    h.add_signed(m.funding_anchor);
    h.add_signed(m.last_rate);
    h.add_signed(m.long_open_interest.raw);
  }
  h.add(accounts_.size());
  for (const auto& [id, a] : accounts_) hash_account(h, a);
  hash_account(h, insurance_.account);
  for (int64_t v : {insurance_.seeded.raw, insurance_.liquidation_fees.raw,
                    insurance_.deficits_paid.raw, fees_.balance.raw, fees_.trading_fees.raw,
                    fees_.rebates_paid.raw, fees_.rounding_residue.raw, fees_.funding_residue.raw,
                    ledger_.deposits.raw, ledger_.withdrawals.raw, ledger_.socialized_loss.raw}) {
    h.add_signed(v);
  }
  return h.value();
}

InvariantReport RiskEngine::check_invariants() const {
  InvariantReport rep;
  auto fail = [&rep](std::string s) { rep.violations.push_back(std::move(s)); };

  std::map<MarketId, Wide> base_sum;
  std::map<MarketId, Wide> long_sum;
  Wide cash = Wide(fees_.balance);  // sum of (collateral - entry) + fees
  Wide collateral_sum = Wide(fees_.balance);
  bool all_flat = true;
  auto visit = [&](const Account& a) {
    const std::string who =
        a.id == INSURANCE_FUND_ACCOUNT ? "insurance fund" : "account " + std::to_string(a.id);
    cash = cash + Wide(a.collateral);
    collateral_sum = collateral_sum + Wide(a.collateral);
    for (const auto& [mid, am] : a.markets) {
      const Position& p = am.position;
      base_sum[mid] = base_sum[mid] + Wide(p.base);
      if (p.is_long()) long_sum[mid] = long_sum[mid] + Wide(p.base);
      cash = cash - Wide(p.quote_entry);
      if (p.is_open()) all_flat = false;
      if (am.orders.bids.raw < 0 || am.orders.asks.raw < 0) {
        fail(who + ": negative resting exposure in market " + std::to_string(mid));
      }
      if ((p.base.raw > 0 && p.quote_entry.raw < 0) || (p.base.raw < 0 && p.quote_entry.raw > 0) ||
          (p.base.raw == 0 && (p.quote_entry.raw != 0 || p.quote_break_even.raw != 0))) {
        fail(who + ": entry " + qd::to_string(p.quote_entry) + " inconsistent with base " +
             qd::to_string(p.base) + " in market " + std::to_string(mid));
      }
      const MarketState* m = find_market(mid);
      if (m == nullptr) {
        fail(who + ": position in unknown market " + std::to_string(mid));
      } else if (p.is_open() && p.last_funding_index != m->funding_index) {
        fail(who + ": position not settled to the funding index in market " + std::to_string(mid));
      }
    }
    if (!a.has_open_positions() && a.collateral.raw < 0) {
      fail(who + ": flat with negative collateral " + qd::to_string(a.collateral));
    }
  };
  for (const auto& [id, a] : accounts_) visit(a);
  visit(insurance_.account);

  for (const auto& [mid, m] : markets_) {
    const Wide b = base_sum.count(mid) != 0 ? base_sum[mid] : Wide(0);
    const Wide l = long_sum.count(mid) != 0 ? long_sum[mid] : Wide(0);
    if (!b.ok() || b.value() != 0)
      fail("market " + std::to_string(mid) + ": positions do not sum to zero");
    if (!l.ok() || l.value() != m.long_open_interest.raw) {
      fail("market " + std::to_string(mid) + ": open interest " +
           qd::to_string(m.long_open_interest) + " is not the sum of longs");
    }
  }
  // Money: cash (collateral net of what open positions cost) + fund + fees only moves with
  // deposits, withdrawals and the fund's seed; a socialized loss is money no one paid.
  const Wide expected = Wide(ledger_.deposits) - Wide(ledger_.withdrawals) +
                        Wide(insurance_.seeded) + Wide(ledger_.socialized_loss);
  if (!cash.ok() || !expected.ok() || cash.value() != expected.value()) {
    fail("money not conserved: cash " + std::to_string(to_i64_saturating(cash, 0)) +
         " vs deposits - withdrawals + seed + socialized " +
         std::to_string(to_i64_saturating(expected, 0)));
  }
  if (all_flat && (!collateral_sum.ok() || collateral_sum.value() != expected.value())) {
    fail("everyone flat but collateral + fund + fees differs from net deposits");
  }
  return rep;
}

}  // namespace qd::risk
