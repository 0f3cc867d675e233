#pragma once
// Every reason the venue refuses or ends an order, grouped by the stage that decides it. The FIX
// layer maps each to OrdRejReason (103) / CxlRejReason (102) / BusinessRejectReason (380) + Text.

#include <cstdint>

namespace qd {

enum class RejectReason : uint16_t {
  none = 0,
  // --- session / gateway (100s)
  throttled = 100,
  system_busy,
  account_not_permitted,
  role_not_permitted,
  duplicate_client_order_id,
  unsupported_message,
  invalid_field,
  // --- validation against the market and the order (200s)
  unknown_market = 200,
  market_halted,
  market_closed,
  unknown_account,
  account_disabled,
  invalid_price,            ///< zero, negative or malformed
  price_not_on_tick,
  invalid_quantity,         ///< zero, negative or malformed
  quantity_not_on_lot,
  below_min_size,
  below_min_notional,
  above_max_order_size,
  above_max_order_notional,
  outside_price_band,
  no_reference_price,       ///< a market or banded order while the market has no mark yet
  invalid_order_type,       ///< a combination the venue does not support (e.g. post-only IOC)
  missing_stop_price,
  stop_price_already_triggered,
  invalid_expire_time,      ///< GTD without an expire time, or one already past
  client_order_id_too_long,
  too_many_open_orders,
  // --- order management (300s)
  unknown_order = 300,  ///< also for another account's order: existence is never revealed
  replace_below_filled,
  replace_changes_side,
  replace_changes_type,
  order_not_replaceable,    ///< e.g. a stop that already triggered is treated as its new type
  // --- matching (400s)
  post_only_would_take = 400,
  fok_not_fillable,
  // --- risk (500s)
  insufficient_margin = 500,
  reduce_only_would_increase,
  max_position_exceeded,
  open_interest_cap_exceeded,
  oracle_invalid,
  withdrawal_exceeds_free_collateral,
  insufficient_collateral,
};

const char* to_string(RejectReason r);

/// Why an order left the book without the owner asking for it (or because they did).
enum class CancelReason : uint8_t {
  client_request,
  ioc_remainder,
  fok_unfilled,
  market_remainder,       ///< a market order's unfilled part at the band's protection price
  stp_resting,            ///< self-trade prevention cancelled the resting order
  stp_aggressing,         ///< self-trade prevention cancelled the incoming order
  expired,                ///< Day or GTD
  cancel_on_disconnect,
  mass_cancel,
  admin,
  market_closed,
  liquidation,
  adl,
  reduce_only_resize,     ///< reduce-only remainder that would now increase the position
  risk_check_failed,      ///< a triggered stop failed the margin check when it became active
  price_band,             ///< a triggered stop-limit's price is outside the band (or the book's range)
};

const char* to_string(CancelReason r);

}  // namespace qd
