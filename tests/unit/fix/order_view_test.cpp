#include "fix/order_view.hpp"

#include <gtest/gtest.h>

#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

constexpr TimestampNs DAY = NS_PER_DAY;

OrderState state(OrderId id, SessionId session, const char* client_id, OrderStatus status) {
  OrderState s;
  s.order_id = id;
  s.origin = Origin{1, session};
  s.client_id = ClientOrderId(client_id);
  s.status = status;
  return s;
}

TEST(OrderView, ReservationsFollowTheEngineAnswers) {
  OrderView v;
  int64_t today = 10;
  EXPECT_EQ(v.reserve(1, "a", today), OrderView::Reservation::ok);
  EXPECT_EQ(v.reserve(1, "a", today), OrderView::Reservation::in_flight);
  EXPECT_EQ(v.reserve(2, "a", today), OrderView::Reservation::ok);  // per session
  v.apply(Event{1, 0, 10 * DAY + 5, OrderAccepted{state(1, 1, "a", OrderStatus::new_)}});
  EXPECT_FALSE(v.in_flight(1, "a"));
  EXPECT_EQ(v.reserve(1, "a", today), OrderView::Reservation::used);
  // A rejected order's ClOrdID is used too once the engine answered.
  EXPECT_EQ(v.reserve(1, "b", today), OrderView::Reservation::ok);
  OrderState rejected = state(0, 1, "b", OrderStatus::rejected);
  v.apply(Event{2, 0, 10 * DAY + 6, test::rejected(rejected, RejectReason::invalid_price)});
  EXPECT_EQ(v.reserve(1, "b", today), OrderView::Reservation::used);
  // A reservation the engine never saw can be given back.
  EXPECT_EQ(v.reserve(1, "c", today), OrderView::Reservation::ok);
  v.release(1, "c");
  EXPECT_EQ(v.reserve(1, "c", today), OrderView::Reservation::ok);
}

TEST(OrderView, ClOrdIdsAreUniquePerTradingDayButOpenOrdersKeepTheirs) {
  OrderView v;
  v.apply(Event{1, 0, 10 * DAY + 5, OrderAccepted{state(1, 1, "open", OrderStatus::new_)}});
  v.apply(Event{2, 0, 10 * DAY + 6, OrderAccepted{state(2, 1, "done", OrderStatus::new_)}});
  OrderState filled = state(2, 1, "done", OrderStatus::filled);
  v.apply(Event{3, 0, 10 * DAY + 7,
                test::fill(filled, ExecId{3, 0}, Price(1), Qty(1), Liquidity::maker)});
  EXPECT_EQ(v.reserve(1, "done", 10), OrderView::Reservation::used);
  EXPECT_EQ(v.reserve(1, "done", 11), OrderView::Reservation::ok);  // next day
  v.release(1, "done");
  EXPECT_EQ(v.reserve(1, "open", 11), OrderView::Reservation::used);  // still resting
}

TEST(OrderView, ReplaceKeepsBothClOrdIdsAndOpenOrdersBySession) {
  OrderView v;
  v.apply(Event{1, 0, 5, OrderAccepted{state(1, 1, "a", OrderStatus::new_)}});
  v.apply(Event{2, 0, 5, OrderAccepted{state(2, 2, "a", OrderStatus::new_)}});
  OrderState r = state(1, 1, "a2", OrderStatus::new_);
  r.orig_client_id = ClientOrderId("a");
  v.apply(Event{3, 0, 6, test::replaced(r, false)});
  ASSERT_NE(v.find(1, "a2"), nullptr);
  EXPECT_EQ(v.find(1, "a2")->state.order_id, 1u);
  EXPECT_EQ(v.find(1, "a")->state.order_id, 1u);
  EXPECT_EQ(v.find(2, "a")->state.order_id, 2u);
  EXPECT_EQ(v.open_orders(1, std::nullopt, std::nullopt).size(), 1u);
  OrderState c = state(1, 1, "a2", OrderStatus::canceled);
  v.apply(Event{4, 0, 7, test::canceled(c, CancelReason::cancel_on_disconnect)});
  EXPECT_TRUE(v.open_orders(1, std::nullopt, std::nullopt).empty());
  EXPECT_FALSE(v.has_open_orders(1));
  EXPECT_TRUE(v.has_open_orders(2));
  EXPECT_EQ(v.find(1, "a2")->state.status, OrderStatus::canceled);  // still answerable
}

TEST(OrderView, AnEventSeenTwiceIsAppliedOnce) {
  OrderView v;
  Event accepted{1, 0, 5, OrderAccepted{state(1, 1, "a", OrderStatus::new_)}};
  v.apply(accepted);
  OrderState c = state(1, 1, "a", OrderStatus::canceled);
  v.apply(Event{2, 0, 6, test::canceled(c, CancelReason::admin)});
  v.apply(accepted);  // replay overlap
  EXPECT_EQ(v.find(1)->state.status, OrderStatus::canceled);
}

}  // namespace
}  // namespace qd::fix
