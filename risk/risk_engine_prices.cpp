// RiskEngine: oracle updates, the mark price, premium sampling and funding payments.
#include "risk/funding.hpp"
#include "risk/mark_price.hpp"
#include "risk/risk_engine.hpp"

namespace qd::risk {

namespace {

// floor(now / interval) x interval: funding intervals are aligned to multiples of their length
// (with an interval dividing a day, to UTC midnight).
TimestampNs interval_start(TimestampNs now, TimestampNs interval) {
  TimestampNs q = now / interval;
  if (now % interval != 0 && now < 0) --q;
  return q * interval;
}

}  // namespace

void RiskEngine::refresh_mark(MarketState& m, TimestampNs now, bool step_ema, MarkResult* out) {
  const OracleValidity v = m.validity(now);
  out->mark = m.mark;
  if (oracle_blocks(v, OracleAction::value)) {
    out->status = RiskStatus::oracle_blocked;
    return;
  }
  const Price oracle = m.oracle_price(now);
  if (step_ema) {
    if (auto mid = book_mid(m.last_top)) {
      if (auto e = ema_step(m.basis, mid->raw - oracle.raw, now, m.params.mark.ema_period_ns)) {
        m.basis = *e;
      }
    }
  }
  auto mark = compute_mark(oracle, m.last_top, m.basis, m.params.mark.band_bps);
  if (!mark) {
    out->status = RiskStatus::overflow;
    return;
  }
  out->changed = !m.has_mark || m.mark != *mark;
  m.mark = *mark;
  m.has_mark = true;
  out->mark = *mark;
}

OracleResult RiskEngine::set_oracle(MarketId mid, Price price, Price confidence,
                                    TimestampNs publish_time, TimestampNs now,
                                    OracleSource source) {
  OracleResult r;
  r.market = mid;
  r.source = source;
  MarketState* m = find_market(mid);
  if (m == nullptr) {
    r.status = RiskStatus::unknown_market;
    return r;
  }
  OracleSourceState& s = source == OracleSource::primary ? m->primary : m->fallback;
  record_reading(s, OracleReading{price, confidence, publish_time}, now, m->params.oracle);
  r.reading_validity = s.validity(now, m->params.oracle);
  r.effective_validity = m->validity(now);
  r.oracle = m->oracle_price(now);
  r.liquidation_paused = m->source(now).paused_at_receipt;
  MarkResult mr;
  refresh_mark(*m, now, false, &mr);
  r.mark = mr.mark;
  r.mark_changed = mr.changed;
  return r;
}

MarkResult RiskEngine::update_mark(MarketId mid, const BookTop& top, TimestampNs now) {
  MarkResult r;
  r.market = mid;
  MarketState* m = find_market(mid);
  if (m == nullptr) {
    r.status = RiskStatus::unknown_market;
    return r;
  }
  m->last_top = top;
  refresh_mark(*m, now, true, &r);
  if (r.status != RiskStatus::ok) return r;

  const FundingParams& f = m->params.funding;
  const bool due = !m->sampled || now - m->last_sample_time >= f.sample_interval_ns;
  if (due && !oracle_blocks(m->validity(now), OracleAction::settle_funding)) {
    auto mid_price = book_mid(top);
    auto sample = premium_sample(m->oracle_price(now), top.impact_bid, top.impact_ask,
                                 mid_price ? *mid_price : Price(0));
    if (sample) {
      m->premium_sum += *sample;
      ++m->premium_samples;
      m->sampled = true;
      m->last_sample_time = now;
      r.premium_sampled = true;
      r.premium = *sample;
    }
  }
  return r;
}

FundingResult RiskEngine::funding_tick(MarketId mid, TimestampNs now) {
  FundingResult r;
  r.market = mid;
  MarketState* m = find_market(mid);
  if (m == nullptr) {
    r.status = RiskStatus::unknown_market;
    return r;
  }
  const FundingParams& f = m->params.funding;
  const TimestampNs start = interval_start(now, f.interval_ns);
  if (!m->funding_started) {
    m->funding_started = true;
    m->funding_anchor = start;
    r.status = RiskStatus::not_due;
    r.interval_start = start;
    return r;
  }
  r.interval_start = m->funding_anchor;
  r.index = m->funding_index;
  if (now - m->funding_anchor < f.interval_ns) {
    r.status = RiskStatus::not_due;
    return r;
  }
  // An unusable oracle postpones the payment (the interval stays open, samples keep counting).
  if (oracle_blocks(m->validity(now), OracleAction::settle_funding)) {
    r.status = RiskStatus::oracle_blocked;
    return r;
  }
  const Wide avg = m->premium_samples > 0
                       ? div_trunc(Wide::of(m->premium_sum), Wide(m->premium_samples))
                       : Wide(0);
  auto avg64 = to_i64(avg);
  auto rate_8h = avg64 ? funding_rate_8h(*avg64, f.interest_8h, f.premium_clamp_8h) : std::nullopt;
  auto rate =
      rate_8h ? funding_rate_per_interval(*rate_8h, f.interval_ns, f, m->params.initial_margin_bps,
                                          m->params.maintenance_margin_bps)
              : std::nullopt;
  if (!rate) {
    r.status = RiskStatus::overflow;
    return r;
  }
  const OracleSourceState& src = m->source(now);
  const Price twap = src.funding_twap.raw > 0 ? src.funding_twap : src.last.price;
  const Wide index = Wide::of(m->funding_index) + funding_index_delta(*rate, twap);
  if (!index.ok()) {
    r.status = RiskStatus::overflow;
    return r;
  }

  // Compute every payment first so an overflow changes nothing.
  struct Due {
    Account* account;
    Quote amount;
  };
  std::vector<Due> dues;
  Wide total = 0;
  auto collect = [&](Account& a) -> bool {
    auto it = a.markets.find(mid);
    if (it == a.markets.end() || !it->second.position.is_open()) return true;
    auto pay = funding_payment(it->second.position.base, it->second.position.last_funding_index,
                               index.value());
    if (!pay) return false;
    dues.push_back({&a, *pay});
    total = total + Wide(*pay);
    return true;
  };
  for (auto& [id, a] : accounts_) {
    if (!collect(a)) {
      r.status = RiskStatus::overflow;
      return r;
    }
  }
  if (!collect(insurance_.account)) {
    r.status = RiskStatus::overflow;
    return r;
  }
  auto residue = to_fixed<Quote>(total);
  if (!residue) {
    r.status = RiskStatus::overflow;
    return r;
  }

  for (const Due& d : dues) {
    Position& pos = d.account->markets[mid].position;
    d.account->collateral -= d.amount;
    pos.quote_break_even += d.amount;
    r.payments.push_back({d.account->id, pos.base, d.amount});
  }
  // Flat and untouched positions carry the new index too: every record is settled to it.
  for (auto& [id, a] : accounts_) {
    if (auto it = a.markets.find(mid); it != a.markets.end()) {
      it->second.position.last_funding_index = index.value();
    }
  }
  if (auto it = insurance_.account.markets.find(mid); it != insurance_.account.markets.end()) {
    it->second.position.last_funding_index = index.value();
  }
  r.samples = m->premium_samples;
  fees_.balance += *residue;
  fees_.funding_residue += *residue;
  m->funding_index = index.value();
  m->premium_sum = 0;
  m->premium_samples = 0;
  m->funding_anchor = start;
  m->last_rate = *rate;

  r.status = RiskStatus::ok;
  r.average_premium = *avg64;
  r.rate_8h = *rate_8h;
  r.rate = *rate;
  r.oracle_twap = twap;
  r.index = m->funding_index;
  r.residue_to_venue = *residue;
  return r;
}

}  // namespace qd::risk
