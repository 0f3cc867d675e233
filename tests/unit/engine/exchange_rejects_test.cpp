// Every RejectReason the engine produces, one named row each (some reasons several ways), each
// on a fresh venue: the command gets exactly one reject carrying the reason and changes nothing
// else. A last test holds the list of reasons the engine cannot produce, so a new reason fails
// here until it is covered or listed.

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <set>
#include <vector>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

struct RejectCase {
  const char* name;
  RejectReason want;
  /// Prepares the venue (resting orders, status) and returns the command to refuse.
  std::function<CommandBody(Venue&)> make;
};

/// A valid LIM-PERP order: 10 lots (0.01 BTC) at the 50,000 mark, $500 notional.
NewOrder good(std::string_view cl = "R1") {
  return Venue::limit(ALICE, Side::buy, usd(50'000), lots(10), cl, TimeInForce::gtc, LIM);
}
template <class F>
std::function<CommandBody(Venue&)> new_order(F edit) {
  return [edit](Venue&) -> CommandBody {
    NewOrder o = good();
    edit(o);
    return o;
  };
}
/// A resting LIM order of Alice's ("R0", 10 lots at 49,000) and a replace of it to edit.
template <class F>
std::function<CommandBody(Venue&)> replace_of_resting(F edit) {
  return [edit](Venue& v) -> CommandBody {
    const OrderId id =
        v.place(Venue::limit(ALICE, Side::buy, usd(49'000), lots(10), "R0", TimeInForce::gtc, LIM));
    ReplaceOrder r = Venue::replace(ALICE, id, Side::buy, usd(49'000), lots(8), "R1", LIM);
    edit(v, r);
    return r;
  };
}
std::function<CommandBody(Venue&)> with_status(MarketStatus st,
                                               std::function<CommandBody(Venue&)> f) {
  return [st, f](Venue& v) -> CommandBody {
    CommandBody c = f(v);
    v.run(SetMarketStatus{LIM, st});
    return c;
  };
}

constexpr int64_t max32 = std::numeric_limits<int32_t>::max();

std::vector<RejectCase> reject_cases() {
  return {
      // --- new orders: market and account
      {"UnknownMarket", RejectReason::unknown_market,
       new_order([](NewOrder& o) { o.market = NO_SUCH_MARKET; })},
      {"MarketHalted", RejectReason::market_halted,
       with_status(MarketStatus::halted, new_order([](NewOrder&) {}))},
      {"MarketClosed", RejectReason::market_closed,
       with_status(MarketStatus::closed, new_order([](NewOrder&) {}))},
      {"UnknownAccount", RejectReason::unknown_account,
       new_order([](NewOrder& o) { o.origin = as(NOBODY); })},
      {"AccountDisabled", RejectReason::account_disabled,
       new_order([](NewOrder& o) { o.origin = as(ERIN); })},
      {"EmptyClOrdId", RejectReason::client_order_id_too_long,
       new_order([](NewOrder& o) { o.client_id = ClientOrderId(); })},
      {"TooManyOpenOrders", RejectReason::too_many_open_orders,
       [](Venue& v) -> CommandBody {
         v.rest(FRANK, Side::buy, 49'000, 1, "F1");
         v.place(Venue::stop(FRANK, Side::buy, OrderType::stop_market, usd(51'000), Price(0),
                             lots(1), "F2"));
         return Venue::limit(FRANK, Side::buy, usd(49'000), lots(1), "F3");
       }},
      {"DuplicateLiveClOrdId", RejectReason::duplicate_client_order_id,
       [](Venue& v) -> CommandBody {
         v.place(good("R1"));
         return good("R1");
       }},
      // --- quantity
      {"ZeroQuantity", RejectReason::invalid_quantity,
       new_order([](NewOrder& o) { o.qty = Qty(0); })},
      {"NegativeQuantity", RejectReason::invalid_quantity,
       new_order([](NewOrder& o) { o.qty = Qty(-LOT); })},
      {"OffLot", RejectReason::quantity_not_on_lot,
       new_order([](NewOrder& o) { o.qty = Qty(10 * LOT + 1); })},
      {"BelowMinSize", RejectReason::below_min_size,
       new_order([](NewOrder& o) { o.qty = lots(4); })},
      {"AboveMaxSize", RejectReason::above_max_order_size,
       new_order([](NewOrder& o) { o.qty = lots(1001); })},
      // --- price
      {"ZeroPrice", RejectReason::invalid_price,
       new_order([](NewOrder& o) { o.price = Price(0); })},
      {"NegativePrice", RejectReason::invalid_price,
       new_order([](NewOrder& o) { o.price = usd(-50'000); })},
      {"OffTick", RejectReason::price_not_on_tick,
       new_order([](NewOrder& o) { o.price = Price(50'000'500'000); })},
      {"BuyAboveBand", RejectReason::outside_price_band,
       new_order([](NewOrder& o) { o.price = usd(52'501); })},
      {"SellBelowBand", RejectReason::outside_price_band, new_order([](NewOrder& o) {
         o.side = Side::sell;
         o.price = usd(47'499);
       })},
      {"BeyondTheBooksPriceRange", RejectReason::outside_price_band,
       [](Venue& v) -> CommandBody {
         v.rest(BOB, Side::buy, 100, 1, "B1", NOMARK);  // anchors NOMARK's book at 100
         return Venue::limit(ALICE, Side::sell, usd(100 + max32), lots(1), "R1", TimeInForce::gtc,
                             NOMARK);
       }},
      {"MarketOrderWithoutMark", RejectReason::no_reference_price,
       [](Venue&) -> CommandBody {
         return Venue::market_order(ALICE, Side::buy, lots(1), "R1", NOMARK);
       }},
      // --- notional: $99.995 and $51,001
      {"BelowMinNotional", RejectReason::below_min_notional, new_order([](NewOrder& o) {
         o.qty = lots(5);
         o.price = usd(19'999);
       })},
      {"AboveMaxNotional", RejectReason::above_max_order_notional, new_order([](NewOrder& o) {
         o.qty = lots(1000);
         o.price = usd(51'001);
       })},
      {"MarketOrderAboveMaxNotional", RejectReason::above_max_order_notional,
       new_order([](NewOrder& o) {
         o.type = OrderType::market;  // valued at the 52,500 protection price
         o.tif = TimeInForce::ioc;
         o.qty = lots(972);
       })},
      // --- type combinations
      {"PostOnlyMarket", RejectReason::invalid_order_type, new_order([](NewOrder& o) {
         o.type = OrderType::market;
         o.post_only = true;
       })},
      {"PostOnlyIoc", RejectReason::invalid_order_type, new_order([](NewOrder& o) {
         o.tif = TimeInForce::ioc;
         o.post_only = true;
       })},
      {"PostOnlyFok", RejectReason::invalid_order_type, new_order([](NewOrder& o) {
         o.tif = TimeInForce::fok;
         o.post_only = true;
       })},
      {"PostOnlyStopMarket", RejectReason::invalid_order_type, new_order([](NewOrder& o) {
         o.type = OrderType::stop_market;
         o.stop_price = usd(51'000);
         o.post_only = true;
       })},
      {"PostOnlyStopLimit", RejectReason::invalid_order_type, new_order([](NewOrder& o) {
         o.type = OrderType::stop_limit;
         o.stop_price = usd(51'000);
         o.post_only = true;
       })},
      {"PostOnlyWouldTake", RejectReason::post_only_would_take,
       [](Venue& v) -> CommandBody {
         v.rest(BOB, Side::sell, 50'000, 10, "B1", LIM);
         NewOrder o = good();
         o.post_only = true;
         return o;
       }},
      // --- stops
      {"StopWithoutStopPrice", RejectReason::missing_stop_price,
       new_order([](NewOrder& o) { o.type = OrderType::stop_market; })},
      {"StopLimitNegativeStop", RejectReason::missing_stop_price, new_order([](NewOrder& o) {
         o.type = OrderType::stop_limit;
         o.stop_price = usd(-1);
       })},
      {"StopOffTick", RejectReason::price_not_on_tick, new_order([](NewOrder& o) {
         o.type = OrderType::stop_limit;
         o.stop_price = Price(51'000'000'001);
       })},
      {"BuyStopAtTheMark", RejectReason::stop_price_already_triggered, new_order([](NewOrder& o) {
         o.type = OrderType::stop_market;
         o.stop_price = BTC_MARK;
       })},
      {"SellStopAboveTheMark", RejectReason::stop_price_already_triggered,
       new_order([](NewOrder& o) {
         o.side = Side::sell;
         o.type = OrderType::stop_limit;
         o.stop_price = usd(50'001);
       })},
      // --- expiry
      {"GtdWithoutExpireTime", RejectReason::invalid_expire_time,
       new_order([](NewOrder& o) { o.tif = TimeInForce::gtd; })},
      {"GtdExpiringNow", RejectReason::invalid_expire_time, new_order([](NewOrder& o) {
         o.tif = TimeInForce::gtd;
         o.expire_time = T0;
       })},
      {"GtdInThePast", RejectReason::invalid_expire_time, new_order([](NewOrder& o) {
         o.tif = TimeInForce::gtd;
         o.expire_time = T0 - HOUR;
       })},
      // --- cancel
      {"CancelUnknownMarket", RejectReason::unknown_market,
       [](Venue&) -> CommandBody { return Venue::cancel(ALICE, 1, "X1", NO_SUCH_MARKET); }},
      {"CancelUnknownOrder", RejectReason::unknown_order,
       [](Venue&) -> CommandBody { return Venue::cancel(ALICE, 424242, "X1", LIM); }},
      {"CancelOthersOrder", RejectReason::unknown_order,
       [](Venue& v) -> CommandBody {
         const OrderId bobs = v.rest(BOB, Side::sell, 51'000, 10, "B1", LIM);
         return Venue::cancel(ALICE, bobs, "X1", LIM);
       }},
      // --- replace
      {"ReplaceUnknownMarket", RejectReason::unknown_market,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.market = NO_SUCH_MARKET; })},
      {"ReplaceUnknownOrder", RejectReason::unknown_order,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.ref.order_id = 424242; })},
      {"ReplaceOthersOrder", RejectReason::unknown_order,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.origin = as(BOB); })},
      {"ReplaceHalted", RejectReason::market_halted,
       replace_of_resting([](Venue& v, ReplaceOrder&) {
         v.run(SetMarketStatus{LIM, MarketStatus::halted});
       })},
      {"ReplaceChangesSide", RejectReason::replace_changes_side,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.side = Side::sell; })},
      {"ReplaceEmptyClOrdId", RejectReason::client_order_id_too_long,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.client_id = ClientOrderId(); })},
      {"ReplaceToLiveClOrdId", RejectReason::duplicate_client_order_id,
       replace_of_resting([](Venue& v, ReplaceOrder& r) {
         v.rest(ALICE, Side::buy, 48'000, 10, "TAKEN", LIM);
         r.client_id = ClientOrderId("TAKEN");
       })},
      {"ReplaceZeroQuantity", RejectReason::invalid_quantity,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.qty = Qty(0); })},
      {"ReplaceOffLot", RejectReason::quantity_not_on_lot,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.qty = Qty(8 * LOT + 7); })},
      {"ReplaceBelowMinSize", RejectReason::below_min_size,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.qty = lots(1); })},
      {"ReplaceAboveMaxSize", RejectReason::above_max_order_size,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.qty = lots(2000); })},
      {"ReplaceZeroPrice", RejectReason::invalid_price,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.price = Price(0); })},
      {"ReplaceOffTick", RejectReason::price_not_on_tick,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.price = Price(49'000'000'010); })},
      {"ReplaceOutsideBand", RejectReason::outside_price_band,
       replace_of_resting([](Venue&, ReplaceOrder& r) { r.price = usd(60'000); })},
      {"ReplaceBelowMinNotional", RejectReason::below_min_notional,
       replace_of_resting([](Venue&, ReplaceOrder& r) {
         r.qty = lots(5);
         r.price = usd(10'000);
       })},
      {"ReplaceAboveMaxNotional", RejectReason::above_max_order_notional,
       replace_of_resting([](Venue&, ReplaceOrder& r) {
         r.qty = lots(1000);
         r.price = usd(52'000);
       })},
      {"ReplaceBelowFilled", RejectReason::replace_below_filled,
       replace_of_resting([](Venue& v, ReplaceOrder&) {
         v.run(Venue::limit(BOB, Side::sell, usd(49'000), lots(8), "B1", TimeInForce::ioc, LIM));
       })},
      {"ReplacePostOnlyWouldTake", RejectReason::post_only_would_take,
       [](Venue& v) -> CommandBody {
         v.rest(BOB, Side::sell, 50'000, 10, "B1", LIM);
         NewOrder o = good("R0");
         o.price = usd(49'000);
         o.post_only = true;
         const OrderId id = v.place(o);
         return Venue::replace(ALICE, id, Side::buy, usd(50'000), lots(10), "R1", LIM);
       }},
      {"ReplaceStopWithoutStopPrice", RejectReason::missing_stop_price,
       [](Venue& v) -> CommandBody {
         const OrderId id = v.place(Venue::stop(ALICE, Side::buy, OrderType::stop_market,
                                                usd(51'000), Price(0), lots(10), "R0", LIM));
         return Venue::replace(ALICE, id, Side::buy, Price(0), lots(10), "R1", LIM);
       }},
      {"ReplaceStopAlreadyReached", RejectReason::stop_price_already_triggered,
       [](Venue& v) -> CommandBody {
         const OrderId id = v.place(Venue::stop(ALICE, Side::buy, OrderType::stop_market,
                                                usd(51'000), Price(0), lots(10), "R0", LIM));
         ReplaceOrder r = Venue::replace(ALICE, id, Side::buy, Price(0), lots(10), "R1", LIM);
         r.stop_price = usd(49'000);
         return r;
       }},
      // --- collateral: the matching-only engine has no accounts' money to move
      {"DepositWithoutMarginCore", RejectReason::unsupported_message,
       [](Venue&) -> CommandBody {
         return Deposit{ALICE, usdc(1'000)};
       }},
      {"WithdrawWithoutMarginCore", RejectReason::unsupported_message,
       [](Venue&) -> CommandBody {
         return Withdraw{ALICE, usdc(1'000)};
       }},
      // --- mass cancel
      {"MassCancelUnknownMarket", RejectReason::unknown_market,
       [](Venue&) -> CommandBody {
         return MassCancel{as(ALICE), MassCancelScope::account_market, NO_SUCH_MARKET,
                           ClientOrderId("M1"), CancelReason::mass_cancel};
       }},
      {"MassCancelWholeMarketFromASession", RejectReason::role_not_permitted,
       [](Venue&) -> CommandBody {
         return MassCancel{as(ALICE), MassCancelScope::market, BTC, ClientOrderId("M2"),
                           CancelReason::mass_cancel};
       }},
  };
}

/// The reject a command got: the reason of its one OrderRejected / CancelRejected /
/// MassCancelDone / CollateralRejected, or a description of what came instead.
std::string outcome(const std::vector<Event>& ev, RejectReason& reason) {
  if (ev.size() != 1) return std::to_string(ev.size()) + " events";
  if (auto* r = std::get_if<OrderRejected>(&ev[0].body)) {
    reason = r->reason;
    return r->order.order_id == 0 && r->order.status == OrderStatus::rejected ? ""
                                                                              : "bad reject state";
  }
  if (auto* r = std::get_if<CancelRejected>(&ev[0].body)) {
    reason = r->reason;
    return "";
  }
  if (auto* r = std::get_if<CollateralRejected>(&ev[0].body)) {
    reason = r->reason;
    return "";
  }
  if (auto* r = std::get_if<MassCancelDone>(&ev[0].body)) {
    reason = r->reason;
    return r->canceled == 0 ? "" : "mass cancel cancelled something";
  }
  return "a " + kind(ev[0]) + " event";
}

void PrintTo(const RejectCase& c, std::ostream* os) {
  *os << c.name;
}

class RejectTable : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RejectTable, RefusesWithTheNamedReasonAndChangesNothing) {
  const RejectCase& c = GetParam();
  Venue v;
  const CommandBody cmd = c.make(v);
  const size_t live = v.ex.live_orders();
  const OrderId next = v.ex.next_order_id();
  RejectReason got = RejectReason::none;
  const std::vector<Event> ev = v.run(cmd);
  EXPECT_EQ(outcome(ev, got), "");
  EXPECT_EQ(got, c.want) << to_string(got) << " instead of " << to_string(c.want);
  EXPECT_EQ(v.ex.live_orders(), live);
  EXPECT_EQ(v.ex.next_order_id(), next);  // no order id spent on a reject
  EXPECT_EQ(v.validate_books(), "");
}

INSTANTIATE_TEST_SUITE_P(Engine, RejectTable, ::testing::ValuesIn(reject_cases()),
                         [](const ::testing::TestParamInfo<RejectCase>& i) {
                           return i.param.name;
                         });

TEST(RejectCoverage, EveryReasonIsProducedOrListedAsNotTheEngines) {
  // Reasons decided outside the engine, or that its rules make unreachable.
  const std::set<RejectReason> not_the_engines{
      RejectReason::none,
      // the gateway's
      RejectReason::throttled, RejectReason::system_busy, RejectReason::account_not_permitted,
      RejectReason::invalid_field,
      // ReplaceOrder carries no type, so a replace cannot change it
      RejectReason::replace_changes_type,
      // market orders (and triggered stop-markets) never outlive their command
      RejectReason::order_not_replaceable,
      // an unfillable FOK is accepted and then cancelled with CancelReason::fok_unfilled
      RejectReason::fok_not_fillable,
      // the margin core's, decided inside the engine when it runs with margin parameters: its
      // tests are in tests/unit/margin
      RejectReason::insufficient_margin, RejectReason::reduce_only_would_increase,
      RejectReason::max_position_exceeded, RejectReason::open_interest_cap_exceeded,
      RejectReason::oracle_invalid, RejectReason::withdrawal_exceeds_free_collateral,
      RejectReason::insufficient_collateral};
  std::set<RejectReason> covered;
  for (const RejectCase& c : reject_cases()) covered.insert(c.want);
  for (int raw = 0; raw < 1000; ++raw) {
    const RejectReason r = RejectReason(raw);
    if (std::string(to_string(r)) == "unknown reason") continue;  // not a defined value
    EXPECT_TRUE(covered.count(r) + not_the_engines.count(r) == 1)
        << raw << " (" << to_string(r) << ") must be either covered by a row or listed, not both";
  }
}

TEST(NotionalLimits, QuantityHasAnAbsoluteCapEvenWithoutAMarketLimit) {
  // LIM without a size cap: 10^15 base units (a million whole units) is the venue's hard limit,
  // which keeps every notional, level and account total far inside 64 bits.
  ExchangeSpec spec = fixture_spec();
  spec.markets[LIM].max_order_size = Qty(0);
  spec.markets[LIM].min_notional = Quote(0);
  spec.markets[LIM].max_order_notional = Quote(0);
  Exchange ex(spec, 1 << 16);
  std::vector<Event> out;
  ex.process(Command{1, T0, SetMarkPrice{LIM, BTC_MARK}}, out);
  out.clear();
  const Qty over_cap(1'000'000'000'000'000 + LOT);
  ex.process(
      Command{2, T0, Venue::limit(ALICE, Side::buy, BTC_MARK, over_cap, "R1", TimeInForce::gtc, LIM)},
      out);
  ASSERT_EQ(kinds(out), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(out, 0).reason, RejectReason::above_max_order_size);
  out.clear();
  const Qty at_cap(1'000'000'000'000'000);
  ex.process(
      Command{3, T0, Venue::limit(ALICE, Side::buy, BTC_MARK, at_cap, "R2", TimeInForce::gtc, LIM)},
      out);
  ASSERT_EQ(kinds(out), (Kinds{"accepted"}));
  EXPECT_EQ(ex.book(LIM).validate_internal_state(), "");
}

TEST(NotionalLimits, TheNotionalCapHoldsAtTheLargestQuantity) {
  // A million BTC at $50,000 against the $51,000 notional cap, for both sides and a market order.
  ExchangeSpec spec = fixture_spec();
  spec.markets[LIM].max_order_size = Qty(0);
  spec.markets[LIM].min_notional = Quote(0);
  Exchange ex(spec, 1 << 16);
  std::vector<Event> out;
  ex.process(Command{1, T0, SetMarkPrice{LIM, BTC_MARK}}, out);
  const Qty huge(1'000'000'000'000'000);
  for (Side side : {Side::buy, Side::sell}) {
    out.clear();
    ex.process(
        Command{2, T0, Venue::limit(ALICE, side, BTC_MARK, huge, "R1", TimeInForce::gtc, LIM)},
        out);
    ASSERT_EQ(kinds(out), (Kinds{"rejected"}));
    EXPECT_EQ(as_event<OrderRejected>(out, 0).reason, RejectReason::above_max_order_notional);
  }
  out.clear();
  NewOrder m = Venue::market_order(ALICE, Side::buy, huge, "R2", LIM);
  ex.process(Command{3, T0, m}, out);
  ASSERT_EQ(kinds(out), (Kinds{"rejected"}));
  EXPECT_EQ(as_event<OrderRejected>(out, 0).reason, RejectReason::above_max_order_notional);
  EXPECT_EQ(ex.live_orders(), 0u);
}

using BandTest = ExchangeTest;

TEST_F(BandTest, TheBandsEdgesAreInside) {
  // Mark 50,000, band 5%: a buy may bid 52,500 and a sell may offer 47,500, not a tick further.
  EXPECT_EQ(kinds(run(limit(ALICE, Side::buy, usd(52'500), lots(1), "A1"))), (Kinds{"accepted"}));
  EXPECT_EQ(kinds(run(limit(CAROL, Side::sell, usd(47'500), lots(1), "C1"))),
            (Kinds{"accepted", "filled", "filled"}));
  std::vector<Event> ev = run(limit(ALICE, Side::buy, usd(52'501), lots(1), "A2"));
  EXPECT_EQ(as_event<OrderRejected>(ev, 0).reason, RejectReason::outside_price_band);
  ev = run(limit(BOB, Side::sell, usd(47'499), lots(1), "B2"));
  EXPECT_EQ(as_event<OrderRejected>(ev, 0).reason, RejectReason::outside_price_band);
  // The band guards against paying too much or selling too cheap: the other way is free.
  EXPECT_EQ(kinds(run(limit(BOB, Side::sell, usd(60'000), lots(1), "B1"))), (Kinds{"accepted"}));
  EXPECT_EQ(kinds(run(limit(CAROL, Side::buy, usd(40'000), lots(1), "C2"))), (Kinds{"accepted"}));
}

TEST_F(BandTest, ClOrdIdsUpToTheLimitAreAccepted) {
  // Longer ones cannot reach the engine: ClientOrderId holds 64 characters and the gateway
  // refuses a longer ClOrdID before building the command.
  const std::string longest(ClientOrderId::max_size, 'x');
  std::vector<Event> ev = run(limit(ALICE, Side::buy, usd(49'000), lots(1), longest));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted"}));
  EXPECT_EQ(as_event<OrderAccepted>(ev, 0).order.client_id.view(), longest);
  EXPECT_EQ(kinds(run(cancel_by_client_id(ALICE, longest, "X1"))), (Kinds{"canceled"}));
}

}  // namespace
}  // namespace qd::test
