#include "fix/depth_book.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "risk/account.hpp"

namespace qd::fix {

namespace {

bool terminal(OrderStatus s) {
  return s == OrderStatus::filled || s == OrderStatus::canceled || s == OrderStatus::rejected ||
         s == OrderStatus::expired;
}

bool stop_type(OrderType t) {
  return t == OrderType::stop_market || t == OrderType::stop_limit;
}

/// Whether an order in this state, working on the book, leaves quantity resting.
bool rests(const OrderState& s, bool active) {
  if (!active || terminal(s.status) || s.leaves_qty.raw <= 0) return false;
  return s.type == OrderType::limit || s.type == OrderType::stop_limit;
}

template <class Map>
std::vector<DepthLevel> copy_levels(const Map& side, size_t depth) {
  std::vector<DepthLevel> out;
  out.reserve(depth == 0 ? side.size() : std::min(depth, side.size()));
  for (const auto& [price, agg] : side) {
    if (depth != 0 && out.size() >= depth) break;
    out.push_back(DepthLevel{Price(price), Qty(agg.qty), agg.orders});
  }
  return out;
}

}  // namespace

DepthBook::DepthBook(size_t market_count) : markets_(market_count), long_oi_(market_count, 0) {}

void DepthBook::add_level(MarketId m, Side side, Price price, Qty qty, int orders) {
  Market& mk = markets_[m];
  mk.dirty = true;
  auto update = [&](auto& book) {
    LevelAgg& agg = book[price.raw];
    agg.qty += qty.raw;
    agg.orders = uint32_t(int64_t(agg.orders) + orders);
    if (agg.orders == 0 || agg.qty <= 0) book.erase(price.raw);
  };
  if (side == Side::buy)
    update(mk.bids);
  else
    update(mk.asks);
}

void DepthBook::set_resting(Tracked& t, const OrderState& s, Qty resting) {
  // Take the old contribution out, then put the new one in (the price may have moved).
  if (t.resting.raw > 0) add_level(t.market, t.side, t.price, -t.resting, -1);
  t.price = s.price;
  t.side = s.side;
  t.resting = resting;
  if (resting.raw > 0) add_level(t.market, t.side, t.price, resting, +1);
}

void DepthBook::on_state(const OrderState& s, bool triggered) {
  if (s.market >= markets_.size() || s.order_id == 0) return;
  auto it = orders_.find(s.order_id);
  if (it == orders_.end()) {
    if (terminal(s.status)) return;
    Tracked t;
    t.market = s.market;
    t.side = s.side;
    t.price = s.price;
    t.active = !stop_type(s.type);
    it = orders_.emplace(s.order_id, t).first;
  }
  Tracked& t = it->second;
  if (triggered) t.active = true;
  set_resting(t, s, rests(s, t.active) ? s.leaves_qty : Qty(0));
  if (terminal(s.status)) orders_.erase(it);
}

void DepthBook::on_gone(const OrderState& s) {
  auto it = orders_.find(s.order_id);
  if (it == orders_.end()) return;
  set_resting(it->second, s, Qty(0));
  orders_.erase(it);
}

void DepthBook::set_position(MarketId m, AccountId a, Qty base) {
  int64_t& p = positions_[{m, a}];
  long_oi_[m] += std::max<int64_t>(base.raw, 0) - std::max<int64_t>(p, 0);
  p = base.raw;
  markets_[m].stats.open_interest = Qty(long_oi_[m]);
  markets_[m].dirty = true;
}

void DepthBook::add_position(MarketId m, AccountId a, Side side, Qty qty) {
  auto it = positions_.find({m, a});
  const int64_t before = it == positions_.end() ? 0 : it->second;
  set_position(m, a, Qty(before + (side == Side::buy ? qty.raw : -qty.raw)));
}

void DepthBook::apply(const Event& e) {
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderAccepted> || std::is_same_v<T, OrderRestated> ||
                      std::is_same_v<T, OrderReplaced>) {
          on_state(b.order, false);
        } else if constexpr (std::is_same_v<T, OrderTriggered>) {
          on_state(b.order, true);
        } else if constexpr (std::is_same_v<T, OrderCanceled>) {
          on_gone(b.order);
        } else if constexpr (std::is_same_v<T, OrderFilled>) {
          on_state(b.order, false);
          const MarketId m = b.order.market;
          if (m >= markets_.size()) return;
          // Both sides carry their position; 0 everywhere means the margin core is off.
          if (b.position_after.raw != 0 || positions_.count({m, b.order.origin.account}) != 0)
            set_position(m, b.order.origin.account, b.position_after);
          if (b.liquidity == Liquidity::maker) {  // one print per trade: the maker's side
            DepthTrade t{m, b.trade_id, b.last_price, b.last_qty, b.aggressor_side, e.ts};
            markets_[m].stats.last_trade = t;
            markets_[m].dirty = true;
            trades_.push_back(t);
          }
        } else if constexpr (std::is_same_v<T, MarkPriceSet>) {
          if (b.market >= markets_.size()) return;
          markets_[b.market].stats.mark = b.mark;
          markets_[b.market].dirty = true;
        } else if constexpr (std::is_same_v<T, OraclePriceSet>) {
          if (b.market >= markets_.size()) return;
          markets_[b.market].stats.oracle = b.price;
          markets_[b.market].dirty = true;
        } else if constexpr (std::is_same_v<T, FundingRateApplied>) {
          if (b.market >= markets_.size()) return;
          markets_[b.market].stats.funding_rate = b.rate;
          markets_[b.market].stats.funding_ts = e.ts;
          markets_[b.market].dirty = true;
        } else if constexpr (std::is_same_v<T, AutoDeleveraged>) {
          if (b.market >= markets_.size()) return;
          set_position(b.market, b.counterparty, b.counterparty_position_after);
          add_position(b.market, b.account, opposite(b.counterparty_side), b.qty);
        } else if constexpr (std::is_same_v<T, InsuranceTakeover>) {
          if (b.market >= markets_.size()) return;
          add_position(b.market, b.account, b.account_side, b.qty);
          add_position(b.market, risk::INSURANCE_FUND_ACCOUNT, opposite(b.account_side), b.qty);
        }
      },
      e.body);
}

