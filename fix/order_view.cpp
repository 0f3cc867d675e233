#include "fix/order_view.hpp"

#include <algorithm>
#include <type_traits>

namespace qd::fix {

std::string OrderView::key(SessionId session, std::string_view client_id) {
  std::string k = std::to_string(session);
  k += ':';
  k += client_id;
  return k;
}

const OrderView::Order* OrderView::find(OrderId id) const {
  auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : &it->second;
}

const OrderView::Order* OrderView::find(SessionId session, std::string_view client_id) const {
  auto it = client_ids_.find(key(session, client_id));
  return it == client_ids_.end() || it->second.order == 0 ? nullptr : find(it->second.order);
}

std::vector<const OrderView::Order*> OrderView::open_orders(SessionId session,
                                                            std::optional<AccountId> account,
                                                            std::optional<MarketId> market) const {
  std::vector<const Order*> out;
  auto it = open_by_session_.find(session);
  if (it == open_by_session_.end()) return out;
  for (const auto& [id, unused] : it->second) {
    const Order* o = find(id);
    if (!o) continue;
    if (account && o->state.origin.account != *account) continue;
    if (market && o->state.market != *market) continue;
    out.push_back(o);
  }
  return out;
}

bool OrderView::has_open_orders(SessionId session) const {
  auto it = open_by_session_.find(session);
  return it != open_by_session_.end() && !it->second.empty();
}

OrderView::Reservation OrderView::reserve(SessionId session, std::string_view client_id,
                                          int64_t today) {
  ClientId& c = client_ids_[key(session, client_id)];
  if (c.in_flight) return Reservation::in_flight;
  if (c.used_day >= today) return Reservation::used;
  if (const Order* o = c.order != 0 ? find(c.order) : nullptr; o && is_open(o->state.status))
    return Reservation::used;
  c.in_flight = true;
  return Reservation::ok;
}

void OrderView::release(SessionId session, std::string_view client_id) {
  auto it = client_ids_.find(key(session, client_id));
  if (it == client_ids_.end()) return;
  it->second.in_flight = false;
  if (it->second.empty()) client_ids_.erase(it);
}

bool OrderView::in_flight(SessionId session, std::string_view client_id) const {
  auto it = client_ids_.find(key(session, client_id));
  return it != client_ids_.end() && it->second.in_flight;
}

void OrderView::remember(SessionId session, const ClientOrderId& id, int64_t day, OrderId order) {
  if (id.empty()) return;
  ClientId& c = client_ids_[key(session, id.view())];
  c.in_flight = false;
  c.used_day = day;
  if (order != 0) c.order = order;
}

void OrderView::answered(SessionId session, const ClientOrderId& id, int64_t day) {
  remember(session, id, day, 0);
}

void OrderView::roll_day(int64_t day) {
  if (day <= day_) return;
  day_ = day;
  // Ids used before yesterday can never collide again; terminal orders of those days are no
  // longer answered by status requests.
  for (auto it = orders_.begin(); it != orders_.end();) {
    if (!is_open(it->second.state.status) && utc_day(it->second.last_ts) < day - 1) {
      it = orders_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = client_ids_.begin(); it != client_ids_.end();) {
    ClientId& c = it->second;
    if (c.used_day < day - 1) c.used_day = kNotUsed;
    if (c.order != 0 && !orders_.count(c.order)) c.order = 0;
    if (c.empty())
      it = client_ids_.erase(it);
    else
      ++it;
  }
}

void OrderView::update(const OrderState& s, const Event& e) {
  if (s.order_id == 0) return;
  Order& o = orders_[s.order_id];
  o.state = s;
  o.last_ts = e.ts;
  o.last_exec = e.exec_id();
  int64_t day = utc_day(e.ts);
  remember(s.origin.session, s.client_id, day, s.order_id);
  auto& open = open_by_session_[s.origin.session];
  if (is_open(s.status))
    open[s.order_id] = true;
  else
    open.erase(s.order_id);
}

void OrderView::apply(const Event& e) {
  if (last_applied_.seq != 0 && !(last_applied_ < e.exec_id())) return;
  last_applied_ = e.exec_id();
  int64_t day = utc_day(e.ts);
  roll_day(day);
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderAccepted> || std::is_same_v<T, OrderTriggered> ||
                      std::is_same_v<T, OrderFilled> || std::is_same_v<T, OrderRestated>) {
          update(b.order, e);
        } else if constexpr (std::is_same_v<T, OrderRejected>) {
          answered(b.order.origin.session, b.order.client_id, day);
        } else if constexpr (std::is_same_v<T, OrderCanceled>) {
          update(b.order, e);
          answered(b.order.origin.session, b.request_client_id, day);
        } else if constexpr (std::is_same_v<T, OrderReplaced>) {
          // The old ClOrdID keeps pointing at the order, so a late cancel by it still resolves.
          update(b.order, e);
          remember(b.order.origin.session, b.order.orig_client_id, day, b.order.order_id);
        } else if constexpr (std::is_same_v<T, CancelRejected>) {
          answered(b.origin.session, b.client_id, day);
        } else if constexpr (std::is_same_v<T, MassCancelDone>) {
          answered(b.origin.session, b.client_id, day);
        }
      },
      e.body);
}

namespace {

/// The entries of a hash map that `keep` accepts, by key when `canonical` (bytes that do not
/// depend on hashing).
template <class Map, class Keep>
std::vector<typename Map::const_iterator> entries(const Map& m, bool canonical, Keep keep) {
  std::vector<typename Map::const_iterator> out;
  out.reserve(m.size());
  for (auto it = m.begin(); it != m.end(); ++it)
    if (keep(it->second)) out.push_back(it);
  if (canonical)
    std::sort(out.begin(), out.end(), [](auto a, auto b) { return a->first < b->first; });
  return out;
}

}  // namespace

void OrderView::save(ByteWriter& out, bool canonical) const {
  out(day_);
  out(last_applied_);
  out(uint64_t(orders_.size()));
  for (auto it : entries(orders_, canonical, [](const Order&) { return true; })) {
    out(it->first);
    out(it->second.state);
    out(it->second.last_ts);
    out(it->second.last_exec);
  }
  // Two lists, as when they were two maps: ClOrdID -> order, then ClOrdID -> day used.
  auto named = entries(client_ids_, canonical, [](const ClientId& c) { return c.order != 0; });
  out(uint64_t(named.size()));
  for (auto it : named) {
    out(it->first);
    out(it->second.order);
  }
  auto used =
      entries(client_ids_, canonical, [](const ClientId& c) { return c.used_day != kNotUsed; });
  out(uint64_t(used.size()));
  for (auto it : used) {
    out(it->first);
    out(it->second.used_day);
  }
}

void OrderView::restore(ByteReader& in) {
  OrderView v;
  in(v.day_);
  in(v.last_applied_);
  uint64_t n = 0;
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    OrderId id = 0;
    Order o;
    in(id);
    in(o.state);
    in(o.last_ts);
    in(o.last_exec);
    if (is_open(o.state.status)) v.open_by_session_[o.state.origin.session][id] = true;
    v.orders_.emplace(id, std::move(o));
  }
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    OrderId id = 0;
    in(k);
    in(id);
    v.client_ids_[std::move(k)].order = id;
  }
  in(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    int64_t day = 0;
    in(k);
    in(day);
    v.client_ids_[std::move(k)].used_day = day;
  }
  // Reservations in flight are not part of the bytes: this view's stay.
  for (const auto& [k, c] : client_ids_)
    if (c.in_flight) v.client_ids_[k].in_flight = true;
  *this = std::move(v);
}

}  // namespace qd::fix
