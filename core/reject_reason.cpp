#include "core/reject_reason.hpp"

namespace qd {

const char* to_string(RejectReason r) {
  switch (r) {
    case RejectReason::none: return "none";
    case RejectReason::throttled: return "throttle limit exceeded";
    case RejectReason::system_busy: return "system busy";
    case RejectReason::account_not_permitted: return "session may not act for this account";
    case RejectReason::role_not_permitted: return "message not permitted for this session role";
    case RejectReason::duplicate_client_order_id: return "duplicate ClOrdID";
    case RejectReason::unsupported_message: return "unsupported message";
    case RejectReason::invalid_field: return "invalid field value";
    case RejectReason::unknown_market: return "unknown symbol";
    case RejectReason::market_halted: return "market halted";
    case RejectReason::market_closed: return "market closed";
    case RejectReason::unknown_account: return "unknown account";
    case RejectReason::account_disabled: return "account disabled";
    case RejectReason::invalid_price: return "invalid price";
    case RejectReason::price_not_on_tick: return "price not a multiple of the tick size";
    case RejectReason::invalid_quantity: return "invalid quantity";
    case RejectReason::quantity_not_on_lot: return "quantity not a multiple of the lot size";
    case RejectReason::below_min_size: return "quantity below the minimum size";
    case RejectReason::below_min_notional: return "notional below the minimum";
    case RejectReason::above_max_order_size: return "quantity above the maximum order size";
    case RejectReason::above_max_order_notional: return "notional above the maximum order notional";
    case RejectReason::outside_price_band: return "price outside the band";
    case RejectReason::no_reference_price: return "no reference price for the market";
    case RejectReason::invalid_order_type: return "unsupported order type combination";
    case RejectReason::missing_stop_price: return "stop price required";
    case RejectReason::stop_price_already_triggered: return "stop price already reached";
    case RejectReason::invalid_expire_time: return "invalid expire time";
    case RejectReason::client_order_id_too_long: return "ClOrdID empty or too long";
    case RejectReason::too_many_open_orders: return "too many open orders";
    case RejectReason::unknown_order: return "unknown order";
    case RejectReason::replace_below_filled: return "new quantity not above the filled quantity";
    case RejectReason::replace_changes_side: return "replace may not change the side";
    case RejectReason::replace_changes_type: return "replace may not change the order type";
    case RejectReason::order_not_replaceable: return "order cannot be replaced";
    case RejectReason::post_only_would_take: return "post-only order would take liquidity";
    case RejectReason::fok_not_fillable: return "fill-or-kill order cannot be filled in full";
    case RejectReason::insufficient_margin: return "insufficient margin";
    case RejectReason::reduce_only_would_increase: return "reduce-only order would increase the position";
    case RejectReason::max_position_exceeded: return "maximum position exceeded";
    case RejectReason::open_interest_cap_exceeded: return "open interest cap exceeded";
    case RejectReason::oracle_invalid: return "oracle price invalid";
    case RejectReason::withdrawal_exceeds_free_collateral: return "withdrawal exceeds free collateral";
    case RejectReason::insufficient_collateral: return "insufficient collateral";
  }
  return "unknown reason";
}

const char* to_string(CancelReason r) {
  switch (r) {
    case CancelReason::client_request: return "client request";
    case CancelReason::ioc_remainder: return "IOC remainder";
    case CancelReason::fok_unfilled: return "FOK not filled";
    case CancelReason::market_remainder: return "market order remainder at protection price";
    case CancelReason::stp_resting: return "self-trade prevention (resting)";
    case CancelReason::stp_aggressing: return "self-trade prevention (aggressing)";
    case CancelReason::expired: return "expired";
    case CancelReason::cancel_on_disconnect: return "cancel on disconnect";
    case CancelReason::mass_cancel: return "mass cancel";
    case CancelReason::admin: return "admin";
    case CancelReason::market_closed: return "market closed";
    case CancelReason::liquidation: return "liquidation";
    case CancelReason::adl: return "auto-deleverage";
    case CancelReason::reduce_only_resize: return "reduce-only resize";
    case CancelReason::risk_check_failed: return "failed the margin check when triggered";
    case CancelReason::price_band: return "limit price outside the band when triggered";
  }
  return "unknown";
}

}  // namespace qd
