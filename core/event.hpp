#pragma once
// Events: what happened, in past tense, as plain values. Each carries everything an
// ExecutionReport, a drop copy or settlement needs, so no consumer looks back into engine state.
// Ordering contract: events of one command are emitted in the order they happened; a command's
// events are released only after the journal holds the command.

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

using EventBody = std::variant<OrderAccepted, OrderRejected, OrderTriggered, OrderFilled,
                               OrderCanceled, OrderRestated, OrderReplaced, CancelRejected, MassCancelDone,
                               MarkPriceSet, MarketStatusChanged>;

struct Event {
  SeqNo seq = 0;          ///< the command that produced it
  uint32_t index = 0;     ///< position among that command's events
  TimestampNs ts = 0;     ///< the command's time
  EventBody body;

  ExecId exec_id() const { return {seq, index}; }
};

}  // namespace qd
