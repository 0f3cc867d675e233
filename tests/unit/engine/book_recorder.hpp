#pragma once
// Test helpers for the order book: a match handler that records every step, and snapshots of a
// book's levels and orders as plain vectors that gtest can compare and print.

#include <cstdint>
#include <ostream>
#include <tuple>
#include <vector>

#include "engine/order_book.hpp"

namespace qd::test {

/// One step of a match as the book reports it to its handler.
struct MatchStep {
  enum Kind : uint8_t { fill, stp_cancel, stp_decrement };
  Kind kind = fill;
  OrderId maker = 0;
  Ticks price = 0;  ///< fill price (the maker's); 0 for STP steps
  int64_t qty = 0;  ///< filled or decremented quantity; the maker's open qty for stp_cancel
  bool maker_done = false;
  auto operator<=>(const MatchStep&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const MatchStep& s) {
  static const char* const names[] = {"fill", "stp_cancel", "stp_decrement"};
  return os << names[s.kind] << "{maker=" << s.maker << " px=" << s.price << " qty=" << s.qty
            << " done=" << s.maker_done << "}";
}

/// Records what OrderBook::match reports, in order.
struct StepRecorder {
  std::vector<MatchStep> steps;
  void on_fill(const BookOrder& m, Ticks price, int64_t qty, bool done) {
    steps.push_back({MatchStep::fill, m.id, price, qty, done});
  }
  void on_self_trade_cancel(const BookOrder& m) {
    steps.push_back({MatchStep::stp_cancel, m.id, 0, m.qty, true});
  }
  void on_self_trade_decrement(const BookOrder& m, int64_t qty, bool done) {
    steps.push_back({MatchStep::stp_decrement, m.id, 0, qty, done});
  }
};

/// A resting order as a snapshot sees it: (id, price in ticks, open qty).
struct RestingOrder {
  OrderId id = 0;
  Ticks price = 0;
  int64_t qty = 0;
  auto operator<=>(const RestingOrder&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const RestingOrder& o) {
  return os << "{id=" << o.id << " px=" << o.price << " qty=" << o.qty << "}";
}

/// An aggregated level: (price in ticks, total qty).
using Level = std::pair<Ticks, int64_t>;

inline std::vector<Level> levels_of(const OrderBook& book, Side side) {
  std::vector<Level> out;
  book.for_each_level(side, [&](const LevelView& v) {
    out.emplace_back(v.price, v.qty);
    return true;
  });
  return out;
}

inline std::vector<RestingOrder> orders_of(const OrderBook& book, Side side) {
  std::vector<RestingOrder> out;
  book.for_each_order(side, [&](const BookOrder& o) {
    out.push_back({o.id, book.price_of(o), o.qty});
  });
  return out;
}

}  // namespace qd::test
