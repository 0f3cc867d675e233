#include "app/risk_sim/timeline.hpp"

namespace qd::risk_sim {

namespace {

ExchangeSpec exchange_spec(const Scenario& s) {
  ExchangeSpec spec;
  for (const MarketDef& m : s.markets) {
    spec.markets.push_back(m.spec);
    spec.risk.push_back(m.params);
  }
  for (const AccountDef& a : s.accounts) spec.accounts.push_back(AccountSpec{a.id});
  return spec;
}

}  // namespace

Timeline::Timeline(const Scenario& s) : s_(s), ex_(exchange_spec(s)) {}

void Timeline::replay(const std::vector<Command>& log) {
  std::vector<Event> out;
  for (const Command& c : log) {
    out.clear();
    ex_.process(c, out);
    for (const Event& e : out) {
      if (const auto* a = std::get_if<OrderAccepted>(&e.body))
        order_ids_[a->order.order_id] = std::string(a->order.client_id.view());
    }
    log_.push_back(c);
    seq_ = c.seq;
    now_ = c.ts;
  }
}

Price Timeline::oracle(MarketId m) const {
  const risk::MarketState* st = ex_.risk()->market(m);
  return st ? st->primary.last.price : Price(0);
}

void Timeline::move_to(TimestampNs t) {
  const TimestampNs target = SCENARIO_EPOCH + t;
  if (target <= now_) return;
  now_ = target;
  if (!s_.keep_oracles_fresh) return;
  for (const MarketDef& m : s_.markets) {
    const risk::MarketState* st = ex_.risk()->market(m.spec.id);
    if (st == nullptr || !st->primary.has_reading || st->primary.last.price.raw <= 0) continue;
    submit(SetOraclePrice{m.spec.id, st->primary.last.price, st->primary.last.confidence, now_,
                          false});
  }
}

std::vector<Event> Timeline::submit(CommandBody body) {
  Command c{++seq_, now_, std::move(body)};
  std::vector<Event> out;
  ex_.process(c, out);
  log_.push_back(std::move(c));
  for (const Event& e : out) {
    if (const auto* a = std::get_if<OrderAccepted>(&e.body))
      order_ids_[a->order.order_id] = std::string(a->order.client_id.view());
    tally_.add(e);
    Json line = event_json(e, s_, step_, order_ids_);
    if (!line.is_null()) events_.push_back(std::move(line));
  }
  const risk::InvariantReport report = ex_.risk()->check_invariants();
  for (const std::string& v : report.violations) {
    violations_.push_back("seq " + std::to_string(seq_) + " at t=" + scenario_time(now_) +
                          " (step " + std::to_string(step_) + "): " + v);
  }
  return out;
}

}  // namespace qd::risk_sim
