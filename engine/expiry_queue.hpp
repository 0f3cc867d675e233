#pragma once
// Day and GTD orders by expiry time. Entries are not removed when an order leaves early; the
// exchange checks each popped id against its live orders instead (cheaper than a search).

#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "core/ids.hpp"

namespace qd {

class ExpiryQueue {
 public:
  void add(TimestampNs at, OrderId id) { heap_.emplace(at, id); }
  /// Earliest pending expiry, or INT64_MAX.
  TimestampNs next() const { return heap_.empty() ? INT64_MAX : heap_.top().first; }
  /// Pops every entry due at or before now, earliest first (ties by id).
  std::vector<OrderId> take_due(TimestampNs now) {
    std::vector<OrderId> due;
    while (!heap_.empty() && heap_.top().first <= now) {
      due.push_back(heap_.top().second);
      heap_.pop();
    }
    return due;
  }

 private:
  friend struct SnapshotCodec;  // engine/snapshot.cpp

  using Entry = std::pair<TimestampNs, OrderId>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
};

}  // namespace qd
