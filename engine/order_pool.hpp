#pragma once
// Storage for every resting order of an engine, shared by all its books: 32-byte nodes that the
// matching loop walks (hot), the owner fields self-trade prevention reads (cold, kept apart), a
// free list so slots are reused while still warm, and the dense index from order id to slot.

#include <cstdint>
#include <vector>

#include "core/ids.hpp"
#include "engine/order_index.hpp"
#include "engine/reserved_array.hpp"

namespace qd {

/// Price as a count of the market's ticks (price / tick_size).
using Ticks = int64_t;

/// A resting order as the matching loop sees it. Links are slots in the same pool.
struct BookOrder {
  OrderId id = 0;
  int64_t qty = 0;  ///< leaves, in the book's quantity unit
  Ticks price = 0;
  uint32_t next = 0;
  uint32_t prev = 0;
};
static_assert(sizeof(BookOrder) == 32);

/// Who owns a resting order: read only when self-trade prevention applies.
struct OrderOwner {
  AccountId account = 0;
  StpGroupId stp_group = 0;  ///< 0 = the account alone
  uint32_t book = 0;         ///< which book holds it: ids are engine-wide, books are per market
};

class OrderPool {
 public:
  static constexpr uint32_t nil = UINT32_MAX;
  /// Default reservation: 32M simultaneously resting orders (virtual address space, not RAM).
  static constexpr size_t default_capacity = size_t{1} << 25;

  explicit OrderPool(size_t capacity = default_capacity) : nodes_(capacity), owners_(capacity) {}

  uint32_t alloc() {
    if (!free_.empty()) {
      uint32_t s = free_.back();
      free_.pop_back();
      return s;
    }
    owners_.push();
    return uint32_t(nodes_.push());
  }
  void release(uint32_t s) { free_.push_back(s); }

  BookOrder& node(uint32_t s) { return nodes_[s]; }
  const BookOrder& node(uint32_t s) const { return nodes_[s]; }
  OrderOwner& owner(uint32_t s) { return owners_[s]; }
  const OrderOwner& owner(uint32_t s) const { return owners_[s]; }

  OrderIndex& index() { return index_; }
  const OrderIndex& index() const { return index_; }

 private:
  ReservedArray<BookOrder> nodes_;
  ReservedArray<OrderOwner> owners_;
  std::vector<uint32_t> free_;
  OrderIndex index_;
};

}  // namespace qd
