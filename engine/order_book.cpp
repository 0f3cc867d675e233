#include "engine/order_book.hpp"

namespace qd {

namespace {
// A new market starts with a window of this many levels around its first price; the window
// doubles whenever a price falls outside it.
constexpr int64_t initial_window = 4096;
}  // namespace

void OrderBook::grow_to_cover(Ticks price) {
  if (levels_.empty()) {
    base_ = price - initial_window / 2;
    levels_.resize(size_t(initial_window));
    bids_.resize(levels_.size());
    asks_.resize(levels_.size());
    return;
  }
  const int64_t size = int64_t(levels_.size());
  const int64_t lo = std::min(base_, price);
  const int64_t hi = std::max(base_ + size, price + 1);
  int64_t new_size = std::max(size * 2, (hi - lo) * 2);
  new_size = (new_size + 63) / 64 * 64;
  // Centre the combined range in the new window so growth in either direction is amortised.
  const int64_t new_base = lo - (new_size - (hi - lo)) / 2;
  const int64_t shift = base_ - new_base;
  std::vector<Level> moved(static_cast<size_t>(new_size));
  LevelBitmap new_bids, new_asks;
  new_bids.resize(moved.size());
  new_asks.resize(moved.size());
  for (int64_t i = 0; i < size; ++i) {
    const Level& lv = levels_[size_t(i)];
    moved[size_t(i + shift)] = lv;
    if (lv.head == nil) continue;
    (bids_.test(size_t(i)) ? new_bids : new_asks).set(size_t(i + shift));
  }
  levels_.swap(moved);
  bids_ = std::move(new_bids);
  asks_ = std::move(new_asks);
  if (best_bid_ >= 0) best_bid_ += shift;
  if (best_ask_ >= 0) best_ask_ += shift;
  base_ = new_base;
}

int64_t OrderBook::level_of(Ticks price) {
  int64_t li = price - base_;
  if (levels_.empty() || li < 0 || li >= int64_t(levels_.size())) {
    grow_to_cover(price);
    li = price - base_;
  }
  return li;
}

void OrderBook::add(OrderId id, Side side, Ticks price, int64_t qty, AccountId account,
                    StpGroupId stp_group) {
  if (!anchored_) {
    anchor_ = price;
    anchored_ = true;
  }
  const int64_t li = level_of(price);
  const uint32_t s = pool_.alloc();
  BookOrder& o = pool_.node(s);
  o.id = id;
  o.qty = qty;
  o.price_off = int32_t(price - anchor_);
  o.book = book_id_;
  o.next = nil;
  o.stp_key = stp_key_of(account, stp_group);
  Level& lv = levels_[size_t(li)];
  o.prev = lv.tail;
  if (lv.tail != nil) {
    pool_.node(lv.tail).next = s;
  } else {
    lv.head = s;
    if (side == Side::buy) {
      bids_.set(size_t(li));
      if (li > best_bid_) best_bid_ = li;
    } else {
      asks_.set(size_t(li));
      if (best_ask_ < 0 || li < best_ask_) best_ask_ = li;
    }
  }
  lv.tail = s;
  lv.qty += qty;
  pool_.index(id, s);
  ++live_orders_;
}

void OrderBook::unlink(uint32_t s, int64_t li) {
  const BookOrder& o = pool_.node(s);
  Level& lv = levels_[size_t(li)];
  if (o.prev != nil) pool_.node(o.prev).next = o.next; else lv.head = o.next;
  if (o.next != nil) pool_.node(o.next).prev = o.prev; else lv.tail = o.prev;
  lv.qty -= o.qty;
  pool_.unindex(o.id);
  pool_.release(s);
  --live_orders_;
}

int64_t OrderBook::next_level(Side side, int64_t li) const {
  if (side == Side::buy) return li == 0 ? -1 : bids_.next_at_or_below(size_t(li - 1));
  return asks_.next_at_or_above(size_t(li + 1));
}

void OrderBook::level_emptied(Side side, int64_t li) {
  if (side == Side::buy) {
    bids_.clear(size_t(li));
    if (li == best_bid_) best_bid_ = next_level(side, li);
  } else {
    asks_.clear(size_t(li));
    if (li == best_ask_) best_ask_ = next_level(side, li);
  }
}

bool OrderBook::remove(OrderId id, BookOrder* removed) {
  const uint32_t s = slot(id);
  if (s == nil) return false;
  const BookOrder o = pool_.node(s);
  if (removed) *removed = o;
  const int64_t li = price_of(o) - base_;
  const Side side = bids_.test(size_t(li)) ? Side::buy : Side::sell;
  unlink(s, li);
  if (levels_[size_t(li)].head == nil) level_emptied(side, li);
  return true;
}

bool OrderBook::reduce(OrderId id, int64_t new_qty) {
  const uint32_t s = slot(id);
  if (s == nil || new_qty <= 0) return false;
  BookOrder& o = pool_.node(s);
  if (new_qty > o.qty) return false;
  levels_[size_t(price_of(o) - base_)].qty -= o.qty - new_qty;
  o.qty = new_qty;
  return true;
}

int64_t OrderBook::fillable(const Aggressor& a, int64_t wanted) const {
  int64_t got = 0;
  const bool buy = a.side == Side::buy;
  const Side maker_side = opposite(a.side);
  for (int64_t li = buy ? best_ask_ : best_bid_; li >= 0 && got < wanted;
       li = next_level(maker_side, li)) {
    const Ticks price = base_ + li;
    if (buy ? price > a.limit : price < a.limit) break;
    const Level& lv = levels_[size_t(li)];
    if (a.stp == StpMode::none) {
      got += lv.qty;
      continue;
    }
    for (uint32_t s = lv.head; s != nil && got < wanted; s = pool_.node(s).next) {
      if (!self_trade(a, pool_.node(s))) {
        got += pool_.node(s).qty;
      } else if (a.stp != StpMode::cancel_resting) {
        return got;  // matching would stop (or shrink the aggressor) at this order
      }
    }
  }
  return got;
}

std::string OrderBook::validate_internal_state() const {
  size_t orders = 0;
  int64_t best_bid = -1, best_ask = -1;
  for (int64_t li = 0; li < int64_t(levels_.size()); ++li) {
    const Level& lv = levels_[size_t(li)];
    const bool bid = bids_.test(size_t(li)), ask = asks_.test(size_t(li));
    if (lv.head == nil) {
      if (bid || ask) return "empty level " + std::to_string(base_ + li) + " marked in a bitmap";
      if (lv.tail != nil || lv.qty != 0) return "empty level with tail or quantity";
      continue;
    }
    if (bid == ask) return "level " + std::to_string(base_ + li) + " must be on exactly one side";
    if (bid) best_bid = li;
    if (ask && best_ask < 0) best_ask = li;
    int64_t qty = 0;
    uint32_t prev = nil;
    for (uint32_t s = lv.head; s != nil; s = pool_.node(s).next) {
      const BookOrder& o = pool_.node(s);
      if (o.prev != prev) return "broken prev link at order " + std::to_string(o.id);
      if (price_of(o) != base_ + li) return "order " + std::to_string(o.id) + " on wrong level";
      if (o.qty <= 0) return "order " + std::to_string(o.id) + " with non-positive quantity";
      if (o.book != book_id_) return "order " + std::to_string(o.id) + " of another book";
      if (pool_.find(o.id) != s) return "index does not lead to order " + std::to_string(o.id);
      qty += o.qty;
      prev = s;
      ++orders;
    }
    if (lv.tail != prev) return "level tail is not the last order";
    if (qty != lv.qty) return "level quantity " + std::to_string(lv.qty) + " != sum " + std::to_string(qty);
  }
  if (best_bid != best_bid_) return "best bid index stale";
  if (best_ask != best_ask_) return "best ask index stale";
  if (best_bid >= 0 && best_ask >= 0 && best_bid >= best_ask) return "book is crossed";
  if (orders != live_orders_) return "order count mismatch";
  return {};
}

}  // namespace qd
