#pragma once
// What each RiskEngine call did, as plain values. The engine turns them into core Events
// (fills, funding payments, liquidation orders, takeovers, ADL) and journals nothing else:
// replaying the same commands reproduces the same results.

#include <cstdint>
#include <string>
#include <vector>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/order_types.hpp"
#include "core/reject_reason.hpp"
#include "risk/checked_math.hpp"
#include "risk/market_state.hpp"
#include "risk/oracle.hpp"
#include "risk/position.hpp"
#include "risk/position_math.hpp"

namespace qd::risk {

/// Outcome of a RiskEngine call that is not an order decision (those use core's RejectReason).
enum class RiskStatus : uint8_t {
  ok,
  unknown_account,
  unknown_market,
  duplicate,  ///< add_market / add_account with an id already present
  invalid_params,
  invalid_price,       ///< zero or negative
  invalid_quantity,    ///< zero or negative
  exposure_underflow,  ///< removing more resting quantity than was recorded
  overflow,            ///< a value beyond 64 bits: nothing was changed
  no_mark,             ///< the market has no mark yet
  oracle_blocked,      ///< the oracle state forbids this action (see oracle_blocks)
  liquidation_paused,  ///< the oracle is >= 50% from its 5-minute TWAP
  not_due,             ///< funding: the interval has not elapsed
  not_liquidatable,    ///< equity covers maintenance
  resting_orders,      ///< cancel every order of the account first
  no_position,
  insurance_fund_insufficient,  ///< the fund cannot absorb the loss: use adl()
  no_counterparty,              ///< ADL found too few opposite positions
};

const char* to_string(RiskStatus s);

/// A flat account left with negative collateral: the fund pays what it can, the rest is
/// socialized (recorded, collateral reset to 0).
struct DeficitCovered {
  AccountId account = 0;
  Quote deficit;         ///< 1e-6 USDC, > 0 when anything happened
  Quote insurance_paid;  ///< by the fund
  Quote socialized;      ///< by no one
};

/// deposit() / withdraw().
struct CollateralResult {
  RejectReason reason = RejectReason::none;
  AccountId account = 0;
  Quote amount;                 ///< as requested, 1e-6 USDC
  Quote collateral_after;       ///< 1e-6 USDC
  Quote free_collateral_after;  ///< withdrawals of accounts with positions; else collateral
  std::string text;             ///< the numbers behind a reject, for FIX Text (58)
  bool ok() const { return reason == RejectReason::none; }
};

/// check_order(): the pre-trade decision.
struct OrderCheck {
  RejectReason reason = RejectReason::none;
  Qty qty;                       ///< quantity to accept: the request, or a reduce-only resize
  bool resized = false;          ///< reduce-only order cut to the position
  bool risk_increasing = false;  ///< grows the worst-case position (margin was checked)
  Quote free_collateral_before;  ///< 1e-6 USDC (0 when not computed)
  Quote free_collateral_after;   ///< after the order fills at its price and pays the taker fee
  Quote initial_requirement_after;
  std::string text;  ///< set on reject or resize
  bool ok() const { return reason == RejectReason::none; }
};

/// One side of a fill, after it was applied.
struct FillResult {
  RiskStatus status = RiskStatus::ok;
  AccountId account = 0;
  MarketId market = 0;
  Side side = Side::buy;
  Price price;
  Qty qty;
  Liquidity liquidity = Liquidity::taker;
  bool liquidation = false;  ///< the liquidated account's side: liquidation fee, no taker fee
  Quote notional;            ///< paid (buy, rounded up) or received (sell, rounded down)
  Quote fee;                 ///< signed: > 0 charged, < 0 rebate; liquidation fee if liquidation
  Quote realized_pnl;
  PositionChange change = PositionChange::open;
  Position position;  ///< after
  Quote collateral_after;
  Qty open_interest_after;                  ///< market long OI after this side
  bool open_interest_cap_exceeded = false;  ///< post-fill check (the fill stands)
  DeficitCovered deficit;
};

/// apply_trade(): both sides of one trade, maker first.
struct TradeResult {
  RiskStatus status = RiskStatus::ok;
  FillResult maker;
  FillResult taker;
};

struct OracleResult {
  RiskStatus status = RiskStatus::ok;
  MarketId market = 0;
  OracleSource source = OracleSource::primary;
  OracleValidity reading_validity = OracleValidity::missing;  ///< this reading, at now
  OracleValidity effective_validity = OracleValidity::missing;
  Price oracle;  ///< effective price
  bool liquidation_paused = false;
  Price mark;
  bool mark_changed = false;
};

struct MarkResult {
  RiskStatus status = RiskStatus::ok;
  MarketId market = 0;
  Price mark;
  bool changed = false;
  bool premium_sampled = false;
  int64_t premium = 0;  ///< the sample, 1e-9
};

struct FundingPayment {
  AccountId account = 0;
  Qty base;      ///< position at payment
  Quote amount;  ///< > 0 paid by the account, < 0 received
};

struct FundingResult {
  RiskStatus status = RiskStatus::ok;
  MarketId market = 0;
  TimestampNs interval_start = 0;
  int64_t average_premium = 0;  ///< 1e-9
  int64_t samples = 0;
  int64_t rate_8h = 0;  ///< 1e-9
  int64_t rate = 0;     ///< for this interval after the cap, 1e-9
  Price oracle_twap;
  i128 index = 0;                        ///< after, 1e-15 USDC per whole base unit
  std::vector<FundingPayment> payments;  ///< account id order, the fund last
  Quote residue_to_venue;                ///< sum of payments (>= 0)
};

struct LiquidationCandidate {
  AccountId account = 0;
  Quote equity;
  Quote maintenance;  ///< with resting orders
  Quote maintenance_positions_only;
  bool has_resting_orders = false;
};

/// The reduce-only IOC the engine sends through the book.
struct LiquidationOrder {
  MarketId market = 0;
  Side side = Side::sell;
  Qty qty;               ///< lot multiple, <= |position|
  Price limit_price;     ///< fillable price on the tick grid, never looser; the bankruptcy
                         ///< price when the insurance fund could not pay the deficit beyond it
  Price fillable_price;  ///< before tick rounding
  Price bankruptcy_price;
};

struct LiquidationPlan {
  RiskStatus status = RiskStatus::ok;  ///< ok = liquidatable, act on it
  AccountId account = 0;
  Quote equity;
  Quote maintenance;
  Quote shortage;                  ///< maintenance + buffer - equity
  bool cancel_all_orders = false;  ///< cancel every resting order, then plan again
  bool liquidatable_after_cancel = false;
  bool has_order = false;
  LiquidationOrder order;
};

struct TakeoverResult {
  RiskStatus status = RiskStatus::ok;
  AccountId account = 0;
  MarketId market = 0;
  Side account_side = Side::sell;  ///< the side the account closed on; the fund took the other
  Qty qty;
  Price bankruptcy_price;
  Position account_position;  ///< after
  Quote account_collateral_after;
  Position fund_position;  ///< after
  Quote fund_collateral_after;
  Quote fund_equity_after;  ///< at the mark
  DeficitCovered deficit;
};

struct AdlFill {
  AccountId counterparty = 0;
  Side counterparty_side = Side::buy;  ///< the side the counterparty closed on
  Qty qty;
  Price price;        ///< the bankruptcy price
  int64_t score = 0;  ///< its ADL score (1e-6)
  Quote counterparty_realized_pnl;
  Position counterparty_position;  ///< after
};

struct AdlResult {
  RiskStatus status = RiskStatus::ok;
  AccountId account = 0;
  MarketId market = 0;
  Side account_side = Side::sell;
  Price bankruptcy_price;
  std::vector<AdlFill> fills;  ///< in ranking order
  Qty remaining;               ///< not deleveraged (no_counterparty when > 0)
  std::vector<DeficitCovered> deficits;
};

}  // namespace qd::risk
