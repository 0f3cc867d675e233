#pragma once
// The one table that turns a RejectReason into FIX codes. spec/RULES_OF_ENGAGEMENT.md prints the
// same table (a unit test compares the two). FIX 4.4 allows OrdRejReason (103) 0-11, 13-15 and
// 99, CxlRejReason (102) 0-6 and 99, BusinessRejectReason (380) 0-7: anything without an exact
// standard code is 99 (or 0 = Other for 380) and the Text (58) plus the venue tag
// VenueRejectCode (20003) say which rule refused it.

#include <array>
#include <cstdint>

#include "core/reject_reason.hpp"

namespace qd::fix {

struct RejectCodes {
  RejectReason reason = RejectReason::none;
  int ord_rej_reason = 99;      ///< OrdRejReason (103) on ExecutionReport ExecType=8
  int cxl_rej_reason = 99;      ///< CxlRejReason (102) on OrderCancelReject
  int business_rej_reason = 0;  ///< BusinessRejectReason (380) on BusinessMessageReject
};

// clang-format off
inline constexpr auto REJECT_TABLE = std::to_array<RejectCodes>({
  //  reason                                      103  102  380
  {RejectReason::none,                              0,  99,   0},
  {RejectReason::throttled,                        99,  99,   0},
  {RejectReason::system_busy,                      99,  99,   4},
  {RejectReason::account_not_permitted,            15,  99,   6},
  {RejectReason::role_not_permitted,               99,  99,   6},
  {RejectReason::duplicate_client_order_id,         6,   6,   0},
  {RejectReason::unsupported_message,              11,  99,   3},
  {RejectReason::invalid_field,                    99,  99,   0},
  {RejectReason::unknown_market,                    1,  99,   2},
  {RejectReason::market_halted,                     2,  99,   4},
  {RejectReason::market_closed,                     2,  99,   4},
  {RejectReason::unknown_account,                  15,  99,   0},
  {RejectReason::account_disabled,                 99,  99,   6},
  {RejectReason::invalid_price,                    99,  99,   0},
  {RejectReason::price_not_on_tick,                99,  99,   0},
  {RejectReason::invalid_quantity,                 13,  99,   0},
  {RejectReason::quantity_not_on_lot,              13,  99,   0},
  {RejectReason::below_min_size,                   13,  99,   0},
  {RejectReason::below_min_notional,               99,  99,   0},
  {RejectReason::above_max_order_size,              3,  99,   0},
  {RejectReason::above_max_order_notional,          3,  99,   0},
  {RejectReason::outside_price_band,               99,  99,   0},
  {RejectReason::no_reference_price,               99,  99,   0},
  {RejectReason::invalid_order_type,               11,  99,   0},
  {RejectReason::missing_stop_price,               11,  99,   5},
  {RejectReason::stop_price_already_triggered,     99,  99,   0},
  {RejectReason::invalid_expire_time,              99,  99,   0},
  {RejectReason::client_order_id_too_long,         99,  99,   0},
  {RejectReason::too_many_open_orders,              3,  99,   0},
  {RejectReason::unknown_order,                     5,   1,   1},
  {RejectReason::replace_below_filled,             99,  99,   0},
  {RejectReason::replace_changes_side,             99,  99,   0},
  {RejectReason::replace_changes_type,             99,  99,   0},
  {RejectReason::order_not_replaceable,            99,  99,   0},
  {RejectReason::post_only_would_take,             99,  99,   0},
  {RejectReason::fok_not_fillable,                 99,  99,   0},
  {RejectReason::insufficient_margin,               3,  99,   0},
  {RejectReason::reduce_only_would_increase,       99,  99,   0},
  {RejectReason::max_position_exceeded,             3,  99,   0},
  {RejectReason::open_interest_cap_exceeded,        3,  99,   0},
  {RejectReason::oracle_invalid,                   99,  99,   4},
  {RejectReason::withdrawal_exceeds_free_collateral, 99, 99,  0},
  {RejectReason::insufficient_collateral,           3,  99,   0},
});
// clang-format on

/// The codes for a reason; 99/99/0 for a value missing from the table (a unit test makes sure
/// none is).
constexpr RejectCodes reject_codes(RejectReason r) {
  for (const RejectCodes& c : REJECT_TABLE)
    if (c.reason == r) return c;
  return RejectCodes{r, 99, 99, 0};
}

/// True when the code is an OrdRejReason value FIX 4.4 defines.
constexpr bool is_fix44_ord_rej_reason(int v) {
  return (v >= 0 && v <= 11) || (v >= 13 && v <= 15) || v == 99;
}
constexpr bool is_fix44_cxl_rej_reason(int v) {
  return (v >= 0 && v <= 6) || v == 99;
}
constexpr bool is_fix44_business_reject_reason(int v) {
  return v >= 0 && v <= 7;
}

static_assert([] {
  for (const RejectCodes& c : REJECT_TABLE)
    if (!is_fix44_ord_rej_reason(c.ord_rej_reason) || !is_fix44_cxl_rej_reason(c.cxl_rej_reason) ||
        !is_fix44_business_reject_reason(c.business_rej_reason))
      return false;
  return true;
}());

}  // namespace qd::fix
