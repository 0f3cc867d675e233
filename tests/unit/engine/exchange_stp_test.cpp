// Self-trade prevention through the exchange: each mode as an account default and as a per-order
// override, STP groups, and fill-or-kill orders that meet their own resting orders.

#include <gtest/gtest.h>

#include "tests/unit/engine/exchange_fixture.hpp"

namespace qd::test {
namespace {

using StpTest = ExchangeTest;

NewOrder with_stp(NewOrder o, StpMode mode) {
  o.has_stp_override = true;
  o.stp = mode;
  return o;
}

TEST_F(StpTest, AccountDefaultCancelRestingRemovesOwnOrderAndTradesOn) {
  const OrderId own = rest(ALICE, Side::sell, 50'000, 1, "A1");
  const OrderId other = rest(BOB, Side::sell, 50'000, 1, "B1");
  std::vector<Event> ev = run(limit(ALICE, Side::buy, usd(50'000), lots(2), "A2"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled", "filled", "filled"}));
  const OrderId taker = as_event<OrderAccepted>(ev, 0).order.order_id;
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 1);
  EXPECT_EQ(c.order.order_id, own);
  EXPECT_EQ(c.reason, CancelReason::stp_resting);
  EXPECT_EQ(c.canceled_qty, lots(1));
  EXPECT_EQ(c.order.status, OrderStatus::canceled);
  EXPECT_EQ(c.order.leaves_qty, Qty(0));
  EXPECT_EQ(as_event<OrderFilled>(ev, 2).order.order_id, other);
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).order.leaves_qty, lots(1));
  EXPECT_EQ(book_side(Side::buy), (Side3{{taker, 50'000, 1}}));
  EXPECT_TRUE(book_side(Side::sell).empty());
  EXPECT_EQ(ex.order(own), nullptr);
}

TEST_F(StpTest, OverrideCancelAggressingEndsTheIncomingOrder) {
  const OrderId other = rest(BOB, Side::sell, 50'000, 1, "B1");
  const OrderId own = rest(ALICE, Side::sell, 50'000, 1, "A1");
  const OrderId behind = rest(BOB, Side::sell, 50'001, 1, "B2");
  std::vector<Event> ev = run(
      with_stp(limit(ALICE, Side::buy, usd(50'001), lots(3), "A2"), StpMode::cancel_aggressing));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "canceled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).order.order_id, other);
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 3);
  EXPECT_EQ(c.order.client_id.view(), "A2");
  EXPECT_EQ(c.reason, CancelReason::stp_aggressing);
  EXPECT_EQ(c.canceled_qty, lots(2));
  EXPECT_EQ(c.order.cum_qty, lots(1));
  EXPECT_EQ(book_side(Side::sell), (Side3{{own, 50'000, 1}, {behind, 50'001, 1}}));
  EXPECT_TRUE(book_side(Side::buy).empty());
}

TEST_F(StpTest, OverrideCancelBothEndsBothOrders) {
  rest(BOB, Side::sell, 50'000, 1, "B1");
  const OrderId own = rest(ALICE, Side::sell, 50'000, 4, "A1");
  const OrderId behind = rest(BOB, Side::sell, 50'001, 1, "B2");
  std::vector<Event> ev =
      run(with_stp(limit(ALICE, Side::buy, usd(50'001), lots(3), "A2"), StpMode::cancel_both));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "canceled", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 3).order.order_id, own);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 3).reason, CancelReason::stp_resting);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 3).canceled_qty, lots(4));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 4).order.client_id.view(), "A2");
  EXPECT_EQ(as_event<OrderCanceled>(ev, 4).reason, CancelReason::stp_aggressing);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 4).canceled_qty, lots(2));
  EXPECT_EQ(book_side(Side::sell), (Side3{{behind, 50'001, 1}}));
  EXPECT_EQ(ex.live_orders(), 1u);
}

TEST_F(StpTest, DecrementSmallerIncomingOrderShrinksTheRestingOne) {
  const OrderId own = rest(HEIDI, Side::sell, 50'000, 5, "H1");
  std::vector<Event> ev = run(limit(HEIDI, Side::buy, usd(50'000), lots(2), "H2"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "restated", "canceled"}));
  const OrderRestated& r = as_event<OrderRestated>(ev, 1);
  EXPECT_EQ(r.order.order_id, own);
  EXPECT_EQ(r.reduced_by, lots(2));
  EXPECT_EQ(r.reason, CancelReason::stp_resting);
  EXPECT_EQ(r.order.leaves_qty, lots(3));
  EXPECT_EQ(r.order.cum_qty, Qty(0));
  const OrderCanceled& c = as_event<OrderCanceled>(ev, 2);
  EXPECT_EQ(c.order.client_id.view(), "H2");
  EXPECT_EQ(c.reason, CancelReason::stp_aggressing);
  EXPECT_EQ(c.canceled_qty, lots(2));
  EXPECT_EQ(c.order.status, OrderStatus::canceled);
  EXPECT_EQ(book_side(Side::sell), (Side3{{own, 50'000, 3}}));
  EXPECT_EQ(ex.order(own)->state.leaves_qty, lots(3));
}

TEST_F(StpTest, DecrementLargerIncomingOrderCancelsTheRestingOneAndRestsTheRest) {
  const OrderId own = rest(HEIDI, Side::sell, 50'000, 3, "H1");
  std::vector<Event> ev = run(limit(HEIDI, Side::buy, usd(50'000), lots(7), "H2"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled", "restated"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.order_id, own);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::stp_resting);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).canceled_qty, lots(3));
  const OrderRestated& r = as_event<OrderRestated>(ev, 2);
  EXPECT_EQ(r.order.client_id.view(), "H2");
  EXPECT_EQ(r.reason, CancelReason::stp_aggressing);
  EXPECT_EQ(r.reduced_by, lots(3));
  EXPECT_EQ(r.order.leaves_qty, lots(4));
  const OrderId taker = as_event<OrderAccepted>(ev, 0).order.order_id;
  EXPECT_EQ(book_side(Side::buy), (Side3{{taker, 50'000, 4}}));
  EXPECT_TRUE(book_side(Side::sell).empty());
}

TEST_F(StpTest, DecrementEqualSizesCancelBoth) {
  rest(HEIDI, Side::sell, 50'000, 3, "H1");
  std::vector<Event> ev = run(limit(HEIDI, Side::buy, usd(50'000), lots(3), "H2"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::stp_resting);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 2).reason, CancelReason::stp_aggressing);
  EXPECT_EQ(ex.live_orders(), 0u);
}

TEST_F(StpTest, OverrideDecrementOnAnAccountWithAnotherDefault) {
  rest(BOB, Side::sell, 50'000, 1, "B1");
  const OrderId own = rest(ALICE, Side::sell, 50'000, 5, "A1");
  std::vector<Event> ev = run(
      with_stp(limit(ALICE, Side::buy, usd(50'000), lots(3), "A2"), StpMode::decrement_and_cancel));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled", "restated", "canceled"}));
  EXPECT_EQ(as_event<OrderRestated>(ev, 3).reduced_by, lots(2));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 4).canceled_qty, lots(2));
  EXPECT_EQ(book_side(Side::sell), (Side3{{own, 50'000, 3}}));
}

TEST_F(StpTest, OverrideNoneLetsAnAccountTradeWithItself) {
  const OrderId own = rest(ALICE, Side::sell, 50'000, 1, "A1");
  std::vector<Event> ev =
      run(with_stp(limit(ALICE, Side::buy, usd(50'000), lots(1), "A2"), StpMode::none));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).order.order_id, own);
  EXPECT_EQ(as_event<OrderFilled>(ev, 1).counterparty_account, ALICE);
}

TEST_F(StpTest, AccountDefaultNoneTradesWithItselfAndOverrideProtects) {
  rest(GRACE, Side::sell, 50'000, 1, "G1");
  EXPECT_EQ(kinds(run(limit(GRACE, Side::buy, usd(50'000), lots(1), "G2"))),
            (Kinds{"accepted", "filled", "filled"}));
  rest(GRACE, Side::sell, 50'000, 1, "G3");
  EXPECT_EQ(kinds(run(with_stp(limit(GRACE, Side::buy, usd(50'000), lots(1), "G4"),
                               StpMode::cancel_aggressing))),
            (Kinds{"accepted", "canceled"}));
}

TEST_F(StpTest, GroupMembersNeverTradeWithEachOther) {
  const OrderId carols = rest(CAROL, Side::sell, 50'000, 1, "C1");
  const OrderId bobs = rest(BOB, Side::sell, 50'000, 1, "B1");
  std::vector<Event> ev = run(limit(DAVE, Side::buy, usd(50'000), lots(2), "D1"));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.order_id, carols);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).order.origin.account, CAROL);
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::stp_resting);
  EXPECT_EQ(as_event<OrderFilled>(ev, 2).order.order_id, bobs);
  // Outside the group Carol trades normally.
  rest(CAROL, Side::sell, 50'000, 1, "C2");
  EXPECT_EQ(kinds(run(limit(ALICE, Side::buy, usd(50'000), lots(1), "A1"))),
            (Kinds{"accepted", "filled", "filled"}));
}

TEST_F(StpTest, FillOrKillSkipsOwnOrdersWhenTheyWouldBeCancelled) {
  rest(ALICE, Side::sell, 50'000, 1, "A1");
  rest(BOB, Side::sell, 50'000, 2, "B1");
  // cancel_resting: the own order does not count, Bob's two lots do.
  std::vector<Event> ev =
      run(limit(ALICE, Side::buy, usd(50'000), lots(3), "A2", TimeInForce::fok));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::fok_unfilled);
  EXPECT_EQ(book_side(Side::sell).size(), 2u);  // nothing happened, own order included
  ev = run(limit(ALICE, Side::buy, usd(50'000), lots(2), "A3", TimeInForce::fok));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled", "filled", "filled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::stp_resting);
  EXPECT_EQ(as_event<OrderFilled>(ev, 3).order.status, OrderStatus::filled);
}

TEST_F(StpTest, FillOrKillStopsAtOwnOrderWhenTheIncomingOrderWouldEnd) {
  rest(ALICE, Side::sell, 50'000, 1, "A1");
  rest(BOB, Side::sell, 50'000, 2, "B1");
  std::vector<Event> ev =
      run(with_stp(limit(ALICE, Side::buy, usd(50'000), lots(2), "A2", TimeInForce::fok),
                   StpMode::cancel_aggressing));
  ASSERT_EQ(kinds(ev), (Kinds{"accepted", "canceled"}));
  EXPECT_EQ(as_event<OrderCanceled>(ev, 1).reason, CancelReason::fok_unfilled);
  EXPECT_EQ(book_side(Side::sell).size(), 2u);
}

}  // namespace
}  // namespace qd::test
