#pragma once
// A small venue for end-to-end engine tests: four markets, a handful of accounts with different
// self-trade settings, command builders and typed access to the events a command produced.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/exchange.hpp"

namespace qd::test {

/// Whole USDC as a price (1e-6 units).
constexpr Price usd(int64_t whole) {
  return Price(whole * PRICE_PRECISION);
}
/// Whole USDC as a quote amount (1e-6 units).
constexpr Quote usdc(int64_t whole) {
  return Quote(whole * QUOTE_PRECISION);
}
/// BTC-PERP's lot: 0.001 BTC in 1e-9 units.
constexpr int64_t LOT = QTY_PRECISION / 1000;
constexpr Qty lots(int64_t n) {
  return Qty(n * LOT);
}

// Markets (ids are their index).
constexpr MarketId BTC = 0;     ///< tick 1 USDC, lot 0.001, band 5%, Day ends 00:00 UTC
constexpr MarketId ETH = 1;     ///< tick 0.01 USDC, lot 0.01, band 10%, Day ends 21:00 UTC
constexpr MarketId LIM = 2;     ///< like BTC with size and notional limits
constexpr MarketId NOMARK = 3;  ///< like BTC, never given a mark by the fixture
constexpr MarketId NO_SUCH_MARKET = 9;

// Accounts.
constexpr AccountId ALICE = 1;    ///< default STP cancel_resting
constexpr AccountId BOB = 2;      ///< default STP cancel_resting
constexpr AccountId CAROL = 3;    ///< STP group 7
constexpr AccountId DAVE = 4;     ///< STP group 7
constexpr AccountId ERIN = 5;     ///< disabled
constexpr AccountId FRANK = 6;    ///< at most 2 open orders
constexpr AccountId GRACE = 7;    ///< default STP none
constexpr AccountId HEIDI = 8;    ///< default STP decrement_and_cancel
constexpr AccountId NOBODY = 99;  ///< not configured
constexpr StpGroupId GROUP_7 = 7;

/// Each account's FIX session is its id + 100; session 0 is the venue itself.
constexpr SessionId session_of(AccountId a) {
  return a + 100;
}
constexpr Origin as(AccountId a) {
  return Origin{a, session_of(a)};
}
constexpr Origin VENUE{0, 0};

// 2024-01-02 10:00:00 UTC: the fixture's start time.
constexpr TimestampNs NS = 1'000'000'000;
constexpr TimestampNs HOUR = 3600 * NS;
constexpr TimestampNs DAY = 24 * HOUR;
constexpr TimestampNs JAN_2_2024 = 1'704'153'600 * NS;
constexpr TimestampNs T0 = JAN_2_2024 + 10 * HOUR;

constexpr Price BTC_MARK = usd(50'000);

inline ExchangeSpec fixture_spec() {
  ExchangeSpec spec;
  MarketSpec btc;
  btc.symbol = "BTC-PERP";
  btc.tick_size = usd(1);
  btc.lot_size = lots(1);
  btc.price_band_bps = 500;
  MarketSpec eth;
  eth.symbol = "ETH-PERP";
  eth.tick_size = Price(PRICE_PRECISION / 100);
  eth.lot_size = Qty(QTY_PRECISION / 100);
  eth.price_band_bps = 1000;
  eth.day_end_offset_ns = 21 * HOUR;
  MarketSpec lim = btc;
  lim.symbol = "LIM-PERP";
  lim.min_size = lots(5);                 // 0.005 BTC
  lim.min_notional = usdc(100);           // $100
  lim.max_order_size = lots(1000);        // 1 BTC
  lim.max_order_notional = usdc(51'000);  // $51,000
  MarketSpec nomark = btc;
  nomark.symbol = "NOMARK-PERP";
  spec.markets = {btc, eth, lim, nomark};

  auto acct = [](AccountId id) {
    AccountSpec a;
    a.id = id;
    return a;
  };
  AccountSpec carol = acct(CAROL), dave = acct(DAVE), erin = acct(ERIN), frank = acct(FRANK),
              grace = acct(GRACE), heidi = acct(HEIDI);
  carol.stp_group = dave.stp_group = GROUP_7;
  erin.enabled = false;
  frank.max_open_orders = 2;
  grace.stp_mode = StpMode::none;
  heidi.stp_mode = StpMode::decrement_and_cancel;
  spec.accounts = {acct(ALICE), acct(BOB), carol, dave, erin, frank, grace, heidi};
  return spec;
}

/// Short names for event kinds, so a command's events read as one line.
inline std::string kind(const Event& e) {
  return std::visit(
      [](const auto& b) -> std::string {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, OrderAccepted>)
          return "accepted";
        else if constexpr (std::is_same_v<T, OrderRejected>)
          return "rejected";
        else if constexpr (std::is_same_v<T, OrderTriggered>)
          return "triggered";
        else if constexpr (std::is_same_v<T, OrderFilled>)
          return "filled";
        else if constexpr (std::is_same_v<T, OrderCanceled>)
          return "canceled";
        else if constexpr (std::is_same_v<T, OrderRestated>)
          return "restated";
        else if constexpr (std::is_same_v<T, OrderReplaced>)
          return "replaced";
        else if constexpr (std::is_same_v<T, CancelRejected>)
          return "cancel_rejected";
        else if constexpr (std::is_same_v<T, MassCancelDone>)
          return "mass_done";
        else if constexpr (std::is_same_v<T, MarkPriceSet>)
          return "mark_set";
        else if constexpr (std::is_same_v<T, MarketStatusChanged>)
          return "status_changed";
        else if constexpr (std::is_same_v<T, CollateralRejected>)
          return "collateral_rejected";
        else if constexpr (std::is_same_v<T, ConfigChanged>)
          return "config_changed";
        else
          return "other";  // the margin core's events
      },
      e.body);
}
inline std::vector<std::string> kinds(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(kind(e));
  return out;
}
using Kinds = std::vector<std::string>;

/// The event at i as T; a failed expectation (and a throw) when it is something else.
template <class T>
const T& as_event(const std::vector<Event>& events, size_t i) {
  if (i >= events.size()) throw std::out_of_range("no event " + std::to_string(i));
  return std::get<T>(events[i].body);
}

/// A fresh exchange over fixture_spec() at T0, with marks on every market but NOMARK.
class Venue {
 public:
  Venue() : ex(fixture_spec(), 1 << 16) {
    run(SetMarkPrice{BTC, BTC_MARK});
    run(SetMarkPrice{ETH, usd(3'000)});
    run(SetMarkPrice{LIM, BTC_MARK});
  }

  /// Every book's self-check; "" when all are sound.
  std::string validate_books() const {
    for (MarketId m = 0; m < ex.market_count(); ++m) {
      if (std::string err = ex.book(m).validate_internal_state(); !err.empty())
        return "market " + std::to_string(m) + ": " + err;
    }
    return {};
  }

  /// Processes one command at the current time; returns its events.
  std::vector<Event> run(CommandBody body) {
    std::vector<Event> out;
    ex.process(Command{++seq, now, std::move(body)}, out);
    last_seq = seq;
    return out;
  }
  std::vector<Event> tick_at(TimestampNs t) {
    now = t;
    return run(ClockTick{});
  }

  static NewOrder limit(AccountId a, Side side, Price px, Qty qty, std::string_view cl,
                        TimeInForce tif = TimeInForce::gtc, MarketId market = BTC) {
    NewOrder o;
    o.origin = as(a);
    o.market = market;
    o.client_id = ClientOrderId(cl);
    o.side = side;
    o.type = OrderType::limit;
    o.tif = tif;
    o.price = px;
    o.qty = qty;
    return o;
  }
  static NewOrder market_order(AccountId a, Side side, Qty qty, std::string_view cl,
                               MarketId market = BTC) {
    NewOrder o = limit(a, side, Price(0), qty, cl, TimeInForce::ioc, market);
    o.type = OrderType::market;
    return o;
  }
  static NewOrder stop(AccountId a, Side side, OrderType type, Price stop_px, Price px, Qty qty,
                       std::string_view cl, MarketId market = BTC) {
    NewOrder o = limit(a, side, px, qty, cl, TimeInForce::gtc, market);
    o.type = type;
    o.stop_price = stop_px;
    return o;
  }
  static CancelOrder cancel(AccountId a, OrderId id, std::string_view cl, MarketId market = BTC) {
    return CancelOrder{as(a), market, OrderRef{id, {}}, ClientOrderId(cl)};
  }
  static CancelOrder cancel_by_client_id(AccountId a, std::string_view orig, std::string_view cl,
                                         MarketId market = BTC) {
    return CancelOrder{as(a), market, OrderRef{0, ClientOrderId(orig)}, ClientOrderId(cl)};
  }
  static ReplaceOrder replace(AccountId a, OrderId id, Side side, Price px, Qty qty,
                              std::string_view cl, MarketId market = BTC) {
    ReplaceOrder r;
    r.origin = as(a);
    r.market = market;
    r.ref.order_id = id;
    r.client_id = ClientOrderId(cl);
    r.side = side;
    r.price = px;
    r.qty = qty;
    return r;
  }

  /// Enters an order that must be accepted and returns its id.
  OrderId place(const NewOrder& o) {
    std::vector<Event> ev = run(o);
    if (ev.empty() || !std::holds_alternative<OrderAccepted>(ev[0].body)) {
      ADD_FAILURE() << "order " << o.client_id.view()
                    << " not accepted: " << (ev.empty() ? "no events" : kind(ev[0]));
      return 0;
    }
    return as_event<OrderAccepted>(ev, 0).order.order_id;
  }
  OrderId rest(AccountId a, Side side, int64_t px, int64_t n_lots, std::string_view cl,
               MarketId market = BTC) {
    return place(limit(a, side, usd(px), lots(n_lots), cl, TimeInForce::gtc, market));
  }

  /// Resting orders of one side as (id, price in USDC, lots), best first.
  std::vector<std::tuple<OrderId, int64_t, int64_t>> book_side(Side side, MarketId m = BTC) const {
    std::vector<std::tuple<OrderId, int64_t, int64_t>> out;
    const OrderBook& b = ex.book(m);
    const int64_t tick = ex.market(m).tick_size.raw;
    b.for_each_order(side, [&](const BookOrder& o) {
      out.emplace_back(o.id, b.price_of(o) * tick / PRICE_PRECISION, o.qty / LOT);
    });
    return out;
  }
  using Side3 = std::vector<std::tuple<OrderId, int64_t, int64_t>>;

  Exchange ex;
  SeqNo seq = 0;
  SeqNo last_seq = 0;
  TimestampNs now = T0;
};

class ExchangeTest : public ::testing::Test, public Venue {
 protected:
  void TearDown() override { EXPECT_EQ(validate_books(), ""); }
};

}  // namespace qd::test
