#include "engine/thread_scheduling.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

namespace qd {
namespace {

// Each test runs on a thread of its own: the policy is per thread and must not leak into the
// other tests of this executable.
int policy_after(int start_policy, bool& batch) {
  int after = -1;
  std::thread([&] {
    sched_param none{};
    ASSERT_EQ(::sched_setscheduler(0, start_policy, &none), 0);
    batch = prefer_batch_scheduling();
    after = ::sched_getscheduler(0);
  }).join();
  return after;
}

TEST(ThreadScheduling, TheDefaultPolicyBecomesBatchAndThreadsStartedAfterInheritIt) {
  int child_policy = -1;
  std::thread([&] {
    ASSERT_EQ(::sched_getscheduler(0), SCHED_OTHER);
    ASSERT_TRUE(prefer_batch_scheduling());
    EXPECT_EQ(::sched_getscheduler(0), SCHED_BATCH);
    std::thread([&] { child_policy = ::sched_getscheduler(0); }).join();
  }).join();
  EXPECT_EQ(child_policy, SCHED_BATCH);
}

TEST(ThreadScheduling, APolicyTheOperatorChoseIsLeftAlone) {
  bool batch = true;
  EXPECT_EQ(policy_after(SCHED_IDLE, batch), SCHED_IDLE);  // needs no privilege to set
  EXPECT_FALSE(batch);
  EXPECT_EQ(policy_after(SCHED_BATCH, batch), SCHED_BATCH);
  EXPECT_TRUE(batch);
}

}  // namespace
}  // namespace qd
