#pragma once
// Storage for every resting order of an engine, shared by all its books: 40-byte nodes holding
// all the matching loop reads (one cache miss per order, not two), a LIFO free list so slots are
// reused while still warm, and the index from order id to slot.
//
// The index exploits that the engine hands out ids in sequence: it is a ring of 2^24 slots
// addressed by id modulo its size, so a lookup is one load. An order still resting when the ring
// comes round to its position again (16.7M orders later) moves to a small overflow map; every
// hit is confirmed against the node's id, so a reused position can never alias an old order.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/ids.hpp"
#include "engine/reserved_array.hpp"

namespace qd {

/// Price as a count of the market's ticks (price / tick_size).
using Ticks = int64_t;

/// A resting order as the matching loop sees it. Links are slots in the same pool.
struct BookOrder {
  OrderId id = 0;
  int64_t qty = 0;         ///< leaves, in the book's quantity unit
  int32_t price_off = 0;   ///< price in ticks relative to the book's anchor
  uint32_t book = 0;       ///< which book holds it: ids are engine-wide, books are per market
  uint32_t next = 0;
  uint32_t prev = 0;
  uint32_t stp_key = 0;    ///< orders with equal keys never trade when STP applies (stp_key_of)
};
static_assert(sizeof(BookOrder) == 40);

/// Self-trade prevention compares one key: the account's STP group when it has one, else the
/// account itself (the two ranges never overlap).
constexpr uint32_t stp_key_of(AccountId account, StpGroupId group) {
  return group != 0 ? (group | 0x8000'0000u) : (account & 0x7fff'ffffu);
}

class OrderPool {
 public:
  static constexpr uint32_t nil = UINT32_MAX;
  /// Default reservation: 32M simultaneously resting orders (address space; RAM as touched).
  static constexpr size_t default_capacity = size_t{1} << 25;
  static constexpr size_t ring_size = size_t{1} << 24;

  explicit OrderPool(size_t capacity = default_capacity) : nodes_(capacity), ring_(ring_size) {
    ring_.extend_zeroed(ring_size);  // untouched pages cost no RAM until an id lands there
  }

  uint32_t alloc() {
    if (!free_.empty()) {
      uint32_t s = free_.back();
      free_.pop_back();
      return s;
    }
    return uint32_t(nodes_.push());
  }
  void release(uint32_t s) {
    nodes_[s].id = 0;  // ids start at 1: 0 marks a free node, so stale ring entries never match
    free_.push_back(s);
  }

  BookOrder& node(uint32_t s) { return nodes_[s]; }
  const BookOrder& node(uint32_t s) const { return nodes_[s]; }

  /// Starts loading the index entry and, when already indexed, the node of an order a coming
  /// command names, so a batch's cancels and replaces do not wait on memory one by one.
  void prefetch(OrderId id) const {
    const uint32_t* e = &ring_[id & ring_mask];
    __builtin_prefetch(e);
  }

  /// Slot of the resting order with this id, or nil.
  uint32_t find(OrderId id) const {
    const uint32_t e = ring_[id & ring_mask];
    if (e != 0 && nodes_[e - 1].id == id && id != 0) return e - 1;
    if (overflow_.empty()) [[likely]] return nil;
    auto it = overflow_.find(id);
    return it == overflow_.end() ? nil : it->second;
  }
  void index(OrderId id, uint32_t slot) {
    uint32_t& e = ring_[id & ring_mask];
    if (e != 0) {
      // Stale entries (their node released, or reused for an id elsewhere in the ring) are
      // simply overwritten; an order from a previous turn of the ring that still rests here is
      // parked in the overflow.
      const BookOrder& old = nodes_[e - 1];
      if (old.id != 0 && old.id != id && (old.id & ring_mask) == (id & ring_mask))
        overflow_.emplace(old.id, e - 1);
    }
    e = slot + 1;
  }
  /// Forgets an order that leaves the book. The ring entry is left stale (find() checks the
  /// node's id, which release() clears), saving a write to a cold cache line per removal.
  void unindex(OrderId id) {
    if (!overflow_.empty()) [[unlikely]] overflow_.erase(id);
  }

 private:
  static constexpr OrderId ring_mask = ring_size - 1;

  ReservedArray<BookOrder> nodes_;
  ReservedArray<uint32_t> ring_;  ///< slot + 1 by id modulo ring size; 0 = empty
  std::unordered_map<OrderId, uint32_t> overflow_;
  std::vector<uint32_t> free_;
};

}  // namespace qd
