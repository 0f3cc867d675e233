#include "core/order_types.hpp"

namespace qd {

const char* to_string(Side s) { return s == Side::buy ? "buy" : "sell"; }

const char* to_string(OrderType t) {
  switch (t) {
    case OrderType::limit: return "limit";
    case OrderType::market: return "market";
    case OrderType::stop_market: return "stop_market";
    case OrderType::stop_limit: return "stop_limit";
  }
  return "unknown";
}

const char* to_string(TimeInForce t) {
  switch (t) {
    case TimeInForce::gtc: return "gtc";
    case TimeInForce::ioc: return "ioc";
    case TimeInForce::fok: return "fok";
    case TimeInForce::day: return "day";
    case TimeInForce::gtd: return "gtd";
  }
  return "unknown";
}

const char* to_string(StpMode m) {
  switch (m) {
    case StpMode::none: return "none";
    case StpMode::cancel_resting: return "cancel_resting";
    case StpMode::cancel_aggressing: return "cancel_aggressing";
    case StpMode::cancel_both: return "cancel_both";
    case StpMode::decrement_and_cancel: return "decrement_and_cancel";
  }
  return "unknown";
}

const char* to_string(OrderStatus s) {
  switch (s) {
    case OrderStatus::pending_trigger: return "pending_trigger";
    case OrderStatus::new_: return "new";
    case OrderStatus::partially_filled: return "partially_filled";
    case OrderStatus::filled: return "filled";
    case OrderStatus::canceled: return "canceled";
    case OrderStatus::replaced: return "replaced";
    case OrderStatus::rejected: return "rejected";
    case OrderStatus::expired: return "expired";
  }
  return "unknown";
}

const char* to_string(MarketStatus s) {
  switch (s) {
    case MarketStatus::open: return "open";
    case MarketStatus::halted: return "halted";
    case MarketStatus::closed: return "closed";
  }
  return "unknown";
}

}  // namespace qd
