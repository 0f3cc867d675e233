#include "fix/throttle.hpp"

#include <algorithm>

namespace qd::fix {

Throttle::Throttle(const ThrottleConfig& config, int64_t now_ns) : config_(config) {
  config_.messages_per_second = std::max<uint32_t>(config_.messages_per_second, 1);
  config_.burst = std::max<uint32_t>(config_.burst, 1);
  capacity_ = int64_t(config_.burst) * UNIT;
  reset(now_ns);
}

void Throttle::reset(int64_t now_ns) {
  tokens_ = capacity_;
  last_ns_ = now_ns;
  breaches_.clear();
}

void Throttle::refill(int64_t now_ns) {
  if (now_ns <= last_ns_) return;
  // Cap the elapsed time so elapsed * rate never overflows: a full refill takes at most
  // burst / rate <= 1e5 s, far below the cap.
  int64_t elapsed = std::min<int64_t>(now_ns - last_ns_, int64_t(1) << 36);
  last_ns_ = now_ns;
  tokens_ = std::min(capacity_, tokens_ + elapsed * int64_t(config_.messages_per_second));
}

Throttle::Decision Throttle::on_message(int64_t now_ns) {
  refill(now_ns);
  Decision d;
  if (tokens_ >= UNIT) {
    tokens_ -= UNIT;
    d.allowed = true;
    d.remaining = uint32_t(tokens_ / UNIT);
    return d;
  }
  d.allowed = false;
  d.remaining = 0;
  int64_t rate = config_.messages_per_second;
  d.refill_ns = (UNIT - tokens_ + rate - 1) / rate;
  int64_t window = int64_t(config_.breach_window_s) * UNIT;
  breaches_.push_back(now_ns);
  while (!breaches_.empty() && breaches_.front() <= now_ns - window) breaches_.pop_front();
  d.breaches_in_window = uint32_t(breaches_.size());
  d.logout =
      config_.logout_after_breaches != 0 && breaches_.size() >= config_.logout_after_breaches;
  return d;
}

}  // namespace qd::fix
