#pragma once
// Order vocabulary shared by the engine, risk and the FIX codec.

#include <cstdint>

namespace qd {

enum class Side : uint8_t { buy = 1, sell = 2 };
constexpr Side opposite(Side s) { return s == Side::buy ? Side::sell : Side::buy; }

enum class OrderType : uint8_t {
  limit,
  market,      ///< becomes a limit at the band's protection price; never rests
  stop_market, ///< a market order once the mark reaches the stop price
  stop_limit,  ///< a limit order once the mark reaches the stop price
};

enum class TimeInForce : uint8_t {
  gtc,  ///< good till cancel
  ioc,  ///< immediate or cancel: the remainder is cancelled
  fok,  ///< fill or kill: all at once or nothing
  day,  ///< expires at the end of the trading day
  gtd,  ///< good till the order's expire time
};

/// Self-trade prevention: what happens when an order would trade with its own account (or group).
enum class StpMode : uint8_t {
  none,                ///< self-trades allowed
  cancel_resting,      ///< the resting order is cancelled, the aggressor continues
  cancel_aggressing,   ///< the aggressor's remainder is cancelled
  cancel_both,         ///< both are cancelled
  decrement_and_cancel,///< the smaller is cancelled, the larger reduced by it
};

enum class OrderStatus : uint8_t {
  pending_trigger,  ///< a stop order waiting for its trigger
  new_,
  partially_filled,
  filled,
  canceled,
  replaced,
  rejected,
  expired,
};

enum class MarketStatus : uint8_t { open, halted, closed };

/// Which role the order played in a fill.
enum class Liquidity : uint8_t { maker, taker };

/// The lower-case names journals, logs, the admin socket and reports print (e.g. "stop_limit").
const char* to_string(Side s);
const char* to_string(OrderType t);
const char* to_string(TimeInForce t);
const char* to_string(StpMode m);
const char* to_string(OrderStatus s);
const char* to_string(MarketStatus s);

}  // namespace qd
