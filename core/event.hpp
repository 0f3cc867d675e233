#pragma once
// Events: what happened, in past tense, as plain values. Each carries everything an
// ExecutionReport, a drop copy or settlement needs, so no consumer looks back into engine state.
// Ordering contract: events of one command are emitted in the order they happened; a command's
// events are released only after the journal holds the command.

#include <string>
#include <variant>

#include "core/command.hpp"
#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/order_types.hpp"
#include "core/reject_reason.hpp"

namespace qd {

/// The order's state after the event: the fields every ExecutionReport repeats.
struct OrderState {
  OrderId order_id = 0;
  Origin origin;
  MarketId market = 0;
  ClientOrderId client_id;       ///< current ClOrdID (the latest replace's)
  ClientOrderId orig_client_id;  ///< set on replace/cancel: the ClOrdID it replaced
  Side side = Side::buy;
  OrderType type = OrderType::limit;
  TimeInForce tif = TimeInForce::gtc;
  OrderStatus status = OrderStatus::new_;
  Price price;                   ///< limit price (1e-6); for market orders the protection price
  Price stop_price;              ///< 1e-6, stop orders only
  Qty order_qty;                 ///< total quantity (1e-9)
  Qty leaves_qty;                ///< still open (1e-9)
  Qty cum_qty;                   ///< filled so far (1e-9)
  Price avg_price;               ///< cumulative notional / cum_qty, rounded half up (1e-6)
  TimestampNs expire_time = 0;
  bool post_only = false;
  bool reduce_only = false;
};

struct OrderAccepted {
  OrderState order;
};

struct OrderRejected {
  OrderState order;  ///< as requested; order_id is 0
  RejectReason reason = RejectReason::none;
  std::string text;  ///< the numbers behind a risk reject (FIX Text 58); may be empty
};

/// A stop order's trigger was reached; it now works as a market or limit order.
struct OrderTriggered {
  OrderState order;
};

/// One side of a trade. Each trade yields two: the maker's first, then the taker's.
struct OrderFilled {
  OrderState order;
  TradeId trade_id;
  OrderId counterparty_order_id = 0;
  AccountId counterparty_account = 0;
  Price last_price;  ///< the resting order's price (1e-6)
  Qty last_qty;      ///< 1e-9
  Liquidity liquidity = Liquidity::taker;
  Side aggressor_side = Side::buy;
  // Margin effects (zero when the margin core is off):
  Quote fee;            ///< 1e-6 USDC, signed: > 0 charged, < 0 rebate; the liquidation fee on
                        ///< a liquidation order's fills
  Quote realized_pnl;   ///< 1e-6 USDC credited (or debited) to collateral by this fill
  Qty position_after;   ///< signed base position in the market after the fill (1e-9)
  Quote collateral_after;
  bool liquidation = false;  ///< the account's side of a liquidation order
};

struct OrderCanceled {
  OrderState order;  ///< leaves_qty is 0; canceled_qty says how much was open
  Qty canceled_qty;
  CancelReason reason = CancelReason::client_request;
  ClientOrderId request_client_id;  ///< the cancel request's ClOrdID, when a client asked
};

/// The venue lowered an order's open quantity without the owner asking (FIX ExecType D):
/// self-trade prevention's decrement, or a reduce-only order shrunk to the position.
struct OrderRestated {
  OrderState order;  ///< after the change
  Qty reduced_by;
  CancelReason reason = CancelReason::stp_resting;
};

struct OrderReplaced {
  OrderState order;        ///< after the replace; client_id new, orig_client_id old
  bool kept_priority = false;
};

enum class CancelRejectTo : uint8_t { cancel, replace };

/// A cancel or replace that could not be done (FIX OrderCancelReject).
struct CancelRejected {
  Origin origin;
  MarketId market = 0;
  OrderId order_id = 0;  ///< 0 when the order is unknown
  ClientOrderId client_id;
  ClientOrderId orig_client_id;
  OrderStatus status = OrderStatus::rejected;  ///< the order's current status when known
  CancelRejectTo response_to = CancelRejectTo::cancel;
  RejectReason reason = RejectReason::none;
};

struct MassCancelDone {
  Origin origin;
  MassCancelScope scope = MassCancelScope::account;
  MarketId market = 0;
  ClientOrderId client_id;
  uint32_t canceled = 0;
  RejectReason reason = RejectReason::none;  ///< none when accepted
};

struct MarkPriceSet {
  MarketId market = 0;
  Price mark;
};

struct MarketStatusChanged {
  MarketId market = 0;
  MarketStatus status = MarketStatus::open;
};

enum class CollateralReason : uint8_t { deposit, withdrawal };

/// Collateral paid in or out (USDC, 1e-6).
struct CollateralChanged {
  AccountId account = 0;
  Quote amount;  ///< signed: + deposit, - withdrawal
  Quote collateral_after;
  CollateralReason reason = CollateralReason::deposit;
};

struct CollateralRejected {
  AccountId account = 0;
  Quote amount;
  CollateralReason reason_kind = CollateralReason::withdrawal;
  RejectReason reason = RejectReason::none;
  std::string text;
};

/// An oracle reading was recorded; validity as risk/oracle.hpp's OracleValidity.
struct OraclePriceSet {
  MarketId market = 0;
  Price price;
  Price confidence;
  TimestampNs publish_time = 0;
  uint8_t validity = 0;
  bool fallback = false;
};

/// A funding interval settled: the rate applied, then one FundingPaid per account.
struct FundingRateApplied {
  MarketId market = 0;
  int64_t rate = 0;             ///< this interval, 1e-9 (+ longs pay shorts)
  int64_t rate_8h = 0;          ///< 1e-9
  int64_t average_premium = 0;  ///< 1e-9
  Price oracle_twap;
  Quote residue_to_venue;       ///< rounding residue kept by the venue
};

struct FundingPaid {
  MarketId market = 0;
  AccountId account = 0;
  Qty base;       ///< position at payment (1e-9, signed)
  Quote amount;   ///< + paid by the account, - received
  Quote collateral_after;
};

/// An account fell below maintenance and the venue took over its risk.
struct LiquidationTriggered {
  AccountId account = 0;
  Quote equity;
  Quote maintenance;
  Quote shortage;  ///< maintenance + buffer - equity
  MarketId market = 0;
  Qty qty;               ///< the reduce-only IOC's quantity (0 when none was sent)
  Price limit_price;
  Price bankruptcy_price;
};

/// The insurance fund took over what the book could not absorb, at the bankruptcy price.
struct InsuranceTakeover {
  AccountId account = 0;
  MarketId market = 0;
  Side account_side = Side::sell;  ///< the side the account closed on
  Qty qty;
  Price price;
  Quote account_collateral_after;
  Quote fund_collateral_after;
};

/// Auto-deleveraging: a profitable opposite position closed against the bankrupt account.
struct AutoDeleveraged {
  AccountId account = 0;       ///< the bankrupt account
  AccountId counterparty = 0;  ///< the deleveraged account
  MarketId market = 0;
  Side counterparty_side = Side::buy;  ///< the side the counterparty closed on
  Qty qty;
  Price price;  ///< the bankruptcy price
  Quote counterparty_realized_pnl;
  Qty counterparty_position_after;
  Quote counterparty_collateral_after;  ///< after the whole deleveraging (each appears once)
  Quote account_collateral_after;       ///< the bankrupt account's, after the whole deleveraging
};

/// A flat account left with negative collateral: paid by the fund, the rest socialized.
struct DeficitCovered {
  AccountId account = 0;
  Quote deficit;
  Quote insurance_paid;
  Quote socialized;
};

/// The answer to UpdateMarketParams / UpdateAccount: applied (reason none) or refused with
/// nothing changed (unknown_market, unknown_account, invalid_field + text). It does not say
/// whether an account was new: a replay under a later config file that lists the account from
/// the start must produce the same event.
struct ConfigChanged {
  enum class Target : uint8_t { market, account };
  Target target = Target::market;
  uint32_t id = 0;  ///< the MarketId or AccountId
  RejectReason reason = RejectReason::none;
  std::string text;      ///< what was wrong; empty when applied
};

using EventBody = std::variant<OrderAccepted, OrderRejected, OrderTriggered, OrderFilled,
                               OrderCanceled, OrderRestated, OrderReplaced, CancelRejected, MassCancelDone,
                               MarkPriceSet, MarketStatusChanged, CollateralChanged,
                               CollateralRejected, OraclePriceSet, FundingRateApplied, FundingPaid,
                               LiquidationTriggered, InsuranceTakeover, AutoDeleveraged,
                               DeficitCovered, ConfigChanged>;

struct Event {
  SeqNo seq = 0;          ///< the command that produced it
  uint32_t index = 0;     ///< position among that command's events
  TimestampNs ts = 0;     ///< the command's time
  EventBody body;

  ExecId exec_id() const { return {seq, index}; }
};

}  // namespace qd
