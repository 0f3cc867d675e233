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

/// The trading rules and margin parameters of one market that may change while it trades
/// (config reload). Tick, lot, the funding interval and the oracle's source are laid out at
/// start and are not here. Every value is an integer in the unit its comment names.
struct MarketParams {
  Qty min_size;                       ///< 1e-9 base; 0 = one lot
  Quote min_notional;                 ///< 1e-6 USDC; 0 = none
  Qty max_order_size;                 ///< 1e-9 base; 0 = none
  Quote max_order_notional;           ///< 1e-6 USDC; 0 = none
  int64_t price_band_bps = 500;       ///< limit prices within reference +/- band; 1..10000
  TimestampNs day_end_offset_ns = 0;  ///< Day orders placed from now on expire here (0..24 h)
  int64_t initial_margin_bps = 1000;
  int64_t maintenance_margin_bps = 500;  ///< 0 < maintenance < initial <= 10000
  int64_t imf_factor_ppm = 0;
  Qty max_position;       ///< 1e-9 base per account; 0 = none
  Qty open_interest_cap;  ///< 1e-9 base per side; 0 = none
  int64_t maker_fee_ppm = -200;
  int64_t taker_fee_ppm = 1'000;
  int64_t liquidation_fee_bps = 100;
  int64_t liquidation_buffer_bps = 200;
  int64_t gain_weight_bps = 10'000;              ///< unrealized gains counted for initial margin
  TimestampNs funding_sample_interval_ns = 5'000'000'000;
  Quote impact_margin_notional{500'000'000};     ///< 1e-6 USDC
  int64_t funding_interest_8h = 100'000;         ///< 1e-9 per 8 h
  int64_t funding_premium_clamp_8h = 500'000;    ///< 1e-9 per 8 h
  int64_t funding_max_hourly_rate = 1'250'000;   ///< 1e-9 per hour
  TimestampNs oracle_margin_staleness_ns = 60'000'000'000;
  TimestampNs oracle_fill_staleness_ns = 5'000'000'000;
  int64_t oracle_max_confidence_bps = 200;
  int64_t mark_band_bps = 100;  ///< mark within oracle +/- band
  bool operator==(const MarketParams&) const = default;
};

/// Replaces a market's changeable parameters as a whole, effective from this command on (orders
/// resting already keep their place; new orders and margin checks see the new values). Rejected
/// (ConfigChanged with a reason, nothing changed) for an unknown market or invalid values.
struct UpdateMarketParams {
  MarketId market = 0;
  MarketParams params;
};

/// Sets an account's trading settings, creating the account (with no collateral: fund it with
/// a Deposit) when it does not exist yet. Disabling cancels its open orders (CancelReason admin)
/// and refuses new ones. Rejected for account 0, the insurance fund, or max_open_orders 0.
struct UpdateAccount {
  AccountId account = 0;
  StpMode stp_mode = StpMode::cancel_resting;
  StpGroupId stp_group = 0;
  uint32_t max_open_orders = 1000;
  bool enabled = true;
};

using CommandBody =
    std::variant<NewOrder, CancelOrder, ReplaceOrder, MassCancel, SetMarkPrice, ClockTick,
                 SetMarketStatus, Deposit, Withdraw, SetOraclePrice, UpdateMarketParams,
                 UpdateAccount>;

struct Command {
  SeqNo seq = 0;       ///< stamped by the sequencer
  TimestampNs ts = 0;  ///< stamped by the sequencer: the only clock read
  CommandBody body;
};

}  // namespace qd
