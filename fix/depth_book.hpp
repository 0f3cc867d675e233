#pragma once
// The public view of every market built only from the engine's committed events: aggregated
// price levels (quantity and order count per price), trades, and the market statistics market
// data publishes (oracle/index price, mark price, funding rate, open interest). No engine state
// is read, so replaying the journal rebuilds it exactly.
//
// What the events do not say and how it is inferred:
// - Whether an order rests: OrderState carries the open quantity but not "resting". An order
//   rests while it is open (leaves > 0, not terminal) and works as a limit order: type limit, or
//   a stop-limit after its OrderTriggered. Untriggered stops, market and stop-market orders
//   never rest. Within one command an order may show as open before its own taker fills or IOC
//   cancel; callers read the book between batches (whole commands), never in between.
// - A triggered stop-limit that does not trade rests with no further event: OrderTriggered is
//   the event that puts it on the book.
// - Open interest (long side = short side) is summed from positions: OrderFilled.position_after
//   and AutoDeleveraged.counterparty_position_after are absolute; the bankrupt account's side of
//   an AutoDeleveraged and both sides of an InsuranceTakeover (the account and the insurance
//   fund) are applied as the trade's quantity, since those events carry no position after.
//   position_after is 0 when the margin core is off: open interest is then not published.
//
// Not thread-safe: one owner (the market data service applies events under its lock).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"
#include "core/serialization.hpp"

namespace qd::fix {

/// One aggregated price level.
struct DepthLevel {
  Price price;          ///< 1e-6
  Qty qty;              ///< sum of the open quantity resting at this price (1e-9)
  uint32_t orders = 0;  ///< resting orders at this price
  bool operator==(const DepthLevel&) const = default;
};

/// One trade on the book (liquidation orders included; insurance takeovers and ADL are not
/// book trades and are not printed).
struct DepthTrade {
  MarketId market = 0;
  TradeId trade_id;
  Price price;  ///< the resting order's price (1e-6)
  Qty qty;      ///< 1e-9
  Side aggressor = Side::buy;
  TimestampNs ts = 0;  ///< the taker command's time
};

/// The statistics of one market; each is unset until its first event.
struct MarketStats {
  std::optional<Price> oracle;          ///< last oracle (index) price, 1e-6
  std::optional<Price> mark;            ///< last mark price, 1e-6
  std::optional<int64_t> funding_rate;  ///< last applied funding rate per interval, 1e-9
  TimestampNs funding_ts = 0;           ///< when it was applied
  std::optional<Qty> open_interest;     ///< long open interest (= short), 1e-9
  std::optional<DepthTrade> last_trade;
  bool operator==(const MarketStats&) const = default;
};

class DepthBook {
 public:
  explicit DepthBook(size_t market_count);

  /// Applies one committed event. Events of unknown markets are ignored.
  void apply(const Event& e);
  void apply(std::span<const Event> events) {
    for (const Event& e : events) apply(e);
  }

  size_t market_count() const { return markets_.size(); }
  /// Levels of one side, best first (bids descending, asks ascending); at most `depth` (0 = all).
  std::vector<DepthLevel> levels(MarketId market, Side side, size_t depth = 0) const;
  const MarketStats& stats(MarketId market) const { return markets_.at(market).stats; }

  /// Trades since the last take_trades(), in order.
  std::vector<DepthTrade> take_trades();
  /// Markets whose levels or statistics changed since the last take_dirty(), ascending.
  std::vector<MarketId> take_dirty();

  /// Orders currently tracked (resting or waiting for a trigger).
  size_t tracked_orders() const { return orders_.size(); }

  /// The book as bytes, keys in order, so equal books give equal bytes (restart snapshots).
  /// Trades not yet taken and the dirty marks are not part of it: a restored book has no trades
  /// to print and every market dirty (published afresh).
  void save(ByteWriter& out) const;
  /// Replaces this book with one saved by save() for the same number of markets. Throws
  /// std::runtime_error on malformed input and then leaves this book unchanged.
  void restore(ByteReader& in);

 private:
  struct Tracked {
    MarketId market = 0;
    Side side = Side::buy;
    Price price;
    Qty resting;          ///< what it contributes to its level; 0 when not resting
    bool active = false;  ///< works on the book (limit, or triggered stop)
  };
  struct LevelAgg {
    int64_t qty = 0;  ///< 1e-9
    uint32_t orders = 0;
  };
  struct Market {
    std::map<int64_t, LevelAgg, std::greater<>> bids;  ///< by price raw, best first
    std::map<int64_t, LevelAgg> asks;
    MarketStats stats;
    bool dirty = false;
  };

  void on_state(const OrderState& s, bool triggered);
  void on_gone(const OrderState& s);
  void set_resting(Tracked& t, const OrderState& s, Qty resting);
  void add_level(MarketId m, Side side, Price price, Qty qty, int orders);
  void set_position(MarketId m, AccountId a, Qty base);
  void add_position(MarketId m, AccountId a, Side side, Qty qty);

  std::vector<Market> markets_;
  std::unordered_map<OrderId, Tracked> orders_;
  std::map<std::pair<MarketId, AccountId>, int64_t> positions_;  ///< signed base, 1e-9
  std::vector<int64_t> long_oi_;                                 ///< per market, 1e-9
  std::vector<DepthTrade> trades_;
};

}  // namespace qd::fix
