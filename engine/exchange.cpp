#include "engine/exchange.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace qd {

namespace {
constexpr TimestampNs ns_per_day = 86'400'000'000'000;

/// cum_notional / cum_qty rounded half up: AvgPx in the price unit.
Price average_price(__int128 cum_notional, Qty cum) {
  if (cum.raw == 0) return Price(0);
  return Price(static_cast<int64_t>((cum_notional + cum.raw / 2) / cum.raw));
}

void apply_fill(OrderRecord& r, Price px, Qty q) {
  OrderState& s = r.state;
  s.cum_qty += q;
  s.leaves_qty -= q;
  r.cum_notional += static_cast<__int128>(px.raw) * q.raw;
  s.avg_price = average_price(r.cum_notional, s.cum_qty);
  s.status = s.leaves_qty.raw == 0 ? OrderStatus::filled : OrderStatus::partially_filled;
}
}  // namespace

/// The book's handler while one order takes liquidity: turns each step into events and, with
/// the margin core on, applies each trade to both accounts.
class TakerMatch {
 public:
  TakerMatch(Exchange& ex, Exchange::Market& m, OrderRecord& taker, EventEmitter& e)
      : ex_(ex), m_(m), taker_(taker), e_(e) {}

  void on_fill(const BookOrder& maker_node, Ticks price, int64_t qty, bool maker_done) {
    OrderRecord& maker = *ex_.orders_.find(maker_node.id);
    const Price px(price * m_.spec.tick_size.raw);
    const Qty q(qty);
    const TradeId trade = e_.next_trade_id();
    apply_fill(maker, px, q);
    apply_fill(taker_, px, q);
    const Side aggressor = taker_.state.side;
    OrderFilled mf{maker.state, trade, taker_.state.order_id, taker_.state.origin.account, px, q,
                   Liquidity::maker, aggressor, {}, {}, {}, {}, false};
    OrderFilled tf{taker_.state, trade, maker.state.order_id, maker.state.origin.account, px, q,
                   Liquidity::taker, aggressor, {}, {}, {}, {}, taker_.liquidation};
    m_.last_trade = px;
    m_.touched = true;
    if (ex_.risk_) {
      const risk::TradeResult r =
          ex_.risk_->apply_trade(m_.spec.id, maker.state.origin.account, taker_.state.origin.account,
                                 aggressor, px, q, taker_.liquidation);
      if (r.status != risk::RiskStatus::ok) {
        // The book has already traded: a margin core that cannot follow is a defect, and the
        // batch must not be journaled or acknowledged.
        throw std::logic_error(std::string("margin core refused a trade: ") + risk::to_string(r.status));
      }
      copy_risk(r.maker, mf);
      copy_risk(r.taker, tf);
      ex_.margins_changed_ = true;
      e_(std::move(mf));
      e_(std::move(tf));
      ex_.emit_deficit(r.maker.deficit, e_);
      ex_.emit_deficit(r.taker.deficit, e_);
    } else {
      e_(std::move(mf));
      e_(std::move(tf));
    }
    if (maker_done) ex_.orders_.erase(maker_node.id);
  }

  void on_self_trade_cancel(const BookOrder& maker_node) {
    OrderRecord& maker = *ex_.orders_.find(maker_node.id);
    const Qty open = maker.state.leaves_qty;
    ex_.risk_removed(maker, open);
    maker.state.leaves_qty = Qty(0);
    maker.state.status = OrderStatus::canceled;
    e_(OrderCanceled{maker.state, open, CancelReason::stp_resting, {}});
    ex_.orders_.erase(maker_node.id);
    m_.touched = true;
  }

