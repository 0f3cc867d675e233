#pragma once
// Inbound message throttle of one FIX session: a token bucket plus a repeat-offence counter.
// Integer arithmetic only: one message is 1e9 units, the bucket refills messages_per_second units
// per nanosecond of steady time.

#include <cstdint>
#include <deque>

#include "app/config/venue_config.hpp"

namespace qd::fix {

class Throttle {
 public:
  struct Decision {
    bool allowed = true;
    uint32_t remaining = 0;  ///< whole messages left in the bucket after this one
    int64_t refill_ns = 0;   ///< when rejected: nanoseconds until one message is allowed
    bool logout = false;     ///< when rejected: the breach limit in the window was reached
    uint32_t breaches_in_window = 0;
  };

  /// The bucket starts full. `now_ns` is a steady clock reading.
  Throttle(const ThrottleConfig& config, int64_t now_ns);

  /// Charges one inbound application message at `now_ns` (steady clock, non-decreasing).
  Decision on_message(int64_t now_ns);

  /// Forgets breaches and refills the bucket (a new logon).
  void reset(int64_t now_ns);

  const ThrottleConfig& config() const { return config_; }

 private:
  static constexpr int64_t UNIT = 1'000'000'000;
  void refill(int64_t now_ns);

  ThrottleConfig config_;
  int64_t capacity_ = 0;  ///< burst * UNIT
  int64_t tokens_ = 0;
  int64_t last_ns_ = 0;
  std::deque<int64_t> breaches_;  ///< steady times of rejected messages inside the window
};

}  // namespace qd::fix
