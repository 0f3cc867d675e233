#pragma once
// One market's price-time order book. Price levels live in an array indexed by tick offset from
// a movable base (both sides share it: a level holds bids or asks, never both, because the book
// never crosses); each level is an intrusive FIFO of pooled 32-byte nodes; a two-level bitmap
// per side finds the next best level; the engine-wide pool maps sequential order ids to nodes.
// No allocation on the hot path once the pool and the level window cover the working set.
//
// The book knows ticks and quantity units only; validation, order types, time in force and the
// client's view of an order live in the engine above it (Liquibook's book / OrderTracker split).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/order_types.hpp"
#include "engine/level_bitmap.hpp"
#include "engine/order_pool.hpp"

namespace qd {

/// An incoming order about to match.
struct Aggressor {
  OrderId id = 0;
  Side side = Side::buy;
  Ticks limit = 0;  ///< worst price it accepts
  int64_t qty = 0;
  AccountId account = 0;
  StpGroupId stp_group = 0;
  StpMode stp = StpMode::none;
};

struct MatchResult {
  int64_t remaining = 0;            ///< quantity left unfilled
  bool taker_stp_cancelled = false; ///< self-trade prevention ended the aggressor
};

/// Aggregated price level, as market data sees it.
struct LevelView {
  Ticks price = 0;
  int64_t qty = 0;
};

class OrderBook {
 public:
  static constexpr uint32_t nil = OrderPool::nil;

  /// book_id distinguishes this book's orders in the shared pool.
  OrderBook(OrderPool& pool, uint32_t book_id) : pool_(pool), book_id_(book_id) {}

  /// Matches the aggressor against the opposite side in price-time order at prices no worse than
  /// its limit. Trades execute at the maker's price. The handler sees each step (it must not
  /// change the book):
  ///   on_fill(const BookOrder& maker, Ticks price, int64_t qty, bool maker_done)
  ///       (maker.qty already reduced; price is the maker's)
  ///   on_self_trade_cancel(const BookOrder& maker)          resting order about to be removed
  ///   on_self_trade_decrement(const BookOrder& maker, int64_t qty, bool maker_done)
  template <class Handler>
  MatchResult match(const Aggressor& a, Handler& h);

  /// Can this book hold an order at this price? Resting prices stay within 2^22 ticks of the
  /// book's first price: offsets fit the node's 32 bits, and the level window (which spans the
  /// prices seen) stays bounded (at most ~8M levels, 128 MB) whatever prices arrive.
  static constexpr Ticks max_price_span = Ticks{1} << 22;
  bool price_in_range(Ticks price) const {
    if (!anchored_) return price > 0;
    const Ticks d = price - anchor_;
    return price > 0 && d > -max_price_span && d < max_price_span;
  }
  Ticks price_of(const BookOrder& o) const { return anchor_ + o.price_off; }

  /// Rests an order at the back of its level. The caller guarantees it does not cross, that
  /// the id is new and that price_in_range(price).
  void add(OrderId id, Side side, Ticks price, int64_t qty, AccountId account,
           StpGroupId stp_group = 0);
  /// Removes a resting order; false if the id does not rest in this book.
  bool remove(OrderId id, BookOrder* removed = nullptr);
  /// Lowers a resting order's quantity in place, keeping its time priority. 0 < new_qty <= qty.
  bool reduce(OrderId id, int64_t new_qty);

  /// Hint that a coming command names this order (see OrderPool::prefetch).
  void prefetch(OrderId id) const { pool_.prefetch(id); }

  /// The resting order with this id, or nullptr.
  const BookOrder* find(OrderId id) const {
    const uint32_t s = slot(id);
    return s == nil ? nullptr : &pool_.node(s);
  }
  /// Side of a resting order of this book (the level's side).
  Side side_of(const BookOrder& o) const {
    return bids_.test(size_t(price_of(o) - base_)) ? Side::buy : Side::sell;
  }

  std::optional<Ticks> best_bid() const {
    if (best_bid_ < 0) return std::nullopt;
    return base_ + best_bid_;
  }
  std::optional<Ticks> best_ask() const {
    if (best_ask_ < 0) return std::nullopt;
    return base_ + best_ask_;
  }
  /// Would an order of this side and limit take liquidity?
  bool crosses(Side side, Ticks limit) const {
    if (side == Side::buy) return best_ask_ >= 0 && base_ + best_ask_ <= limit;
    return best_bid_ >= 0 && base_ + best_bid_ >= limit;
  }
  /// Quantity the aggressor could fill right now, stopping once `wanted` is reached. Orders of
  /// its own account or group count as unfillable when self-trade prevention applies.
  int64_t fillable(const Aggressor& a, int64_t wanted) const;

