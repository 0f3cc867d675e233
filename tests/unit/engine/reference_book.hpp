#pragma once
// The naive price-time book the fast one is checked against: std::map of price levels, each a
// std::deque in time order, a hash index from id to (side, price). Written for obviousness, not
// speed; it shares no code with engine/order_book.

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/order_book.hpp"
#include "tests/unit/engine/book_recorder.hpp"

namespace qd::test {

class ReferenceBook {
 public:
  struct Order {
    OrderId id;
    int64_t qty;
    AccountId account;
    StpGroupId group;
  };

  void add(OrderId id, Side side, Ticks price, int64_t qty, AccountId account,
           StpGroupId group = 0) {
    queue(side, price).push_back({id, qty, account, group});
    where_[id] = {side, price};
  }

  bool remove(OrderId id) {
    auto it = where_.find(id);
    if (it == where_.end()) return false;
    auto [side, price] = it->second;
    std::deque<Order>& q = queue(side, price);
    q.erase(std::find_if(q.begin(), q.end(), [&](const Order& o) { return o.id == id; }));
    if (q.empty()) erase_level(side, price);
    where_.erase(it);
    return true;
  }

  bool reduce(OrderId id, int64_t new_qty) {
    Order* o = find_order(id);
    if (!o || new_qty <= 0 || new_qty > o->qty) return false;
    o->qty = new_qty;
    return true;
  }

  /// (side, price, qty) of a resting order.
  struct Found {
    Side side;
    Ticks price;
    int64_t qty;
  };
  std::optional<Found> find(OrderId id) const {
    auto it = where_.find(id);
    if (it == where_.end()) return std::nullopt;
    auto [side, price] = it->second;
    const std::deque<Order>& q = side == Side::buy ? bids_.at(price) : asks_.at(price);
    for (const Order& o : q) {
      if (o.id == id) return Found{side, price, o.qty};
    }
    return std::nullopt;
  }

  /// Price-time matching with the documented self-trade rules: the aggressor's mode decides,
  /// orders of the same account (or the same non-zero group) are "self".
  MatchResult match(const Aggressor& a, std::vector<MatchStep>& steps) {
    int64_t qty = a.qty;
    if (a.side == Side::buy) return sweep(a, asks_, qty, steps);
    return sweep(a, bids_, qty, steps);
  }

  /// What an all-or-nothing order may count on, capped at wanted.
  int64_t fillable(const Aggressor& a, int64_t wanted) const {
    int64_t got = 0;
    auto walk = [&](const auto& levels) {
      for (const auto& [price, q] : levels) {
        if (a.side == Side::buy ? price > a.limit : price < a.limit) break;
        for (const Order& o : q) {
          if (is_self(a, o)) {
            if (a.stp == StpMode::cancel_resting) continue;
            return;
          }
          got += o.qty;
          if (got >= wanted) return;
        }
      }
    };
    if (a.side == Side::buy)
      walk(asks_);
    else
      walk(bids_);
    return std::min(got, wanted);
  }

  std::vector<Level> levels(Side side) const {
    std::vector<Level> out;
    auto fold = [&](const auto& levels) {
      for (const auto& [price, q] : levels) {
        int64_t sum = 0;
        for (const Order& o : q) sum += o.qty;
        out.emplace_back(price, sum);
      }
    };
    if (side == Side::buy)
      fold(bids_);
    else
      fold(asks_);
    return out;
  }

  std::vector<RestingOrder> orders(Side side) const {
    std::vector<RestingOrder> out;
    auto fold = [&](const auto& levels) {
      for (const auto& [price, q] : levels) {
        for (const Order& o : q) out.push_back({o.id, price, o.qty});
      }
    };
    if (side == Side::buy)
      fold(bids_);
    else
      fold(asks_);
    return out;
  }

  std::optional<Ticks> best_bid() const {
    return bids_.empty() ? std::nullopt : std::optional<Ticks>(bids_.begin()->first);
  }
  std::optional<Ticks> best_ask() const {
    return asks_.empty() ? std::nullopt : std::optional<Ticks>(asks_.begin()->first);
  }
  size_t size() const { return where_.size(); }

 private:
  static bool is_self(const Aggressor& a, const Order& o) {
    if (a.stp == StpMode::none) return false;
    if (a.stp_group != 0 || o.group != 0) return a.stp_group == o.group;
    return a.account == o.account;
  }

  template <class Levels>
  MatchResult sweep(const Aggressor& a, Levels& levels, int64_t qty,
                    std::vector<MatchStep>& steps) {
    while (qty > 0 && !levels.empty()) {
      auto lv = levels.begin();
      const Ticks price = lv->first;
      if (a.side == Side::buy ? price > a.limit : price < a.limit) break;
      std::deque<Order>& q = lv->second;
      size_t i = 0;
      bool stop = false;
      while (qty > 0 && i < q.size()) {
        Order& m = q[i];
        if (is_self(a, m)) {
          if (a.stp == StpMode::cancel_aggressing) return {qty, true};
          if (a.stp == StpMode::decrement_and_cancel) {
            const int64_t x = std::min(qty, m.qty);
            qty -= x;
            m.qty -= x;
            steps.push_back({MatchStep::stp_decrement, m.id, 0, x, m.qty == 0});
            if (m.qty == 0) {
              where_.erase(m.id);
              q.erase(q.begin() + ptrdiff_t(i));
            } else {
              ++i;
            }
            if (qty == 0) {
              stop = true;
              break;
            }
            continue;
          }
          steps.push_back({MatchStep::stp_cancel, m.id, 0, m.qty, true});
          where_.erase(m.id);
          q.erase(q.begin() + ptrdiff_t(i));
          if (a.stp == StpMode::cancel_both) {
            stop = true;
            break;
          }
          continue;
        }
        const int64_t x = std::min(qty, m.qty);
        qty -= x;
        m.qty -= x;
        steps.push_back({MatchStep::fill, m.id, price, x, m.qty == 0});
        if (m.qty == 0) {
          where_.erase(m.id);
          q.erase(q.begin() + ptrdiff_t(i));
        }
      }
      if (q.empty()) levels.erase(lv);
      if (stop) return {qty, true};
    }
    return {qty, false};
  }

  std::deque<Order>& queue(Side side, Ticks price) {
    return side == Side::buy ? bids_[price] : asks_[price];
  }
  void erase_level(Side side, Ticks price) {
    if (side == Side::buy)
      bids_.erase(price);
    else
      asks_.erase(price);
  }
  Order* find_order(OrderId id) {
    auto it = where_.find(id);
    if (it == where_.end()) return nullptr;
    for (Order& o : queue(it->second.first, it->second.second)) {
      if (o.id == id) return &o;
    }
    return nullptr;
  }

  std::map<Ticks, std::deque<Order>, std::greater<>> bids_;  // best (highest) first
  std::map<Ticks, std::deque<Order>> asks_;                  // best (lowest) first
  std::unordered_map<OrderId, std::pair<Side, Ticks>> where_;
};

}  // namespace qd::test
