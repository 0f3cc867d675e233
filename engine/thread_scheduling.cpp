#include "engine/thread_scheduling.hpp"

#include <sched.h>

namespace qd {

bool prefer_batch_scheduling() {
  const int policy = ::sched_getscheduler(0);
  if (policy != SCHED_OTHER) return policy == SCHED_BATCH;
  sched_param none{};
  return ::sched_setscheduler(0, SCHED_BATCH, &none) == 0;
}

}  // namespace qd
