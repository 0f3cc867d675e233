// Changes to orders already in the engine: replace, mass cancel, stop triggers, expiry and
// market status.

#include "engine/exchange.hpp"

namespace qd {

void Exchange::replace_order(const ReplaceOrder& c, EventEmitter& e) {
  CancelRejected rej{c.origin, c.market, c.ref.order_id, c.client_id, c.ref.orig_client_id,
                     OrderStatus::rejected, CancelRejectTo::replace, RejectReason::none};
  auto refuse = [&](RejectReason why, const OrderRecord* r) {
    rej.reason = why;
    if (r) {
      rej.order_id = r->state.order_id;
      rej.status = r->state.status;
      rej.orig_client_id = r->state.client_id;
    }
    e(rej);
  };
  if (c.market >= markets_.size()) return refuse(RejectReason::unknown_market, nullptr);
  OrderRecord* r = resolve(c.ref, c.origin, c.market);
  if (!r) return refuse(RejectReason::unknown_order, nullptr);
  Market& m = *markets_[c.market];
  OrderState& s = r->state;
  if (m.spec.status == MarketStatus::halted) return refuse(RejectReason::market_halted, r);
  if (m.spec.status == MarketStatus::closed) return refuse(RejectReason::market_closed, r);
  if (c.side != s.side) return refuse(RejectReason::replace_changes_side, r);
  if (!ClientOrderId::fits(c.client_id.view()))
    return refuse(RejectReason::client_order_id_too_long, r);
  if (!(c.client_id == s.client_id) && orders_.find_by_client_id(s.origin.account, c.client_id.view()))
    return refuse(RejectReason::duplicate_client_order_id, r);
  const bool pending_stop = !r->resting;
  const bool stop_type = s.type == OrderType::stop_market || s.type == OrderType::stop_limit;
  // A triggered stop works as its market or limit counterpart.
  const OrderType working = !pending_stop && s.type == OrderType::stop_limit ? OrderType::limit : s.type;
  if (!pending_stop && (s.type == OrderType::market || s.type == OrderType::stop_market))
    return refuse(RejectReason::order_not_replaceable, r);
  const Price new_price = working == OrderType::stop_market ? Price(0) : c.price;
  if (RejectReason why = validate_price_qty(m, working, s.side, new_price, c.qty);
      why != RejectReason::none)
    return refuse(why, r);
  if (c.qty <= s.cum_qty) return refuse(RejectReason::replace_below_filled, r);
  const Qty new_leaves = c.qty - s.cum_qty;

  if (pending_stop && stop_type) {
    if (c.stop_price.raw <= 0) return refuse(RejectReason::missing_stop_price, r);
    if (c.stop_price.raw % m.spec.tick_size.raw != 0) return refuse(RejectReason::price_not_on_tick, r);
    if (m.mark && (s.side == Side::buy ? *m.mark >= c.stop_price : *m.mark <= c.stop_price))
      return refuse(RejectReason::stop_price_already_triggered, r);
    m.stops.remove(s.order_id, s.side, s.stop_price);
    s.stop_price = c.stop_price;
    m.stops.add(s.order_id, s.side, s.stop_price);
    s.price = new_price;
    s.order_qty = c.qty;
    s.leaves_qty = new_leaves;
    s.orig_client_id = s.client_id;
    orders_.rename(*r, c.client_id);
    e(OrderReplaced{s, false});
    return;
  }

  const int64_t tick = m.spec.tick_size.raw;
  const bool keeps_priority = new_price == s.price && new_leaves <= s.leaves_qty;
  if (!keeps_priority && s.post_only && m.book.crosses(s.side, new_price.raw / tick))
    return refuse(RejectReason::post_only_would_take, r);
  if (keeps_priority) {
    s.orig_client_id = s.client_id;
    orders_.rename(*r, c.client_id);
    s.order_qty = c.qty;
    risk_reduced(*r, s.leaves_qty - new_leaves);
    m.book.reduce(s.order_id, new_leaves.raw);
    m.touched = true;
    s.leaves_qty = new_leaves;
    e(OrderReplaced{s, true});
    return;
  }
  if (risk_) {
    // Judge the replacement as if the old order were gone; put the old exposure back if refused.
    risk_removed(*r, s.leaves_qty);
    risk::OrderCheck check;
    OrderRecord probe = *r;
    probe.state.reduce_only = s.reduce_only;
    if (RejectReason why = risk_check(probe, new_price, new_leaves, check); why != RejectReason::none) {
      risk_rested(*r, s.leaves_qty);
      return refuse(why, r);
    }
    risk_rested(*r, s.leaves_qty);
  }
  s.orig_client_id = s.client_id;
  orders_.rename(*r, c.client_id);
  s.order_qty = c.qty;
  // A new price or a larger quantity re-enters the book: it may trade and it loses priority.
  take_out(m, *r);
  s.price = new_price;
  s.leaves_qty = new_leaves;
  e(OrderReplaced{s, false});
  work(m, *r, e);
}

void Exchange::mass_cancel(const MassCancel& c, EventEmitter& e) {
  MassCancelDone done{c.origin, c.scope, c.market, c.client_id, 0, RejectReason::none};
  const bool by_market = c.scope == MassCancelScope::market || c.scope == MassCancelScope::account_market;
  if (c.scope == MassCancelScope::market && c.origin.session != 0) {
    done.reason = RejectReason::role_not_permitted;  // every account's orders: the venue only
    e(done);
    return;
  }
  if (by_market && c.market >= markets_.size()) {
    done.reason = RejectReason::unknown_market;
    e(done);
    return;
  }
  const std::vector<OrderId> ids = orders_.select([&](const OrderRecord& r) {
    const OrderState& s = r.state;
    switch (c.scope) {
      case MassCancelScope::account: return s.origin.account == c.origin.account;
      case MassCancelScope::market: return s.market == c.market;
      case MassCancelScope::account_market:
        return s.origin.account == c.origin.account && s.market == c.market;
      case MassCancelScope::session: return s.origin.session == c.origin.session;
    }
    return false;
  });
  for (OrderId id : ids) {
    OrderRecord& r = *orders_.find(id);
    take_out(*markets_[r.state.market], r);
    finish_canceled(r, c.reason, e);
    ++done.canceled;
  }
  e(done);
}

void Exchange::set_mark(const SetMarkPrice& c, EventEmitter& e) {
  if (c.market >= markets_.size() || c.mark.raw <= 0) return;
  if (risk_) {
    // With the margin core the mark is derived: read this as an exact oracle reading.
    set_oracle(SetOraclePrice{c.market, c.mark, Price(0), now_, false}, e);
    return;
  }
  mark_changed(*markets_[c.market], c.mark, e);
}

void Exchange::mark_changed(Market& m, Price mark, EventEmitter& e) {
  m.mark = mark;
  e(MarkPriceSet{m.spec.id, mark});
  trigger_stops(m, e);
}

void Exchange::trigger_stops(Market& m, EventEmitter& e) {
  if (!m.mark || m.spec.status != MarketStatus::open) return;  // stops wait while halted
  for (OrderId id : m.stops.take_triggered(*m.mark)) {
    OrderRecord& r = *orders_.find(id);
    if (r.state.type == OrderType::stop_market) r.state.price = protection_price(m, r.state.side);
    e(OrderTriggered{r.state});
    if (r.state.type == OrderType::stop_limit &&
        validate_price_qty(m, OrderType::limit, r.state.side, r.state.price, r.state.leaves_qty) !=
            RejectReason::none) {
      // A stop-limit's price is judged against the band and the book when it becomes active.
      finish_canceled(r, CancelReason::price_band, e);
      continue;
    }
    risk::OrderCheck check;
    if (risk_check(r, r.state.price, r.state.leaves_qty, check) != RejectReason::none) {
      finish_canceled(r, CancelReason::risk_check_failed, e);
      continue;
    }
    if (check.resized) {
      const Qty cut = r.state.leaves_qty - check.qty;
      r.state.leaves_qty = check.qty;
      e(OrderRestated{r.state, cut, CancelReason::reduce_only_resize});
    }
    work(m, r, e);
  }
}

void Exchange::clock_tick(EventEmitter& e) {
  for (OrderId id : expiries_.take_due(now_)) {
    OrderRecord* r = orders_.find(id);
    if (!r || r->state.expire_time > now_) continue;  // already gone
    take_out(*markets_[r->state.market], *r);
    finish_canceled(*r, CancelReason::expired, e);
  }
  last_tick_ = now_;
  if (!risk_) return;
  for (auto& m : markets_) {
    refresh_mark(*m, e);
    const risk::FundingResult f = risk_->funding_tick(m->spec.id, now_);
    if (f.status != risk::RiskStatus::ok) continue;
    e(FundingRateApplied{m->spec.id, f.rate, f.rate_8h, f.average_premium, f.oracle_twap,
                         f.residue_to_venue});
    for (const risk::FundingPayment& p : f.payments) {
      const risk::Account* a = risk_->account(p.account);
      e(FundingPaid{m->spec.id, p.account, p.base, p.amount, a ? a->collateral : Quote(0)});
    }
    margins_changed_ = true;
  }
}

void Exchange::set_status(const SetMarketStatus& c, EventEmitter& e) {
  if (c.market >= markets_.size()) return;
  Market& m = *markets_[c.market];
  m.spec.status = c.status;
  e(MarketStatusChanged{c.market, c.status});
  if (c.status == MarketStatus::open) trigger_stops(m, e);  // stops that waited out a halt
  if (c.status != MarketStatus::closed) return;
  // Closing a market ends every order in it.
  for (OrderId id : orders_.select([&](const OrderRecord& r) { return r.state.market == c.market; })) {
    OrderRecord& r = *orders_.find(id);
    take_out(m, r);
    finish_canceled(r, CancelReason::market_closed, e);
  }
}

}  // namespace qd
