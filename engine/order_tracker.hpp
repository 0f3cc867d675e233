#pragma once
// The client's view of every live order (resting or waiting for its stop trigger), apart from
// the book's hot nodes: ids, ClOrdIDs, cumulative fills, time in force. Looked up by engine id
// and by (account, ClOrdID) for cancels that name the original ClOrdID.

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"

namespace qd {

struct OrderRecord {
  OrderState state;
  __int128 cum_notional = 0;  ///< sum of price(1e-6) x qty(1e-9) over fills, exact
  StpMode stp = StpMode::none;
  StpGroupId stp_group = 0;
  bool resting = false;       ///< in the book (false: a stop waiting for its trigger)
  bool liquidation = false;   ///< sent by the venue to liquidate the account
};

class OrderTracker {
 public:
  OrderRecord* find(OrderId id) {
    auto it = orders_.find(id);
    return it == orders_.end() ? nullptr : &it->second;
  }
  const OrderRecord* find(OrderId id) const {
    auto it = orders_.find(id);
    return it == orders_.end() ? nullptr : &it->second;
  }
  OrderRecord* find_by_client_id(AccountId account, std::string_view client_id) {
    auto it = by_client_id_.find(key(account, client_id));
    return it == by_client_id_.end() ? nullptr : find(it->second);
  }
  const OrderRecord* find_by_client_id(AccountId account, std::string_view client_id) const {
    auto it = by_client_id_.find(key(account, client_id));
    return it == by_client_id_.end() ? nullptr : find(it->second);
  }
  OrderRecord& insert(const OrderRecord& r) {
    by_client_id_[key(r.state.origin.account, r.state.client_id.view())] = r.state.order_id;
    ++open_by_account_[r.state.origin.account];
    return orders_[r.state.order_id] = r;
  }
  /// A replace gives the order a new ClOrdID.
  void rename(OrderRecord& r, const ClientOrderId& new_id) {
    by_client_id_.erase(key(r.state.origin.account, r.state.client_id.view()));
    r.state.client_id = new_id;
    by_client_id_[key(r.state.origin.account, new_id.view())] = r.state.order_id;
  }
  void erase(OrderId id) {
    auto it = orders_.find(id);
    if (it == orders_.end()) return;
    const OrderState& s = it->second.state;
    by_client_id_.erase(key(s.origin.account, s.client_id.view()));
    if (--open_by_account_[s.origin.account] == 0) open_by_account_.erase(s.origin.account);
    orders_.erase(it);
  }
  uint32_t open_orders(AccountId account) const {
    auto it = open_by_account_.find(account);
    return it == open_by_account_.end() ? 0 : it->second;
  }
  /// Ids of live orders matching a predicate, ascending, so bulk actions are deterministic.
  template <class Pred>
  std::vector<OrderId> select(Pred&& pred) const {
    std::vector<OrderId> ids;
    for (const auto& [id, r] : orders_) {
      if (pred(r)) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  size_t size() const { return orders_.size(); }

 private:
  friend struct SnapshotCodec;  // engine/snapshot.cpp: saves and restores the maps as they are

  static std::string key(AccountId account, std::string_view client_id) {
    std::string k(reinterpret_cast<const char*>(&account), sizeof account);
    k.append(client_id);
    return k;
  }
  std::unordered_map<OrderId, OrderRecord> orders_;
  std::unordered_map<std::string, OrderId> by_client_id_;
  std::unordered_map<AccountId, uint32_t> open_by_account_;
};

}  // namespace qd
