#include "app/metrics/metric_labels.hpp"

#include <type_traits>

namespace qd::metrics {

std::string reject_label(RejectReason r) {
  switch (r) {
    case RejectReason::none:
      return "none";
    case RejectReason::throttled:
      return "throttled";
    case RejectReason::system_busy:
      return "system_busy";
    case RejectReason::account_not_permitted:
      return "account_not_permitted";
    case RejectReason::role_not_permitted:
      return "role_not_permitted";
    case RejectReason::duplicate_client_order_id:
      return "duplicate_client_order_id";
    case RejectReason::unsupported_message:
      return "unsupported_message";
    case RejectReason::invalid_field:
      return "invalid_field";
    case RejectReason::unknown_market:
      return "unknown_market";
    case RejectReason::market_halted:
      return "market_halted";
    case RejectReason::market_closed:
      return "market_closed";
    case RejectReason::unknown_account:
      return "unknown_account";
    case RejectReason::account_disabled:
      return "account_disabled";
    case RejectReason::invalid_price:
      return "invalid_price";
    case RejectReason::price_not_on_tick:
      return "price_not_on_tick";
    case RejectReason::invalid_quantity:
      return "invalid_quantity";
    case RejectReason::quantity_not_on_lot:
      return "quantity_not_on_lot";
    case RejectReason::below_min_size:
      return "below_min_size";
    case RejectReason::below_min_notional:
      return "below_min_notional";
    case RejectReason::above_max_order_size:
      return "above_max_order_size";
    case RejectReason::above_max_order_notional:
      return "above_max_order_notional";
    case RejectReason::outside_price_band:
      return "outside_price_band";
    case RejectReason::no_reference_price:
      return "no_reference_price";
    case RejectReason::invalid_order_type:
      return "invalid_order_type";
    case RejectReason::missing_stop_price:
      return "missing_stop_price";
    case RejectReason::stop_price_already_triggered:
      return "stop_price_already_triggered";
    case RejectReason::invalid_expire_time:
      return "invalid_expire_time";
    case RejectReason::client_order_id_too_long:
      return "client_order_id_too_long";
    case RejectReason::too_many_open_orders:
      return "too_many_open_orders";
    case RejectReason::unknown_order:
      return "unknown_order";
    case RejectReason::replace_below_filled:
      return "replace_below_filled";
    case RejectReason::replace_changes_side:
      return "replace_changes_side";
    case RejectReason::replace_changes_type:
      return "replace_changes_type";
    case RejectReason::order_not_replaceable:
      return "order_not_replaceable";
    case RejectReason::post_only_would_take:
      return "post_only_would_take";
    case RejectReason::fok_not_fillable:
      return "fok_not_fillable";
    case RejectReason::insufficient_margin:
      return "insufficient_margin";
    case RejectReason::reduce_only_would_increase:
      return "reduce_only_would_increase";
    case RejectReason::max_position_exceeded:
      return "max_position_exceeded";
    case RejectReason::open_interest_cap_exceeded:
      return "open_interest_cap_exceeded";
    case RejectReason::oracle_invalid:
      return "oracle_invalid";
    case RejectReason::withdrawal_exceeds_free_collateral:
      return "withdrawal_exceeds_free_collateral";
    case RejectReason::insufficient_collateral:
      return "insufficient_collateral";
    default:
      break;  // a reason added later: still counted, under its number
  }
  return "code_" + std::to_string(static_cast<unsigned>(r));
}

std::string cancel_label(CancelReason r) {
  switch (r) {
    case CancelReason::client_request:
      return "client_request";
    case CancelReason::ioc_remainder:
      return "ioc_remainder";
    case CancelReason::fok_unfilled:
      return "fok_unfilled";
    case CancelReason::market_remainder:
      return "market_remainder";
    case CancelReason::stp_resting:
      return "stp_resting";
    case CancelReason::stp_aggressing:
      return "stp_aggressing";
    case CancelReason::expired:
      return "expired";
    case CancelReason::cancel_on_disconnect:
      return "cancel_on_disconnect";
    case CancelReason::mass_cancel:
      return "mass_cancel";
    case CancelReason::admin:
      return "admin";
    case CancelReason::market_closed:
      return "market_closed";
    case CancelReason::liquidation:
      return "liquidation";
    case CancelReason::adl:
      return "adl";
    case CancelReason::reduce_only_resize:
      return "reduce_only_resize";
    case CancelReason::risk_check_failed:
      return "risk_check_failed";
    case CancelReason::price_band:
      return "price_band";
    default:
      break;
  }
  return "code_" + std::to_string(static_cast<unsigned>(r));
}

std::string_view status_label(MarketStatus s) {
  switch (s) {
    case MarketStatus::open:
      return "open";
    case MarketStatus::halted:
      return "halted";
    case MarketStatus::closed:
      return "closed";
  }
  return "unknown";
}

std::string_view command_label(const CommandBody& body) {
  return std::visit(
      [](const auto& c) -> std::string_view {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, NewOrder>)
          return "new_order";
        else if constexpr (std::is_same_v<T, CancelOrder>)
          return "cancel_order";
        else if constexpr (std::is_same_v<T, ReplaceOrder>)
          return "replace_order";
        else if constexpr (std::is_same_v<T, MassCancel>)
          return "mass_cancel";
        else if constexpr (std::is_same_v<T, SetMarkPrice>)
          return "set_mark_price";
        else if constexpr (std::is_same_v<T, ClockTick>)
          return "clock_tick";
        else if constexpr (std::is_same_v<T, SetMarketStatus>)
          return "set_market_status";
        else if constexpr (std::is_same_v<T, Deposit>)
          return "deposit";
        else if constexpr (std::is_same_v<T, Withdraw>)
          return "withdraw";
        else if constexpr (std::is_same_v<T, SetOraclePrice>)
          return "set_oracle_price";
        else if constexpr (std::is_same_v<T, UpdateMarketParams>)
          return "update_market_params";
        else if constexpr (std::is_same_v<T, UpdateAccount>)
          return "update_account";
        else
          return "other";
      },
      body);
}

std::vector<RejectReason> known_reject_reasons() {
  std::vector<RejectReason> out;
  const std::string unknown = to_string(static_cast<RejectReason>(0xffff));
  for (unsigned v = 1; v < 1000; ++v) {
    const auto r = static_cast<RejectReason>(v);
    if (to_string(r) != unknown) out.push_back(r);
  }
  return out;
}

std::vector<CancelReason> known_cancel_reasons() {
  std::vector<CancelReason> out;
  const std::string unknown = to_string(static_cast<CancelReason>(0xff));
  for (unsigned v = 0; v < 0xff; ++v) {
    const auto r = static_cast<CancelReason>(v);
    if (to_string(r) != unknown) out.push_back(r);
  }
  return out;
}

}  // namespace qd::metrics