  void on_self_trade_decrement(const BookOrder& maker_node, int64_t qty, bool maker_done) {
    OrderRecord& maker = *ex_.orders_.find(maker_node.id);
    const Qty q(qty);
    maker.state.leaves_qty -= q;
    taker_.state.leaves_qty -= q;
    m_.touched = true;
    if (maker_done) {
      ex_.risk_removed(maker, q);
      maker.state.status = OrderStatus::canceled;
      e_(OrderCanceled{maker.state, q, CancelReason::stp_resting, {}});
      ex_.orders_.erase(maker_node.id);
    } else {
      ex_.risk_reduced(maker, q);
      e_(OrderRestated{maker.state, q, CancelReason::stp_resting});
    }
    if (taker_.state.leaves_qty.raw == 0) {
      taker_.state.status = OrderStatus::canceled;
      e_(OrderCanceled{taker_.state, q, CancelReason::stp_aggressing, {}});
      taker_done_ = true;
    } else {
      e_(OrderRestated{taker_.state, q, CancelReason::stp_aggressing});
    }
  }

  /// The taker was ended by a decrement (its cancel already emitted).
  bool taker_done() const { return taker_done_; }

 private:
  static void copy_risk(const risk::FillResult& f, OrderFilled& ev) {
    ev.fee = f.fee;
    ev.realized_pnl = f.realized_pnl;
    ev.position_after = f.position.base;
    ev.collateral_after = f.collateral_after;
  }

  Exchange& ex_;
  Exchange::Market& m_;
  OrderRecord& taker_;
  EventEmitter& e_;
  bool taker_done_ = false;
};

Exchange::Exchange(const ExchangeSpec& spec, size_t pool_capacity)
    : pool_(std::make_unique<OrderPool>(pool_capacity)) {
  if (!spec.risk.empty() && spec.risk.size() != spec.markets.size())
    throw std::invalid_argument("margin parameters must be given for every market");
  if (!spec.risk.empty()) risk_ = std::make_unique<risk::RiskEngine>();
  for (size_t i = 0; i < spec.markets.size(); ++i) {
    MarketSpec m = spec.markets[i];
    m.id = MarketId(i);
    markets_.push_back(std::make_unique<Market>(m, *pool_));
    if (risk_ && risk_->add_market(m, spec.risk[i]) != risk::RiskStatus::ok)
      throw std::invalid_argument("invalid margin parameters for market " + m.symbol);
    if (risk_) risk_tick_interval_ = std::min(risk_tick_interval_, spec.risk[i].funding.sample_interval_ns);
  }
  for (const AccountSpec& a : spec.accounts) {
    accounts_[a.id] = a;
    if (risk_ && risk_->add_account(a.id) != risk::RiskStatus::ok)
      throw std::invalid_argument("duplicate account " + std::to_string(a.id));
  }
}

TimestampNs Exchange::next_deadline() const {
  TimestampNs next = expiries_.next();
  // The margin core samples the funding premium and pays funding on clock ticks.
  if (risk_) next = std::min(next, last_tick_ + risk_tick_interval_);
  return next;
}

const AccountSpec* Exchange::account(AccountId id) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : &it->second;
}

const OrderRecord* Exchange::order(OrderId id) const {
  return orders_.find(id);
}

std::optional<MarketId> Exchange::find_market(std::string_view symbol) const {
  for (const auto& m : markets_) {
    if (m->spec.symbol == symbol) return m->spec.id;
  }
  return std::nullopt;
}

void Exchange::prefetch(const CommandBody& command) const {
  OrderId id = 0;
  MarketId market = 0;
  if (const auto* c = std::get_if<CancelOrder>(&command)) {
    id = c->ref.order_id;
    market = c->market;
  } else if (const auto* r = std::get_if<ReplaceOrder>(&command)) {
    id = r->ref.order_id;
    market = r->market;
  }
  if (id != 0 && market < markets_.size()) markets_[market]->book.prefetch(id);
}

