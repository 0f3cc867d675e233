// The array-of-levels book on its own: adding, removing, reducing and matching, price-time
// priority, level aggregation, the level window growing both ways, the pool's ring index, and
// self-trade prevention inside the matching loop. Every test ends with the book's self-check.

#include "engine/order_book.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "tests/unit/engine/book_recorder.hpp"

namespace qd::test {
namespace {

constexpr OrderId ring = OrderId{1} << 24;  // OrderPool::ring_size: ids this far apart collide

// Accounts of the known book.
constexpr AccountId A1 = 1, A2 = 2, A3 = 3, OUTSIDER = 9;

class OrderBookTest : public ::testing::Test {
 protected:
  // Known book (prices in ticks, quantities in lots):
  //   asks  103: #6 A2 x1
  //         101: #4 A3 x2, #5 A1 x6
  //   bids  100: #1 A1 x5, #2 A2 x3
  //          99: #3 A3 x4
  void SetUp() override {
    book.add(1, Side::buy, 100, 5, A1);
    book.add(2, Side::buy, 100, 3, A2);
    book.add(3, Side::buy, 99, 4, A3);
    book.add(4, Side::sell, 101, 2, A3);
    book.add(5, Side::sell, 101, 6, A1);
    book.add(6, Side::sell, 103, 1, A2);
  }
  void TearDown() override { EXPECT_EQ(book.validate_internal_state(), ""); }

  MatchResult match(Side side, Ticks limit, int64_t qty, AccountId account = OUTSIDER,
                    StpMode stp = StpMode::none, StpGroupId group = 0) {
    rec.steps.clear();
    return book.match(Aggressor{999, side, limit, qty, account, group, stp}, rec);
  }

