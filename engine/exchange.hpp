#pragma once
// The matching engine: every market's book, order validation, order types and time in force,
// self-trade prevention, stops and expiry. It turns one stamped Command into the Events it
// causes and nothing else: no clock (command time is Command::ts), no I/O, no randomness, so the
// same command stream always yields the same events, byte for byte.

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/command.hpp"
#include "core/event.hpp"
#include "engine/event_emitter.hpp"
#include "engine/exchange_spec.hpp"
#include "engine/expiry_queue.hpp"
#include "engine/order_book.hpp"
#include "engine/order_pool.hpp"
#include "engine/order_tracker.hpp"
#include "engine/stop_book.hpp"
#include "risk/risk_engine.hpp"

namespace qd {

/// A market's changeable parameters in UpdateMarketParams' form, from its spec and (when the
/// margin core runs) its margin parameters; margin fields keep their defaults when risk is null.
MarketParams market_params_of(const MarketSpec& spec, const risk::MarketRiskParams* risk);
/// r with the margin fields UpdateMarketParams changes taken from p; the rest (config only) kept.
risk::MarketRiskParams with_params(risk::MarketRiskParams r, const MarketParams& p);

class Exchange {
 public:
  explicit Exchange(const ExchangeSpec& spec, size_t pool_capacity = OrderPool::default_capacity);

  /// Applies one command (already stamped with seq and ts) and appends its events to out.
  void process(const Command& command, std::vector<Event>& out);
  /// Hint from a batch: a coming command names an order; start loading its index entry so the
  /// batch's cancels and replaces do not each stall on memory. Changes nothing.
  void prefetch(const CommandBody& command) const;

  // --- read-only views for market data, admin and tests (engine thread only)
  size_t market_count() const { return markets_.size(); }
  const MarketSpec& market(MarketId id) const { return markets_[id]->spec; }
  const OrderBook& book(MarketId id) const { return markets_[id]->book; }
  std::optional<Price> mark(MarketId id) const { return markets_[id]->mark; }
  Price price_of_ticks(MarketId id, Ticks t) const {
    return Price(t * markets_[id]->spec.tick_size.raw);
  }
  const OrderRecord* order(OrderId id) const;
  size_t live_orders() const { return orders_.size(); }
  OrderId next_order_id() const { return next_order_id_; }
  std::optional<MarketId> find_market(std::string_view symbol) const;
  /// Command time at which a ClockTick would next change something (an expiry), or INT64_MAX.
  /// The sequencer sequences ticks only when one is due, so an idle venue journals nothing.
  TimestampNs next_deadline() const;
  /// A market's changeable parameters as they stand (UpdateMarketParams' form); the margin
  /// fields keep their defaults when the exchange runs matching only.
  MarketParams market_params(MarketId id) const;
  /// What UpdateMarketParams would refuse in these values ("" = they would apply).
  std::string check_market_params(MarketId id, const MarketParams& p) const;
  /// An account's settings; nullptr when the account does not exist.
  const AccountSpec* account_spec(AccountId id) const { return account(id); }
  /// The margin core, or nullptr when the exchange runs matching only.
  const risk::RiskEngine* risk() const { return risk_.get(); }

 private:
  struct Market {
    Market(const MarketSpec& s, OrderPool& pool) : spec(s), book(pool, s.id) {}
    MarketSpec spec;
    OrderBook book;
    std::optional<Price> mark;
    StopBook stops;
    Price last_trade;      ///< 1e-6, 0 before the first trade
    bool touched = false;  ///< the book changed during the current command
  };

  void new_order(const NewOrder& c, EventEmitter& e);
  void cancel_order(const CancelOrder& c, EventEmitter& e);
  void replace_order(const ReplaceOrder& c, EventEmitter& e);
  void mass_cancel(const MassCancel& c, EventEmitter& e);
  void set_mark(const SetMarkPrice& c, EventEmitter& e);
  void clock_tick(EventEmitter& e);
  void set_status(const SetMarketStatus& c, EventEmitter& e);
  // Config commands (exchange_config.cpp).
  void update_market(const UpdateMarketParams& c, EventEmitter& e);
  void update_account(const UpdateAccount& c, EventEmitter& e);
  // Margin core (exchange_risk.cpp).
  void deposit(const Deposit& c, EventEmitter& e);
  void withdraw(const Withdraw& c, EventEmitter& e);
  void set_oracle(const SetOraclePrice& c, EventEmitter& e);
  /// The margin core's decision on an order about to work; none when it may go ahead.
  RejectReason risk_check(const OrderRecord& r, Price price, Qty qty, risk::OrderCheck& out) const;
  void risk_rested(const OrderRecord& r, Qty qty);
  void risk_removed(const OrderRecord& r, Qty qty);
  void risk_reduced(const OrderRecord& r, Qty qty);
  /// A new mark: record it, tell the desks, and run the stops it triggers (once per command).
  void mark_changed(Market& m, Price mark, EventEmitter& e);
  void trigger_stops(Market& m, EventEmitter& e);
  /// After a command: refresh the marks of changed books, then liquidate what needs it.
  void after_command(EventEmitter& e);
  void refresh_mark(Market& m, EventEmitter& e);
  void liquidation_pass(EventEmitter& e);
  void emit_deficit(const risk::DeficitCovered& d, EventEmitter& e);
  /// Takes an order out of its book (or the stop book) and releases its margin exposure.
  void take_out(Market& m, OrderRecord& r);

  /// Checks a new order against the market and account; none when acceptable.
  RejectReason validate(const NewOrder& c, TimestampNs now) const;
  RejectReason validate_price_qty(const Market& m, OrderType type, Side side, Price price,
                                  Qty qty) const;
  /// The worst price a market order may reach: the mark moved by the band, on the tick grid.
  Price protection_price(const Market& m, Side side) const;
  /// Runs a (triggered or new) working order through the book: match, then rest or cancel the
  /// remainder as its type and time in force say.
  void work(Market& m, OrderRecord& taker, EventEmitter& e);
  void rest(Market& m, OrderRecord& r, int64_t leaves);
  void finish_canceled(OrderRecord& r, CancelReason why, EventEmitter& e,
                       const ClientOrderId* request_id = nullptr);
  OrderRecord* resolve(const OrderRef& ref, const Origin& origin, MarketId market);
  const AccountSpec* account(AccountId id) const;

  friend class TakerMatch;
  friend struct SnapshotCodec;  // engine/snapshot.cpp: saves and restores every member

  std::unique_ptr<OrderPool> pool_;  // before markets_: their books point into it
  std::unique_ptr<risk::RiskEngine> risk_;
  std::vector<std::unique_ptr<Market>> markets_;
  std::unordered_map<AccountId, AccountSpec> accounts_;
  OrderTracker orders_;
  ExpiryQueue expiries_;
  OrderId next_order_id_ = 1;
  TimestampNs now_ = 0;
  TimestampNs last_tick_ = 0;      ///< time of the last ClockTick (funding samples need ticks)
  TimestampNs risk_tick_interval_ = INT64_MAX;  ///< shortest funding sample interval
  bool margins_changed_ = false;   ///< fills or prices moved during the current command
};

}  // namespace qd