void Exchange::process(const Command& command, std::vector<Event>& out) {
  now_ = command.ts;
  EventEmitter e(out, command);
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, NewOrder>) new_order(c, e);
        else if constexpr (std::is_same_v<T, CancelOrder>) cancel_order(c, e);
        else if constexpr (std::is_same_v<T, ReplaceOrder>) replace_order(c, e);
        else if constexpr (std::is_same_v<T, MassCancel>) mass_cancel(c, e);
        else if constexpr (std::is_same_v<T, SetMarkPrice>) set_mark(c, e);
        else if constexpr (std::is_same_v<T, ClockTick>) clock_tick(e);
        else if constexpr (std::is_same_v<T, SetMarketStatus>) set_status(c, e);
        else if constexpr (std::is_same_v<T, Deposit>) deposit(c, e);
        else if constexpr (std::is_same_v<T, Withdraw>) withdraw(c, e);
        else if constexpr (std::is_same_v<T, SetOraclePrice>) set_oracle(c, e);
        else if constexpr (std::is_same_v<T, UpdateMarketParams>) update_market(c, e);
        else if constexpr (std::is_same_v<T, UpdateAccount>) update_account(c, e);
      },
      command.body);
  after_command(e);
}

void Exchange::new_order(const NewOrder& c, EventEmitter& e) {
  OrderRecord r;
  OrderState& s = r.state;
  s.origin = c.origin;
  s.market = c.market;
  s.client_id = c.client_id;
  s.side = c.side;
  s.type = c.type;
  s.tif = c.tif;
  s.price = (c.type == OrderType::market || c.type == OrderType::stop_market) ? Price(0) : c.price;
  s.stop_price = c.stop_price;
  s.order_qty = c.qty;
  s.leaves_qty = c.qty;
  s.expire_time = c.tif == TimeInForce::gtd ? c.expire_time : 0;
  s.post_only = c.post_only;
  s.reduce_only = c.reduce_only;
  risk::OrderCheck check;
  RejectReason why = validate(c, now_);
  Market* market = why == RejectReason::none ? markets_[c.market].get() : nullptr;
  const bool is_stop = c.type == OrderType::stop_market || c.type == OrderType::stop_limit;
  if (why == RejectReason::none && !is_stop) {
    // Stops are checked when they trigger: only then do they add risk.
    const Price px = c.type == OrderType::market ? protection_price(*market, c.side) : c.price;
    why = risk_check(r, px, c.qty, check);
  }
  if (why != RejectReason::none) {
    s.status = OrderStatus::rejected;
    s.leaves_qty = Qty(0);
    e(OrderRejected{s, why, check.text});
    return;
  }
  Market& m = *market;
  const AccountSpec& acct = *account(c.origin.account);
  r.stp = c.has_stp_override ? c.stp : acct.stp_mode;
  r.stp_group = acct.stp_group;
  s.order_id = next_order_id_++;
  s.status = OrderStatus::new_;
  if (c.tif == TimeInForce::day) {
    // The next end of trading day after now, at the market's offset from UTC midnight.
    const TimestampNs off = m.spec.day_end_offset_ns;
    s.expire_time = ((now_ - off) / ns_per_day + 1) * ns_per_day + off;
  }
  if (c.type == OrderType::market) s.price = protection_price(m, c.side);

  OrderRecord& rec = orders_.insert(r);
  e(OrderAccepted{rec.state});
  if (check.resized) {
    // A reduce-only order larger than the position is cut to it.
    const Qty cut = rec.state.leaves_qty - check.qty;
    rec.state.leaves_qty = check.qty;
    e(OrderRestated{rec.state, cut, CancelReason::reduce_only_resize});
  }
  if (rec.state.expire_time != 0) expiries_.add(rec.state.expire_time, rec.state.order_id);
  if (c.type == OrderType::stop_market || c.type == OrderType::stop_limit) {
    m.stops.add(rec.state.order_id, c.side, c.stop_price);
    return;
  }
  work(m, rec, e);
}

