#pragma once
// The gateway's view of orders, built only from the engine's events, so a restart that replays
// the journal rebuilds it exactly. Answers OrderStatusRequest (H) and OrderMassStatusRequest (AF),
// resolves OrigClOrdID to the engine's OrderId, and enforces ClOrdID uniqueness per session per
// trading day (UTC day of the event time). Not thread-safe: the gateway holds one lock around it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"
#include "core/serialization.hpp"

namespace qd::fix {

/// Nanoseconds per UTC day; trading days for ClOrdID uniqueness are UTC days.
inline constexpr int64_t NS_PER_DAY = 86'400'000'000'000;
constexpr int64_t utc_day(TimestampNs ts) {
  return ts >= 0 ? ts / NS_PER_DAY : (ts - NS_PER_DAY + 1) / NS_PER_DAY;
}

constexpr bool is_open(OrderStatus s) {
  return s == OrderStatus::pending_trigger || s == OrderStatus::new_ ||
         s == OrderStatus::partially_filled;
}

class OrderView {
 public:
  struct Order {
    OrderState state;
    TimestampNs last_ts = 0;  ///< time of the last event that changed it
    ExecId last_exec;         ///< ExecID of that event
  };

  /// Applies one event. Idempotent for an event seen twice (same ExecId): the second is ignored.
  void apply(const Event& e);

  const Order* find(OrderId id) const;
  /// By any ClOrdID the order carried in `session` (its first or a replace's).
  const Order* find(SessionId session, std::string_view client_id) const;

  /// Open orders entered through `session`, optionally only of one account / market, by OrderId.
  std::vector<const Order*> open_orders(SessionId session, std::optional<AccountId> account,
                                        std::optional<MarketId> market) const;
  bool has_open_orders(SessionId session) const;

  enum class Reservation : uint8_t {
    ok,         ///< unused: now in flight until its first event
    in_flight,  ///< submitted and not yet answered by the engine
    used,       ///< answered by the engine today, or the id of an open order
  };
  /// Claims a ClOrdID for a new request of `session` on UTC day `today`.
  Reservation reserve(SessionId session, std::string_view client_id, int64_t today);
  /// Gives back a reservation whose command never reached the engine.
  void release(SessionId session, std::string_view client_id);
  /// True while a request with this ClOrdID waits for the engine's answer.
  bool in_flight(SessionId session, std::string_view client_id) const;

  size_t size() const { return orders_.size(); }

  /// The view as bytes (restart snapshots, app/gateway/venue_views.hpp). `canonical` writes the
  /// keys in order, so equal views give equal bytes (comparisons); otherwise in hash order,
  /// which is what the publisher thread can afford (sorting was 60% of the time). Reservations
  /// in flight are not part of it.
  void save(ByteWriter& out, bool canonical = false) const;
  /// Replaces this view with one saved by save(). Throws std::runtime_error on malformed input
  /// and then leaves this view unchanged.
  void restore(ByteReader& in);

 private:
  static std::string key(SessionId session, std::string_view client_id);
  void remember(SessionId session, const ClientOrderId& id, int64_t day, OrderId order);
  void answered(SessionId session, const ClientOrderId& id, int64_t day);
  void roll_day(int64_t day);
  void update(const OrderState& s, const Event& e);

  /// What the view knows of one session's ClOrdID: one entry, so a new order costs one lookup
  /// on the connection thread and one per event on the publisher.
  static constexpr int64_t kNotUsed = INT64_MIN;
  struct ClientId {
    OrderId order = 0;             ///< the order it names; 0 when none (any longer)
    int64_t used_day = kNotUsed;   ///< UTC day the engine last answered a request with it
    bool in_flight = false;        ///< a request with it waits for the engine's answer
    bool empty() const { return order == 0 && used_day == kNotUsed && !in_flight; }
  };

  std::unordered_map<OrderId, Order> orders_;
  std::unordered_map<std::string, ClientId> client_ids_;  ///< by "session:ClOrdID"
  std::map<SessionId, std::map<OrderId, bool>> open_by_session_;
  int64_t day_ = INT64_MIN;
  ExecId last_applied_;
};

}  // namespace qd::fix
