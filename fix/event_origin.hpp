#pragma once
// Who entered the order (or request) an event is about: the gateway addresses live reports by it
// (Gateway::route) and report recovery after a crash must address them the same way.

#include <variant>

#include "core/event.hpp"

namespace qd::fix {

/// The event's order origin (session and account); Origin{} for market-wide events.
inline Origin origin_of(const EventBody& body) {
  return std::visit(
      [](const auto& b) -> Origin {
        if constexpr (requires { b.order.origin; })
          return b.order.origin;
        else if constexpr (requires { b.origin; })
          return b.origin;
        else
          return Origin{};
      },
      body);
}

}  // namespace qd::fix