  size_t order_count() const { return live_orders_; }

  /// Checks every structural invariant (links, level totals, bitmaps, best prices, index);
  /// returns an empty string when sound, else the first violation. For tests: O(window).
  std::string validate_internal_state() const;

  /// Levels of one side, best first: f(const LevelView&) returns false to stop.
  template <class F>
  void for_each_level(Side side, F&& f) const;
  /// Orders of one side, best level first, time order inside a level.
  template <class F>
  void for_each_order(Side side, F&& f) const;

 private:
  struct Level {
    uint32_t head = nil;
    uint32_t tail = nil;
    int64_t qty = 0;
  };

  uint32_t slot(OrderId id) const {
    const uint32_t s = pool_.find(id);
    if (s == nil || pool_.node(s).book != book_id_) return nil;
    return s;
  }
  int64_t level_of(Ticks price);  // grows the window when needed
  void grow_to_cover(Ticks price);
  void unlink(uint32_t s, int64_t level_index);
  void level_emptied(Side side, int64_t level_index);
  int64_t next_level(Side side, int64_t level_index) const;
  static bool self_trade(const Aggressor& a, const BookOrder& m) {
    return a.stp != StpMode::none && stp_key_of(a.account, a.stp_group) == m.stp_key;
  }

  friend struct SnapshotCodec;  // engine/snapshot.cpp: restores the price anchor

  OrderPool& pool_;
  uint32_t book_id_;
  std::vector<Level> levels_;
  LevelBitmap bids_;
  LevelBitmap asks_;
  Ticks base_ = 0;         ///< price of levels_[0]
  Ticks anchor_ = 0;       ///< BookOrder::price_off is relative to this
  bool anchored_ = false;
  int64_t best_bid_ = -1;  ///< level index, -1 = empty side
  int64_t best_ask_ = -1;
  size_t live_orders_ = 0;
};

template <class Handler>
MatchResult OrderBook::match(const Aggressor& a, Handler& h) {
  const bool buy = a.side == Side::buy;
  const Side maker_side = opposite(a.side);
  int64_t qty = a.qty;
  while (qty > 0) {
    const int64_t li = buy ? best_ask_ : best_bid_;
    if (li < 0) break;
    const Ticks price = base_ + li;
    if (buy ? price > a.limit : price < a.limit) break;
    Level& lv = levels_[size_t(li)];
    uint32_t s = lv.head;
    while (qty > 0 && s != nil) {
      BookOrder& m = pool_.node(s);
      const uint32_t next = m.next;
      if (next != nil) __builtin_prefetch(&pool_.node(next));
      if (a.stp != StpMode::none && self_trade(a, m)) [[unlikely]] {
        if (a.stp == StpMode::cancel_aggressing) return {qty, true};
        if (a.stp == StpMode::decrement_and_cancel) {
          const int64_t x = std::min(qty, m.qty);
          qty -= x;
          m.qty -= x;
          lv.qty -= x;
          const bool done = m.qty == 0;
          h.on_self_trade_decrement(m, x, done);
          if (done) unlink(s, li);
          if (qty == 0) {
            if (lv.head == nil) level_emptied(maker_side, li);
            return {0, true};
          }
          s = next;
          continue;
        }
        h.on_self_trade_cancel(m);
        unlink(s, li);
        if (a.stp == StpMode::cancel_both) {
          if (lv.head == nil) level_emptied(maker_side, li);
          return {qty, true};
        }
        s = next;  // cancel_resting: the aggressor carries on
        continue;
      }
      const int64_t x = std::min(qty, m.qty);
      qty -= x;
      m.qty -= x;
      lv.qty -= x;
      const bool done = m.qty == 0;
      h.on_fill(m, price, x, done);
      if (done) unlink(s, li);
      s = next;
    }
    if (lv.head == nil) level_emptied(maker_side, li);
  }
  return {qty, false};
}

template <class F>
void OrderBook::for_each_level(Side side, F&& f) const {
  for (int64_t li = side == Side::buy ? best_bid_ : best_ask_; li >= 0; li = next_level(side, li)) {
    if (!f(LevelView{base_ + li, levels_[size_t(li)].qty})) return;
  }
}

template <class F>
void OrderBook::for_each_order(Side side, F&& f) const {
  for (int64_t li = side == Side::buy ? best_bid_ : best_ask_; li >= 0; li = next_level(side, li)) {
    for (uint32_t s = levels_[size_t(li)].head; s != nil; s = pool_.node(s).next) f(pool_.node(s));
  }
}

}  // namespace qd
