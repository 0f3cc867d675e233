#include "risk/risk_events.hpp"

namespace qd::risk {

const char* to_string(RiskStatus s) {
  switch (s) {
    case RiskStatus::ok:
      return "ok";
    case RiskStatus::unknown_account:
      return "unknown account";
    case RiskStatus::unknown_market:
      return "unknown market";
    case RiskStatus::duplicate:
      return "already exists";
    case RiskStatus::invalid_params:
      return "invalid parameters";
    case RiskStatus::invalid_price:
      return "invalid price";
    case RiskStatus::invalid_quantity:
      return "invalid quantity";
    case RiskStatus::exposure_underflow:
      return "more resting quantity removed than recorded";
    case RiskStatus::overflow:
      return "arithmetic overflow";
    case RiskStatus::no_mark:
      return "no mark price";
    case RiskStatus::oracle_blocked:
      return "oracle state blocks this action";
    case RiskStatus::liquidation_paused:
      return "liquidations paused: oracle far from its TWAP";
    case RiskStatus::not_due:
      return "not due";
    case RiskStatus::not_liquidatable:
      return "equity covers maintenance";
    case RiskStatus::resting_orders:
      return "account has resting orders";
    case RiskStatus::no_position:
      return "no position";
    case RiskStatus::insurance_fund_insufficient:
      return "insurance fund insufficient";
    case RiskStatus::no_counterparty:
      return "not enough opposite positions";
  }
  return "unknown";
}

}  // namespace qd::risk
