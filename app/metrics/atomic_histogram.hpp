#pragma once
// A latency histogram whose observe() is a few relaxed atomic adds: safe to call on the engine
// thread, which must never wait for a lock a metrics scrape might hold. The scrape reads it into
// a Prometheus histogram (cumulative buckets, seconds).

#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <string>

namespace qd::metrics {

class AtomicHistogram {
 public:
  /// Upper bucket bounds in nanoseconds, 10 us .. 2.5 s; anything slower lands in +Inf.
  static constexpr std::array<int64_t, 17> kBoundsNs = {
      10'000,      25'000,      50'000,      100'000,       250'000,      500'000,
      1'000'000,   2'500'000,   5'000'000,   10'000'000,    25'000'000,   50'000'000,
      100'000'000, 250'000'000, 500'000'000, 1'000'000'000, 2'500'000'000};

  /// Records one duration in nanoseconds; negative durations (a wall clock stepped back) count
  /// as 0.
  void observe_ns(int64_t ns) {
    if (ns < 0) ns = 0;
    size_t i = 0;
    while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(uint64_t(ns), std::memory_order_relaxed);
  }

  /// The histogram as a Prometheus family in seconds; the count is the sum of the buckets, so
  /// the buckets and the count always agree.
  prometheus::MetricFamily collect(const std::string& name, const std::string& help) const {
    prometheus::ClientMetric m;
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBoundsNs.size(); ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      const double bound = i < kBoundsNs.size() ? double(kBoundsNs[i]) / 1e9
                                                : std::numeric_limits<double>::infinity();
      m.histogram.bucket.push_back({cumulative, bound});
    }
    m.histogram.sample_count = cumulative;
    m.histogram.sample_sum = double(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    return prometheus::MetricFamily{name, help, prometheus::MetricType::Histogram, {m}};
  }

  uint64_t count() const {
    uint64_t n = 0;
    for (const auto& c : counts_) n += c.load(std::memory_order_relaxed);
    return n;
  }

 private:
  std::array<std::atomic<uint64_t>, kBoundsNs.size() + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace qd::metrics
