#include "fix/throttle.hpp"

#include <gtest/gtest.h>

namespace qd::fix {
namespace {

constexpr int64_t MS = 1'000'000;

ThrottleConfig config(uint32_t rate, uint32_t burst, uint32_t logout_after, uint32_t window_s) {
  ThrottleConfig c;
  c.messages_per_second = rate;
  c.burst = burst;
  c.logout_after_breaches = logout_after;
  c.breach_window_s = window_s;
  return c;
}

TEST(Throttle, BurstThenRefillAtTheRate) {
  Throttle t(config(10, 3, 0, 10), 0);  // 10/s: one message every 100 ms
  EXPECT_TRUE(t.on_message(0).allowed);
  EXPECT_TRUE(t.on_message(0).allowed);
  Throttle::Decision last = t.on_message(0);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining, 0u);
  Throttle::Decision over = t.on_message(0);
  EXPECT_FALSE(over.allowed);
  EXPECT_EQ(over.refill_ns, 100 * MS);
  Throttle::Decision later = t.on_message(40 * MS);
  EXPECT_FALSE(later.allowed);
  EXPECT_EQ(later.refill_ns, 60 * MS);  // 40 ms of the 100 ms refill already done
  EXPECT_TRUE(t.on_message(100 * MS).allowed);
  EXPECT_FALSE(t.on_message(100 * MS).allowed);
}

TEST(Throttle, BucketNeverHoldsMoreThanTheBurst) {
  Throttle t(config(1000, 2, 0, 10), 0);
  int allowed = 0;
  for (int i = 0; i < 5; ++i) allowed += t.on_message(3600'000 * MS).allowed;  // an hour idle
  EXPECT_EQ(allowed, 2);
}

TEST(Throttle, LogoutAfterNBreachesInsideTheWindow) {
  Throttle t(config(1, 1, 3, 10), 0);
  EXPECT_TRUE(t.on_message(0).allowed);
  EXPECT_FALSE(t.on_message(1 * MS).logout);
  EXPECT_FALSE(t.on_message(2 * MS).logout);
  Throttle::Decision third = t.on_message(3 * MS);
  EXPECT_FALSE(third.allowed);
  EXPECT_TRUE(third.logout);
  EXPECT_EQ(third.breaches_in_window, 3u);
}

TEST(Throttle, BreachesOutsideTheWindowAreForgotten) {
  Throttle t(config(1, 1, 3, 1), 0);  // window 1 s
  EXPECT_TRUE(t.on_message(0).allowed);
  EXPECT_FALSE(t.on_message(1 * MS).allowed);
  EXPECT_FALSE(t.on_message(2 * MS).allowed);
  // 1.5 s later the bucket refilled once; the next breach starts a new window.
  EXPECT_TRUE(t.on_message(1500 * MS).allowed);
  Throttle::Decision d = t.on_message(1501 * MS);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.logout);
  EXPECT_EQ(d.breaches_in_window, 1u);
}

TEST(Throttle, ZeroMeansNeverLogout) {
  Throttle t(config(1, 1, 0, 10), 0);
  t.on_message(0);
  for (int i = 1; i < 100; ++i) EXPECT_FALSE(t.on_message(i).logout);
}

}  // namespace
}  // namespace qd::fix