void Exchange::work(Market& m, OrderRecord& taker, EventEmitter& e) {
  OrderState& s = taker.state;
  const int64_t tick = m.spec.tick_size.raw;
  const bool market_like = s.type == OrderType::market || s.type == OrderType::stop_market;
  Aggressor a{s.order_id, s.side, s.price.raw / tick, s.leaves_qty.raw, s.origin.account,
              taker.stp_group, taker.stp};
  if (s.tif == TimeInForce::fok && m.book.fillable(a, a.qty) < a.qty) {
    finish_canceled(taker, CancelReason::fok_unfilled, e);
    return;
  }
  TakerMatch handler(*this, m, taker, e);
  const MatchResult res = m.book.match(a, handler);
  if (handler.taker_done()) {
    orders_.erase(s.order_id);
  } else if (s.leaves_qty.raw == 0) {
    orders_.erase(s.order_id);  // filled
  } else if (res.taker_stp_cancelled) {
    finish_canceled(taker, CancelReason::stp_aggressing, e);
  } else if (market_like) {
    finish_canceled(taker, CancelReason::market_remainder, e);
  } else if (s.tif == TimeInForce::ioc || s.tif == TimeInForce::fok) {
    finish_canceled(taker, CancelReason::ioc_remainder, e);
  } else {
    rest(m, taker, s.leaves_qty.raw);
  }
}

void Exchange::rest(Market& m, OrderRecord& r, int64_t leaves) {
  const OrderState& s = r.state;
  m.book.add(s.order_id, s.side, s.price.raw / m.spec.tick_size.raw, leaves, s.origin.account,
             r.stp_group);
  r.resting = true;
  m.touched = true;
  risk_rested(r, Qty(leaves));
}

void Exchange::take_out(Market& m, OrderRecord& r) {
  if (r.resting) {
    m.book.remove(r.state.order_id);
    r.resting = false;
    m.touched = true;
    risk_removed(r, r.state.leaves_qty);
  } else {
    m.stops.remove(r.state.order_id, r.state.side, r.state.stop_price);
  }
}

void Exchange::finish_canceled(OrderRecord& r, CancelReason why, EventEmitter& e,
                               const ClientOrderId* request_id) {
  OrderState& s = r.state;
  const Qty open = s.leaves_qty;
  s.leaves_qty = Qty(0);
  s.status = why == CancelReason::expired ? OrderStatus::expired : OrderStatus::canceled;
  OrderCanceled ev{s, open, why, {}};
  if (request_id) {
    ev.order.orig_client_id = s.client_id;
    ev.order.client_id = *request_id;
    ev.request_client_id = *request_id;
  }
  e(std::move(ev));
  orders_.erase(s.order_id);
}

OrderRecord* Exchange::resolve(const OrderRef& ref, const Origin& origin, MarketId market) {
  OrderRecord* r = ref.order_id != 0 ? orders_.find(ref.order_id)
                                     : orders_.find_by_client_id(origin.account,
                                                                 ref.orig_client_id.view());
  if (!r || r->state.market != market) return nullptr;
  // Another account's order is reported unknown: its existence is not revealed. The venue
  // itself (session 0) may act on any order.
  if (origin.session != 0 && r->state.origin.account != origin.account) return nullptr;
  return r;
}

void Exchange::cancel_order(const CancelOrder& c, EventEmitter& e) {
  CancelRejected rej{c.origin, c.market, c.ref.order_id, c.client_id, c.ref.orig_client_id,
                     OrderStatus::rejected, CancelRejectTo::cancel, RejectReason::none};
  if (c.market >= markets_.size()) {
    rej.reason = RejectReason::unknown_market;
    e(rej);
    return;
  }
  OrderRecord* r = resolve(c.ref, c.origin, c.market);
  if (!r) {
    rej.reason = RejectReason::unknown_order;
    e(rej);
    return;
  }
  take_out(*markets_[c.market], *r);
  finish_canceled(*r, CancelReason::client_request, e, &c.client_id);
}

}  // namespace qd