  OrderPool pool{1 << 16};
  OrderBook book{pool, 0};
  StepRecorder rec;
};

using Steps = std::vector<MatchStep>;
using Levels = std::vector<Level>;
using Orders = std::vector<RestingOrder>;

MatchStep fill(OrderId maker, Ticks px, int64_t qty, bool done) {
  return {MatchStep::fill, maker, px, qty, done};
}
MatchStep stp_cancel(OrderId maker, int64_t open) {
  return {MatchStep::stp_cancel, maker, 0, open, true};
}
MatchStep stp_decrement(OrderId maker, int64_t qty, bool done) {
  return {MatchStep::stp_decrement, maker, 0, qty, done};
}

TEST_F(OrderBookTest, KnownBookSnapshot) {
  EXPECT_EQ(levels_of(book, Side::buy), (Levels{{100, 8}, {99, 4}}));
  EXPECT_EQ(levels_of(book, Side::sell), (Levels{{101, 8}, {103, 1}}));
  EXPECT_EQ(orders_of(book, Side::buy), (Orders{{1, 100, 5}, {2, 100, 3}, {3, 99, 4}}));
  EXPECT_EQ(orders_of(book, Side::sell), (Orders{{4, 101, 2}, {5, 101, 6}, {6, 103, 1}}));
  EXPECT_EQ(book.best_bid(), 100);
  EXPECT_EQ(book.best_ask(), 101);
  EXPECT_EQ(book.order_count(), 6u);
  ASSERT_NE(book.find(5), nullptr);
  EXPECT_EQ(book.side_of(*book.find(5)), Side::sell);
  EXPECT_EQ(book.side_of(*book.find(3)), Side::buy);
  EXPECT_EQ(book.price_of(*book.find(3)), 99);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, ForEachLevelStopsWhenTheCallbackSaysSo) {
  std::vector<Ticks> seen;
  book.for_each_level(Side::sell, [&](const LevelView& v) {
    seen.push_back(v.price);
    return false;
  });
  EXPECT_EQ(seen, std::vector<Ticks>{101});
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, EmptyBookHasNoBestPricesAndNoLevels) {
  OrderBook empty(pool, 1);
  EXPECT_FALSE(empty.best_bid());
  EXPECT_FALSE(empty.best_ask());
  EXPECT_TRUE(levels_of(empty, Side::buy).empty());
  EXPECT_FALSE(empty.crosses(Side::buy, 1'000'000));
  EXPECT_EQ(empty.validate_internal_state(), "");
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, AddAppendsToTheBackOfItsLevelAndAggregates) {
  book.add(7, Side::buy, 100, 2, OUTSIDER);
  EXPECT_EQ(levels_of(book, Side::buy), (Levels{{100, 10}, {99, 4}}));
  EXPECT_EQ(orders_of(book, Side::buy),
            (Orders{{1, 100, 5}, {2, 100, 3}, {7, 100, 2}, {3, 99, 4}}));
  book.add(8, Side::buy, 98, 1, OUTSIDER);  // a new worse level does not move the best
  EXPECT_EQ(book.best_bid(), 100);
  EXPECT_EQ(levels_of(book, Side::buy).back(), (Level{98, 1}));
  EXPECT_EQ(book.order_count(), 8u);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, CrossesComparesWithTheOppositeBest) {
  EXPECT_TRUE(book.crosses(Side::buy, 101));
  EXPECT_FALSE(book.crosses(Side::buy, 100));
  EXPECT_TRUE(book.crosses(Side::sell, 100));
  EXPECT_FALSE(book.crosses(Side::sell, 101));
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, RemoveHeadMiddleAndTailKeepsTheQueueLinked) {
  book.add(7, Side::buy, 100, 2, OUTSIDER);
  book.add(8, Side::buy, 100, 1, OUTSIDER);
  BookOrder removed;
  ASSERT_TRUE(book.remove(2, &removed));  // middle
  EXPECT_EQ(removed.id, 2u);
  EXPECT_EQ(removed.qty, 3);
  EXPECT_EQ(book.validate_internal_state(), "");
  ASSERT_TRUE(book.remove(1));  // head
  EXPECT_EQ(book.validate_internal_state(), "");
  ASSERT_TRUE(book.remove(8));  // tail
  EXPECT_EQ(orders_of(book, Side::buy), (Orders{{7, 100, 2}, {3, 99, 4}}));
  EXPECT_EQ(levels_of(book, Side::buy), (Levels{{100, 2}, {99, 4}}));
  EXPECT_EQ(book.find(1), nullptr);
  EXPECT_FALSE(book.remove(1));  // already gone
  EXPECT_EQ(book.order_count(), 5u);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, EmptyingTheBestLevelMovesTheBestPrice) {
  book.remove(1);
  EXPECT_EQ(book.best_bid(), 100);
  book.remove(2);
  EXPECT_EQ(book.best_bid(), 99);
  book.remove(3);
  EXPECT_FALSE(book.best_bid());
  book.remove(5);
  book.remove(4);
  EXPECT_EQ(book.best_ask(), 103);
  book.remove(6);
  EXPECT_FALSE(book.best_ask());
  EXPECT_EQ(book.order_count(), 0u);
  // The emptied book takes new orders at the old prices again.
  book.add(10, Side::sell, 100, 1, A1);
  book.add(11, Side::buy, 99, 1, A1);
  EXPECT_EQ(book.best_ask(), 100);
  EXPECT_EQ(book.best_bid(), 99);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, RemoveDoesNotSeeAnotherBooksOrders) {
  OrderBook other(pool, 1);
  other.add(50, Side::buy, 100, 7, A1);
  EXPECT_FALSE(book.remove(50));
  EXPECT_EQ(book.find(50), nullptr);
  EXPECT_FALSE(book.reduce(50, 1));
  EXPECT_NE(other.find(50), nullptr);
  EXPECT_EQ(other.find(1), nullptr);
  EXPECT_FALSE(book.remove(999));
  EXPECT_EQ(other.validate_internal_state(), "");
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, ReduceKeepsTimePriority) {
  ASSERT_TRUE(book.reduce(1, 2));
  EXPECT_EQ(levels_of(book, Side::buy), (Levels{{100, 5}, {99, 4}}));
  EXPECT_EQ(orders_of(book, Side::buy).front(), (RestingOrder{1, 100, 2}));
  // #1 is still first in its level.
  match(Side::sell, 100, 3);
  EXPECT_EQ(rec.steps, (Steps{fill(1, 100, 2, true), fill(2, 100, 1, false)}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, ReduceRefusesGrowthZeroAndUnknown) {
  EXPECT_FALSE(book.reduce(1, 6));
  EXPECT_FALSE(book.reduce(1, 0));
  EXPECT_FALSE(book.reduce(1, -1));
  EXPECT_FALSE(book.reduce(77, 1));
  EXPECT_TRUE(book.reduce(1, 5));  // unchanged quantity is allowed
  EXPECT_EQ(levels_of(book, Side::buy), (Levels{{100, 8}, {99, 4}}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, MatchSweepsLevelsInPriceTimeOrderAtMakerPrices) {
  MatchResult r = match(Side::buy, 103, 10);
  EXPECT_EQ(rec.steps,
            (Steps{fill(4, 101, 2, true), fill(5, 101, 6, true), fill(6, 103, 1, true)}));
  EXPECT_EQ(r.remaining, 1);
  EXPECT_FALSE(r.taker_stp_cancelled);
  EXPECT_FALSE(book.best_ask());
  EXPECT_TRUE(levels_of(book, Side::sell).empty());
  EXPECT_EQ(book.order_count(), 3u);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, MatchStopsAtTheLimitAndLeavesAPartialMaker) {
  MatchResult r = match(Side::buy, 102, 3);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), fill(5, 101, 1, false)}));
  EXPECT_EQ(r.remaining, 0);
  EXPECT_EQ(orders_of(book, Side::sell), (Orders{{5, 101, 5}, {6, 103, 1}}));
  r = match(Side::buy, 102, 9);  // 103 is beyond the limit
  EXPECT_EQ(rec.steps, (Steps{fill(5, 101, 5, true)}));
  EXPECT_EQ(r.remaining, 4);
  EXPECT_EQ(book.best_ask(), 103);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, MatchBelowTheBestDoesNothing) {
  MatchResult r = match(Side::buy, 100, 5);
  EXPECT_TRUE(rec.steps.empty());
  EXPECT_EQ(r.remaining, 5);
  r = match(Side::sell, 101, 5);
  EXPECT_TRUE(rec.steps.empty());
  EXPECT_EQ(r.remaining, 5);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, SellAggressorTakesTheHighestBidsFirst) {
  MatchResult r = match(Side::sell, 99, 10);
  EXPECT_EQ(rec.steps,
            (Steps{fill(1, 100, 5, true), fill(2, 100, 3, true), fill(3, 99, 2, false)}));
  EXPECT_EQ(r.remaining, 0);
  EXPECT_EQ(levels_of(book, Side::buy), (Levels{{99, 2}}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

// --- the level window

TEST_F(OrderBookTest, WindowGrowsAtItsExactEdges) {
  // A fresh book's window is 4096 levels centred on its first price: [P - 2048, P + 2048).
  OrderBook b(pool, 2);
  constexpr Ticks P = 500'000;
  b.add(100, Side::buy, P, 1, A1);
  b.add(101, Side::buy, P - 2048, 1, A1);   // index 0: inside
  b.add(102, Side::sell, P + 2047, 1, A1);  // last index: inside
  EXPECT_EQ(b.validate_internal_state(), "");
  b.add(103, Side::buy, P - 2049, 2, A1);  // one below: grows down
  EXPECT_EQ(b.validate_internal_state(), "");
  b.add(104, Side::sell, P + 2048, 3, A1);  // one above: grows up
  EXPECT_EQ(b.validate_internal_state(), "");
  EXPECT_EQ(levels_of(b, Side::buy), (Levels{{P, 1}, {P - 2048, 1}, {P - 2049, 2}}));
  EXPECT_EQ(levels_of(b, Side::sell), (Levels{{P + 2047, 1}, {P + 2048, 3}}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, WindowGrowsFarBelowAndFarAboveKeepingQueuesAndBests) {
  OrderBook b(pool, 3);
  constexpr Ticks P = 1'000'000;
  b.add(1000, Side::buy, P, 4, A1);
  b.add(1001, Side::buy, P, 5, A2);  // a queue that must survive both moves in order
  b.add(1002, Side::sell, P + 10, 1, A2);
  b.add(1003, Side::buy, P - 100'000, 6, A3);  // far below
  EXPECT_EQ(b.best_bid(), P);
  EXPECT_EQ(b.best_ask(), P + 10);
  EXPECT_EQ(b.validate_internal_state(), "");
  b.add(1004, Side::sell, P + 300'000, 7, A3);  // far above
  EXPECT_EQ(b.validate_internal_state(), "");
  b.add(1005, Side::buy, P - 700'000, 8, A3);  // below again, past the last growth
  EXPECT_EQ(b.validate_internal_state(), "");
  EXPECT_EQ(orders_of(b, Side::buy),
            (Orders{{1000, P, 4}, {1001, P, 5}, {1003, P - 100'000, 6}, {1005, P - 700'000, 8}}));
  EXPECT_EQ(orders_of(b, Side::sell), (Orders{{1002, P + 10, 1}, {1004, P + 300'000, 7}}));
  // Matching walks the grown window in price order.
  StepRecorder r;
  MatchResult m =
      b.match(Aggressor{2000, Side::sell, P - 700'000, 100, OUTSIDER, 0, StpMode::none}, r);
  EXPECT_EQ(r.steps, (Steps{fill(1000, P, 4, true), fill(1001, P, 5, true),
                            fill(1003, P - 100'000, 6, true), fill(1005, P - 700'000, 8, true)}));
  EXPECT_EQ(m.remaining, 100 - 23);
  EXPECT_FALSE(b.best_bid());
  m = b.match(Aggressor{2001, Side::buy, P + 300'000, 8, OUTSIDER, 0, StpMode::none}, r);
  EXPECT_EQ(m.remaining, 0);
  EXPECT_FALSE(b.best_ask());
  EXPECT_EQ(b.validate_internal_state(), "");
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, PriceRangeIsBoundedAroundTheFirstPrice) {
  OrderBook b(pool, 4);
  constexpr Ticks P = 10'000'000;
  EXPECT_TRUE(b.price_in_range(std::numeric_limits<Ticks>::max()));  // not anchored yet
  EXPECT_FALSE(b.price_in_range(0));
  b.add(4000, Side::buy, P, 1, A1);  // ids are engine-wide: not one of the known book's
  constexpr Ticks span = OrderBook::max_price_span;
  EXPECT_TRUE(b.price_in_range(P + span - 1));
  EXPECT_FALSE(b.price_in_range(P + span));
  EXPECT_TRUE(b.price_in_range(P - span + 1));
  EXPECT_FALSE(b.price_in_range(P - span));
  EXPECT_EQ(b.validate_internal_state(), "");
  EXPECT_EQ(book.validate_internal_state(), "");
}

// --- the pool's ring index

TEST_F(OrderBookTest, IdsOneRingApartAreAllFoundAndRemovedInAnyOrder) {
  const OrderId a = 7 + ring, b = 7 + 2 * ring, c = 7 + 3 * ring;
  book.add(a, Side::buy, 98, 1, A1);
  book.add(b, Side::sell, 104, 2, A1);  // pushes a into the overflow map
  book.add(c, Side::buy, 98, 3, A1);    // pushes b into the overflow map
  ASSERT_NE(book.find(a), nullptr);
  ASSERT_NE(book.find(b), nullptr);
  ASSERT_NE(book.find(c), nullptr);
  EXPECT_EQ(book.find(a)->qty, 1);
  EXPECT_EQ(book.find(b)->qty, 2);
  EXPECT_EQ(book.find(c)->qty, 3);
  EXPECT_EQ(book.validate_internal_state(), "");
  EXPECT_TRUE(book.remove(b));  // from the overflow
  EXPECT_EQ(book.find(b), nullptr);
  EXPECT_NE(book.find(a), nullptr);
  EXPECT_EQ(book.validate_internal_state(), "");
  EXPECT_TRUE(book.remove(c));  // from the ring
  EXPECT_EQ(book.find(c), nullptr);
  ASSERT_NE(book.find(a), nullptr);
  EXPECT_TRUE(book.reduce(a, 1));
  EXPECT_TRUE(book.remove(a));
  EXPECT_EQ(book.find(a), nullptr);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, AReusedSlotNeverAnswersForItsOldId) {
  book.add(20, Side::buy, 97, 1, A1);
  ASSERT_TRUE(book.remove(20));
  book.add(20 + ring, Side::buy, 97, 2, A1);  // same ring position, and the freed slot
  EXPECT_EQ(book.find(20), nullptr);
  ASSERT_NE(book.find(20 + ring), nullptr);
  EXPECT_FALSE(book.remove(20));
  book.add(21, Side::sell, 105, 1, A1);
  EXPECT_EQ(book.find(20), nullptr);
  EXPECT_EQ(book.find(21 + ring), nullptr);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, MatchingRemovesOverflowedOrdersCleanly) {
  // Asks at 101 get two colliding ids ahead of the known book's asks.
  book.add(4 + ring, Side::sell, 102, 1, A2);
  book.add(4 + 2 * ring, Side::sell, 102, 1, A2);
  match(Side::buy, 102, 10);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), fill(5, 101, 6, true),
                              fill(4 + ring, 102, 1, true), fill(4 + 2 * ring, 102, 1, true)}));
  EXPECT_EQ(book.find(4), nullptr);
  EXPECT_EQ(book.find(4 + ring), nullptr);
  EXPECT_EQ(book.find(4 + 2 * ring), nullptr);
  book.add(4 + 3 * ring, Side::sell, 102, 5, A2);
  EXPECT_NE(book.find(4 + 3 * ring), nullptr);
  EXPECT_EQ(book.validate_internal_state(), "");
}

// --- self-trade prevention inside match (aggressor A1 meets its own #5 after A3's #4)

TEST_F(OrderBookTest, StpNoneTradesWithItself) {
  MatchResult r = match(Side::buy, 101, 8, A1, StpMode::none);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), fill(5, 101, 6, true)}));
  EXPECT_EQ(r.remaining, 0);
  EXPECT_FALSE(r.taker_stp_cancelled);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpCancelRestingRemovesOwnOrderAndContinues) {
  MatchResult r = match(Side::buy, 103, 5, A1, StpMode::cancel_resting);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), stp_cancel(5, 6), fill(6, 103, 1, true)}));
  EXPECT_EQ(r.remaining, 2);
  EXPECT_FALSE(r.taker_stp_cancelled);
  EXPECT_FALSE(book.best_ask());
  EXPECT_EQ(book.find(5), nullptr);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpCancelAggressingStopsBeforeOwnOrder) {
  MatchResult r = match(Side::buy, 103, 5, A1, StpMode::cancel_aggressing);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true)}));
  EXPECT_EQ(r.remaining, 3);
  EXPECT_TRUE(r.taker_stp_cancelled);
  EXPECT_EQ(orders_of(book, Side::sell), (Orders{{5, 101, 6}, {6, 103, 1}}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpCancelAggressingAtTheHeadLeavesTheLevelAlone) {
  book.remove(4);
  MatchResult r = match(Side::buy, 103, 5, A1, StpMode::cancel_aggressing);
  EXPECT_TRUE(rec.steps.empty());
  EXPECT_EQ(r.remaining, 5);
  EXPECT_TRUE(r.taker_stp_cancelled);
  EXPECT_EQ(book.best_ask(), 101);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpCancelBothRemovesOwnOrderAndStops) {
  MatchResult r = match(Side::buy, 103, 5, A1, StpMode::cancel_both);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), stp_cancel(5, 6)}));
  EXPECT_EQ(r.remaining, 3);
  EXPECT_TRUE(r.taker_stp_cancelled);
  EXPECT_EQ(book.best_ask(), 103);  // level 101 emptied by the cancel
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpDecrementSmallerAggressorIsUsedUp) {
  MatchResult r = match(Side::buy, 103, 5, A1, StpMode::decrement_and_cancel);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), stp_decrement(5, 3, false)}));
  EXPECT_EQ(r.remaining, 0);
  EXPECT_TRUE(r.taker_stp_cancelled);
  EXPECT_EQ(orders_of(book, Side::sell), (Orders{{5, 101, 3}, {6, 103, 1}}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpDecrementLargerAggressorCarriesOn) {
  MatchResult r = match(Side::buy, 103, 10, A1, StpMode::decrement_and_cancel);
  EXPECT_EQ(rec.steps,
            (Steps{fill(4, 101, 2, true), stp_decrement(5, 6, true), fill(6, 103, 1, true)}));
  EXPECT_EQ(r.remaining, 1);
  EXPECT_FALSE(r.taker_stp_cancelled);
  EXPECT_FALSE(book.best_ask());
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpDecrementEqualSizesEndBoth) {
  MatchResult r = match(Side::buy, 103, 8, A1, StpMode::decrement_and_cancel);
  EXPECT_EQ(rec.steps, (Steps{fill(4, 101, 2, true), stp_decrement(5, 6, true)}));
  EXPECT_EQ(r.remaining, 0);
  EXPECT_TRUE(r.taker_stp_cancelled);
  EXPECT_EQ(book.best_ask(), 103);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, StpGroupMembersAreOneParty) {
  constexpr AccountId G1 = 41, G2 = 42;
  constexpr StpGroupId GROUP = 9;
  book.add(7, Side::sell, 102, 2, G1, GROUP);
  book.add(8, Side::sell, 102, 2, OUTSIDER);
  book.remove(4);
  book.remove(5);
  MatchResult r = match(Side::buy, 102, 4, G2, StpMode::cancel_resting, GROUP);
  EXPECT_EQ(rec.steps, (Steps{stp_cancel(7, 2), fill(8, 102, 2, true)}));
  EXPECT_EQ(r.remaining, 2);
  // The same account without the group is another party: its key is the account, not the group.
  book.add(9, Side::sell, 102, 1, G1, GROUP);
  r = match(Side::buy, 102, 1, G1, StpMode::cancel_resting, 0);
  EXPECT_EQ(rec.steps, (Steps{fill(9, 102, 1, true)}));
  EXPECT_EQ(book.validate_internal_state(), "");
}

// --- fillable

TEST_F(OrderBookTest, FillableCountsUpToTheLimit) {
  Aggressor a{999, Side::buy, 101, 100, OUTSIDER, 0, StpMode::none};
  EXPECT_EQ(book.fillable(a, 100), 8);
  a.limit = 103;
  EXPECT_EQ(book.fillable(a, 100), 9);
  EXPECT_GE(book.fillable(a, 1), 1);  // stops once the wanted amount is reached
  a.limit = 100;
  EXPECT_EQ(book.fillable(a, 100), 0);
  Aggressor s{999, Side::sell, 99, 100, OUTSIDER, 0, StpMode::none};
  EXPECT_EQ(book.fillable(s, 100), 12);
  s.limit = 100;
  EXPECT_EQ(book.fillable(s, 100), 8);
  EXPECT_EQ(book.validate_internal_state(), "");
}

TEST_F(OrderBookTest, FillableFollowsSelfTradePrevention) {
  Aggressor a{999, Side::buy, 103, 100, A1, 0, StpMode::cancel_resting};
  EXPECT_EQ(book.fillable(a, 100), 3);  // own #5 is skipped
  for (StpMode m :
       {StpMode::cancel_aggressing, StpMode::cancel_both, StpMode::decrement_and_cancel}) {
    a.stp = m;
    EXPECT_EQ(book.fillable(a, 100), 2) << int(m);  // matching would stop or shrink at #5
  }
  a.stp = StpMode::none;
  EXPECT_EQ(book.fillable(a, 100), 9);
  Aggressor s{999, Side::sell, 99, 100, A2, 0, StpMode::cancel_resting};
  EXPECT_EQ(book.fillable(s, 100), 9);  // own #2 skipped
  EXPECT_EQ(book.order_count(), 6u);    // fillable changes nothing
  EXPECT_EQ(book.validate_internal_state(), "");
}

}  // namespace
}  // namespace qd::test
