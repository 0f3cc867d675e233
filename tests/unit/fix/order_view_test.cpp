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

TEST(OrderView, SavedAndRestoredItAnswersAsBeforeAndSavesTheSameBytes) {
  OrderView v;
  v.apply(Event{1, 0, 10 * DAY + 5, OrderAccepted{state(1, 1, "open", OrderStatus::new_)}});
  v.apply(Event{2, 0, 10 * DAY + 6, OrderAccepted{state(2, 2, "done", OrderStatus::new_)}});
  v.apply(Event{3, 0, 10 * DAY + 7,
                test::canceled(state(2, 2, "done", OrderStatus::canceled), CancelReason::admin)});
  OrderState rejected = state(0, 1, "rej", OrderStatus::rejected);
  v.apply(Event{4, 0, 10 * DAY + 8, test::rejected(rejected, RejectReason::invalid_price)});
  ByteWriter saved;
  v.save(saved);

  OrderView r;
  ByteReader in(saved.bytes());
  r.restore(in);
  EXPECT_TRUE(in.done());
  ByteWriter before, after;
  v.save(before, true);
  r.save(after, true);
  EXPECT_EQ(after.bytes(), before.bytes());
  ASSERT_NE(r.find(2, "done"), nullptr);
  EXPECT_EQ(r.find(2, "done")->state.status, OrderStatus::canceled);
  EXPECT_EQ(r.open_orders(1, std::nullopt, std::nullopt).size(), 1u);
  EXPECT_FALSE(r.has_open_orders(2));
  EXPECT_EQ(r.reserve(1, "rej", 10), OrderView::Reservation::used);   // answered today
  EXPECT_EQ(r.reserve(2, "done", 10), OrderView::Reservation::used);  // closed today
  EXPECT_EQ(r.reserve(1, "open", 11), OrderView::Reservation::used);  // still resting
  // An event the saved view already holds is not applied again.
  r.apply(Event{2, 0, 10 * DAY + 6, OrderAccepted{state(2, 2, "done", OrderStatus::new_)}});
  EXPECT_EQ(r.find(2)->state.status, OrderStatus::canceled);
}

TEST(OrderView, ATruncatedSaveIsRefusedAndLeavesTheViewAsItWas) {
  OrderView v;
  v.apply(Event{1, 0, 5, OrderAccepted{state(1, 1, "a", OrderStatus::new_)}});
  ByteWriter saved;
  v.save(saved);
  OrderView r;
  r.apply(Event{1, 0, 5, OrderAccepted{state(7, 3, "mine", OrderStatus::new_)}});
  const std::string cut = saved.bytes().substr(0, saved.bytes().size() - 3);
  ByteReader in(cut);
  EXPECT_THROW(r.restore(in), std::runtime_error);
  EXPECT_NE(r.find(3, "mine"), nullptr);
  EXPECT_EQ(r.find(1, "a"), nullptr);
}

}  // namespace
}  // namespace qd::fix
