#pragma once
// Stop orders waiting for the mark to reach their stop price. Buy stops trigger when the mark
// rises to or above the stop, sell stops when it falls to or below. Triggered orders run in
// trigger-price then time order: buys from the lowest stop up (the order a rising market meets
// them), then sells from the highest stop down.

#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/order_types.hpp"

namespace qd {

class StopBook {
 public:
  void add(OrderId id, Side side, Price stop) {
    if (side == Side::buy) buys_.emplace(std::pair{stop, id}, id); else sells_.emplace(std::pair{stop, id}, id);
  }
  void remove(OrderId id, Side side, Price stop) {
    if (side == Side::buy) buys_.erase({stop, id}); else sells_.erase({stop, id});
  }
  /// Removes and returns the orders the mark triggers, in execution order.
  std::vector<OrderId> take_triggered(Price mark) {
    std::vector<OrderId> out;
    while (!buys_.empty() && buys_.begin()->first.first <= mark) {
      out.push_back(buys_.begin()->second);
      buys_.erase(buys_.begin());
    }
    while (!sells_.empty() && sells_.begin()->first.first >= mark) {
      out.push_back(sells_.begin()->second);
      sells_.erase(sells_.begin());
    }
    return out;
  }
  size_t size() const { return buys_.size() + sells_.size(); }

 private:
  friend struct SnapshotCodec;  // engine/snapshot.cpp

  // Key (stop, id): id breaks ties in time order because ids are sequential.
  std::map<std::pair<Price, OrderId>, OrderId> buys_;
  struct HigherStopFirst {
    bool operator()(const std::pair<Price, OrderId>& a, const std::pair<Price, OrderId>& b) const {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    }
  };
  std::map<std::pair<Price, OrderId>, OrderId, HigherStopFirst> sells_;
};

}  // namespace qd
