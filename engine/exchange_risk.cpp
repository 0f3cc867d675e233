// The margin core inside the matching flow: pre-trade checks, resting exposure, collateral,
// oracle and mark, funding on clock ticks, and the liquidation pass (cancel, reduce-only IOC
// through the book, insurance-fund takeover, auto-deleveraging). risk/README.md has the order
// of calls this follows.

#include <stdexcept>
#include <string>

#include "engine/exchange.hpp"
#include "risk/funding.hpp"

namespace qd {

namespace {
void require_ok(risk::RiskStatus s, const char* what) {
  // Exposure bookkeeping that fails means the engine and the margin core disagree about the
  // book: stop before anything of this batch is journaled or acknowledged.
  if (s != risk::RiskStatus::ok)
    throw std::logic_error(std::string(what) + ": " + risk::to_string(s));
}
}  // namespace

RejectReason Exchange::risk_check(const OrderRecord& r, Price price, Qty qty,
                                  risk::OrderCheck& out) const {
  if (!risk_ || r.liquidation) return RejectReason::none;
  const OrderState& s = r.state;
  out = risk_->check_order(s.origin.account, s.market, s.side, price, qty, s.reduce_only, now_);
  return out.reason;
}

void Exchange::risk_rested(const OrderRecord& r, Qty qty) {
  if (!risk_ || qty.raw <= 0) return;
  require_ok(risk_->on_order_rested(r.state.origin.account, r.state.market, r.state.side, qty),
             "resting exposure");
}

void Exchange::risk_removed(const OrderRecord& r, Qty qty) {
  if (!risk_ || qty.raw <= 0) return;
  require_ok(risk_->on_order_removed(r.state.origin.account, r.state.market, r.state.side, qty),
             "removed exposure");
}

void Exchange::risk_reduced(const OrderRecord& r, Qty qty) {
  if (!risk_ || qty.raw <= 0) return;
  require_ok(risk_->on_order_reduced(r.state.origin.account, r.state.market, r.state.side, qty),
             "reduced exposure");
}

void Exchange::emit_deficit(const risk::DeficitCovered& d, EventEmitter& e) {
  if (d.deficit.raw > 0) e(DeficitCovered{d.account, d.deficit, d.insurance_paid, d.socialized});
}

void Exchange::deposit(const Deposit& c, EventEmitter& e) {
  CollateralRejected rej{c.account, c.amount, CollateralReason::deposit, RejectReason::none, {}};
  if (!risk_) {
    rej.reason = RejectReason::unsupported_message;
    e(std::move(rej));
    return;
  }
  if (c.account == risk::INSURANCE_FUND_ACCOUNT) {
    if (risk_->seed_insurance_fund(c.amount) != risk::RiskStatus::ok) {
      rej.reason = RejectReason::invalid_quantity;
      e(std::move(rej));
      return;
    }
    e(CollateralChanged{c.account, c.amount, risk_->insurance_fund().account.collateral,
                        CollateralReason::deposit});
    return;
  }
  const risk::CollateralResult r = risk_->deposit(c.account, c.amount);
  if (!r.ok()) {
    rej.reason = r.reason;
    rej.text = r.text;
    e(std::move(rej));
    return;
  }
  e(CollateralChanged{c.account, c.amount, r.collateral_after, CollateralReason::deposit});
}

void Exchange::withdraw(const Withdraw& c, EventEmitter& e) {
  CollateralRejected rej{c.account, c.amount, CollateralReason::withdrawal, RejectReason::none, {}};
  if (!risk_) {
    rej.reason = RejectReason::unsupported_message;
    e(std::move(rej));
    return;
  }
  const risk::CollateralResult r = risk_->withdraw(c.account, c.amount, now_);
  if (!r.ok()) {
    rej.reason = r.reason;
    rej.text = r.text;
    e(std::move(rej));
    return;
  }
  e(CollateralChanged{c.account, -c.amount, r.collateral_after, CollateralReason::withdrawal});
  margins_changed_ = true;
}

void Exchange::set_oracle(const SetOraclePrice& c, EventEmitter& e) {
  if (c.market >= markets_.size() || c.price.raw <= 0) return;
  Market& m = *markets_[c.market];
  if (!risk_) {
    mark_changed(m, c.price, e);  // matching only: the reading is the mark
    return;
  }
  const risk::OracleResult r =
      risk_->set_oracle(c.market, c.price, c.confidence, c.publish_time, now_,
                        c.fallback ? risk::OracleSource::fallback : risk::OracleSource::primary);
  e(OraclePriceSet{c.market, c.price, c.confidence, c.publish_time,
                   static_cast<uint8_t>(r.reading_validity), c.fallback});
  if (r.status == risk::RiskStatus::ok && r.mark_changed) mark_changed(m, r.mark, e);
  margins_changed_ = true;
}

void Exchange::refresh_mark(Market& m, EventEmitter& e) {
  const int64_t tick = m.spec.tick_size.raw;
  risk::BookTop top;
  if (auto b = m.book.best_bid()) top.best_bid = Price(*b * tick);
  if (auto a = m.book.best_ask()) top.best_ask = Price(*a * tick);
  top.last_trade = m.last_trade;
  if (const auto notional = risk_->impact_notional(m.spec.id)) {
    // The impact prices: the average price of taking the impact notional from each side.
    auto impact = [&](Side book_side) -> Price {
      std::vector<risk::BookLevel> levels;
      __int128 seen = 0;
      const __int128 wanted = static_cast<__int128>(notional->raw) * QTY_PRECISION;
      m.book.for_each_level(book_side, [&](const LevelView& lv) {
        levels.push_back({Price(lv.price * tick), Qty(lv.qty)});
        seen += static_cast<__int128>(lv.price * tick) * lv.qty;
        return seen < wanted;
      });
      const auto p = risk::impact_price(levels, *notional, opposite(book_side));
      return p ? *p : Price(0);
    };
    top.impact_bid = impact(Side::buy);
    top.impact_ask = impact(Side::sell);
  }
  const risk::MarkResult r = risk_->update_mark(m.spec.id, top, now_);
  if (r.status == risk::RiskStatus::ok && r.changed) mark_changed(m, r.mark, e);
}

void Exchange::after_command(EventEmitter& e) {
  if (!risk_) {
    for (auto& m : markets_) m->touched = false;
    return;
  }
  // A pass's own fills, takeovers and ADL move other accounts' margins (a resting bid filled far
  // above the mark, the second market of an account whose first was closed at the bankruptcy
  // price): refresh the marks and look again until a pass changes nothing. Bounded; whatever is
  // left (margins_changed_ stays set) is taken up after the next command.
  constexpr int max_liquidation_rounds = 8;
  for (int round = 0;; ++round) {
    for (auto& m : markets_) {
      if (!m->touched) continue;
      m->touched = false;
      refresh_mark(*m, e);
    }
    if (!margins_changed_ || round == max_liquidation_rounds) break;
    margins_changed_ = false;
    liquidation_pass(e);
  }
}

void Exchange::liquidation_pass(EventEmitter& e) {
  for (const risk::LiquidationCandidate& c : risk_->find_liquidatable(now_)) {
    risk::LiquidationPlan plan = risk_->plan_liquidation(c.account, now_);
    if (plan.status != risk::RiskStatus::ok) continue;
    if (plan.cancel_all_orders) {
      // Resting orders count against maintenance: cancel them all first, then look again.
      for (OrderId id : orders_.select([&](const OrderRecord& r) {
             return r.state.origin.account == c.account;
           })) {
        OrderRecord& r = *orders_.find(id);
        take_out(*markets_[r.state.market], r);
        finish_canceled(r, CancelReason::liquidation, e);
      }
      plan = risk_->plan_liquidation(c.account, now_);
      if (plan.status != risk::RiskStatus::ok) continue;
    }
    const risk::LiquidationOrder& lo = plan.order;
    e(LiquidationTriggered{c.account, plan.equity, plan.maintenance, plan.shortage, lo.market,
                           plan.has_order ? lo.qty : Qty(0), lo.limit_price, lo.bankruptcy_price});
    if (plan.has_order) {
      // A reduce-only IOC through the book at no worse than the fillable price.
      OrderRecord r;
      OrderState& s = r.state;
      s.order_id = next_order_id_++;
      s.origin = Origin{c.account, 0};
      s.market = lo.market;
      s.client_id.assign("LIQ-" + std::to_string(s.order_id));
      s.side = lo.side;
      s.type = OrderType::limit;
      s.tif = TimeInForce::ioc;
      s.status = OrderStatus::new_;
      s.price = lo.limit_price;
      s.order_qty = lo.qty;
      s.leaves_qty = lo.qty;
      s.reduce_only = true;
      r.liquidation = true;
      OrderRecord& rec = orders_.insert(r);
      e(OrderAccepted{rec.state});
      work(*markets_[lo.market], rec, e);
    }
    if (!risk_->is_liquidatable(c.account, now_)) continue;
    // What the book could not absorb goes to the insurance fund, or else to ADL.
    const risk::TakeoverResult t = risk_->insurance_takeover(c.account, lo.market, now_);
    if (t.status == risk::RiskStatus::ok) {
      e(InsuranceTakeover{c.account, lo.market, t.account_side, t.qty, t.bankruptcy_price,
                          t.account_collateral_after, t.fund_collateral_after});
      emit_deficit(t.deficit, e);
      margins_changed_ = true;
    } else if (t.status == risk::RiskStatus::insurance_fund_insufficient) {
      const risk::AdlResult a = risk_->adl(c.account, lo.market, now_);
      const risk::Account* bankrupt = risk_->account(c.account);
      for (const risk::AdlFill& f : a.fills) {
        const risk::Account* cp = risk_->account(f.counterparty);
        e(AutoDeleveraged{c.account, f.counterparty, lo.market, f.counterparty_side, f.qty, f.price,
                          f.counterparty_realized_pnl, f.counterparty_position.base,
                          cp ? cp->collateral : Quote(0),
                          bankrupt ? bankrupt->collateral : Quote(0)});
      }
      for (const risk::DeficitCovered& d : a.deficits) emit_deficit(d, e);
      if (!a.fills.empty()) margins_changed_ = true;
    }
  }
}

}  // namespace qd