std::vector<DepthLevel> DepthBook::levels(MarketId market, Side side, size_t depth) const {
  const Market& m = markets_.at(market);
  return side == Side::buy ? copy_levels(m.bids, depth) : copy_levels(m.asks, depth);
}

std::vector<DepthTrade> DepthBook::take_trades() {
  std::vector<DepthTrade> out;
  out.swap(trades_);
  return out;
}

std::vector<MarketId> DepthBook::take_dirty() {
  std::vector<MarketId> out;
  for (MarketId m = 0; m < markets_.size(); ++m) {
    if (!markets_[m].dirty) continue;
    markets_[m].dirty = false;
    out.push_back(m);
  }
  return out;
}

}  // namespace qd::fix

namespace qd::fix {

namespace {

template <class T>
void put_optional(ByteWriter& out, const std::optional<T>& v) {
  out(v.has_value());
  if (v) out(*v);
}

template <class T>
void get_optional(ByteReader& in, std::optional<T>& v) {
  bool has = false;
  in(has);
  v.reset();
  if (has) in(v.emplace());
}

void put_trade(ByteWriter& out, const DepthTrade& t) {
  out(t.market);
  out(t.trade_id);
  out(t.price);
  out(t.qty);
  out(t.aggressor);
  out(t.ts);
}

void get_trade(ByteReader& in, DepthTrade& t) {
  in(t.market);
  in(t.trade_id);
  in(t.price);
  in(t.qty);
  in(t.aggressor);
  in(t.ts);
}

template <class Levels>
void put_levels(ByteWriter& out, const Levels& levels) {
  out(uint64_t(levels.size()));
  for (const auto& [price, agg] : levels) {
    out(price);
    out(agg.qty);
    out(agg.orders);
  }
}

template <class Levels>
void get_levels(ByteReader& in, Levels& levels) {
  uint64_t n = 0;
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t price = 0;
    typename Levels::mapped_type agg;
    in(price);
    in(agg.qty);
    in(agg.orders);
    levels.emplace(price, agg);
  }
}

}  // namespace

void DepthBook::save(ByteWriter& out) const {
  out(uint64_t(markets_.size()));
  for (const Market& m : markets_) {
    put_levels(out, m.bids);
    put_levels(out, m.asks);
    put_optional(out, m.stats.oracle);
    put_optional(out, m.stats.mark);
    put_optional(out, m.stats.funding_rate);
    out(m.stats.funding_ts);
    put_optional(out, m.stats.open_interest);
    out(m.stats.last_trade.has_value());
    if (m.stats.last_trade) put_trade(out, *m.stats.last_trade);
  }
  std::vector<OrderId> ids;
  ids.reserve(orders_.size());
  for (const auto& [id, unused] : orders_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  out(uint64_t(ids.size()));
  for (OrderId id : ids) {
    const Tracked& t = orders_.at(id);
    out(id);
    out(t.market);
    out(t.side);
    out(t.price);
    out(t.resting);
    out(t.active);
  }
  out(uint64_t(positions_.size()));
  for (const auto& [key, base] : positions_) {
    out(key.first);
    out(key.second);
    out(base);
  }
  for (int64_t oi : long_oi_) out(oi);
}

void DepthBook::restore(ByteReader& in) {
  uint64_t n = 0;
  in(n);
  if (n != markets_.size()) {
    throw std::runtime_error("depth book of " + std::to_string(n) + " markets, configured " +
                             std::to_string(markets_.size()));
  }
  DepthBook b(markets_.size());
  for (Market& m : b.markets_) {
    get_levels(in, m.bids);
    get_levels(in, m.asks);
    get_optional(in, m.stats.oracle);
    get_optional(in, m.stats.mark);
    get_optional(in, m.stats.funding_rate);
    in(m.stats.funding_ts);
    get_optional(in, m.stats.open_interest);
    bool has_trade = false;
    in(has_trade);
    if (has_trade) get_trade(in, m.stats.last_trade.emplace());
    m.dirty = true;
  }
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    OrderId id = 0;
    Tracked t;
    in(id);
    in(t.market);
    in(t.side);
    in(t.price);
    in(t.resting);
    in(t.active);
    b.orders_.emplace(id, t);
  }
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::pair<MarketId, AccountId> key;
    int64_t base = 0;
    in(key.first);
    in(key.second);
    in(base);
    b.positions_.emplace(key, base);
  }
  for (int64_t& oi : b.long_oi_) in(oi);
  *this = std::move(b);
}

}  // namespace qd::fix
