#pragma once
// Commands: what the outside world asks of the engine. Plain values, imperative names. The
// sequencer stamps seq and ts; nothing inside the engine reads a clock.

#include <variant>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"
#include "core/market_spec.hpp"
#include "core/order_types.hpp"
#include "core/reject_reason.hpp"

namespace qd {

/// Who sent a command: the account it acts for and the session it came through.
struct Origin {
  AccountId account = 0;
  SessionId session = 0;  ///< 0 = the venue itself (admin, risk engine)
};

struct NewOrder {
  Origin origin;
  MarketId market = 0;
  ClientOrderId client_id;
  Side side = Side::buy;
  OrderType type = OrderType::limit;
  TimeInForce tif = TimeInForce::gtc;
  Price price;             ///< limit price (1e-6); ignored for market and stop-market
  Price stop_price;        ///< trigger (1e-6) for stop orders
  Qty qty;                 ///< order quantity (1e-9 base)
  TimestampNs expire_time = 0;  ///< GTD only
  bool post_only = false;  ///< rejected if it would take liquidity
  bool reduce_only = false;///< carried for the risk stage
  bool has_stp_override = false;
  StpMode stp = StpMode::none;  ///< per-order override of the account's default
};

/// Identifies an order by engine id, or (when 0) by the owner's original client id.
struct OrderRef {
  OrderId order_id = 0;
  ClientOrderId orig_client_id;
};

struct CancelOrder {
  Origin origin;
  MarketId market = 0;
  OrderRef ref;
  ClientOrderId client_id;  ///< the cancel request's own id
};

/// Cancel/replace: qty is the new total order quantity (FIX OrderQty), filled part included.
struct ReplaceOrder {
  Origin origin;
  MarketId market = 0;
  OrderRef ref;
  ClientOrderId client_id;  ///< the replacement's new client id
  Side side = Side::buy;    ///< must match the original
  Price price;
  Price stop_price;
  Qty qty;
};

enum class MassCancelScope : uint8_t { account, market, account_market, session };

struct MassCancel {
  Origin origin;
  MassCancelScope scope = MassCancelScope::account;
  MarketId market = 0;
  ClientOrderId client_id;
  CancelReason reason = CancelReason::mass_cancel;
};

/// A new mark price for a market: the band's reference and the stop orders' trigger. With the
/// margin core on, the mark is derived from the oracle and the book, and this command is read
/// as an exact oracle reading published now.
struct SetMarkPrice {
  MarketId market = 0;
  Price mark;
};

/// Advances command time: expires Day and GTD orders whose time has come.
struct ClockTick {};

struct SetMarketStatus {
  MarketId market = 0;
  MarketStatus status = MarketStatus::open;
};

/// Collateral paid in (USDC, 1e-6). The insurance fund's account id seeds the fund.
struct Deposit {
  AccountId account = 0;
  Quote amount;
};

/// Collateral paid out; rejected when it would leave free collateral negative.
struct Withdraw {
  AccountId account = 0;
  Quote amount;
};

/// An oracle reading for a market (from a configured source, a feed or the admin CLI).
struct SetOraclePrice {
  MarketId market = 0;
  Price price;                  ///< 1e-6
  Price confidence;             ///< 1e-6, half-width of the source's interval; 0 = exact
  TimestampNs publish_time = 0; ///< when the source published it
  bool fallback = false;        ///< from the fallback source
};

using CommandBody =
    std::variant<NewOrder, CancelOrder, ReplaceOrder, MassCancel, SetMarkPrice, ClockTick,
                 SetMarketStatus, Deposit, Withdraw, SetOraclePrice>;

struct Command {
  SeqNo seq = 0;       ///< stamped by the sequencer
  TimestampNs ts = 0;  ///< stamped by the sequencer: the only clock read
  CommandBody body;
};

}  // namespace qd
