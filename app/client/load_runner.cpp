#include "app/client/load_runner.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "fix/fix_time.hpp"

namespace qd::client {

namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t percentile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = size_t(q * double(sorted.size()));
  if (rank >= sorted.size()) rank = sorted.size() - 1;
  return sorted[rank];
}

}  // namespace

LoadResult run_load(fix::Initiator& initiator, const LoadOptions& o) {
  // Shared with the receive callback, which may still run briefly after it is removed.
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::unordered_map<std::string, int64_t> pending;  // ClOrdID -> send time
    std::vector<int64_t> latencies;
    LoadResult r;
  };
  auto st = std::make_shared<State>();
  st->latencies.reserve(o.orders);
  std::mutex& mu = st->mu;
  std::condition_variable& cv = st->cv;
  auto& pending = st->pending;
  auto& latencies = st->latencies;
  LoadResult& r = st->r;

  initiator.set_callback([st](const FIX::Message& m) {
    if (m.getHeader().getField(35) != "8" || !m.isSetField(11)) return;
    int64_t now = steady_ns();
    std::lock_guard lock(st->mu);
    auto it = st->pending.find(m.getField(11));
    if (it == st->pending.end()) return;  // a later report of an order already answered
    st->latencies.push_back(now - it->second);
    if (m.isSetField(150) && m.getField(150) == "8") ++st->r.rejected;
    st->pending.erase(it);
    ++st->r.answered;
    st->cv.notify_all();
  });

  std::string transact = fix::format_utc_timestamp(fix::wall_clock_ns(), 3);
  int64_t start = steady_ns();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_s);
  for (uint64_t i = 0; i < o.orders; ++i) {
    {
      std::unique_lock lock(mu);
      if (!cv.wait_until(lock, deadline, [&] { return pending.size() < o.window; })) {
        r.timed_out = true;
        break;
      }
    }
    bool buy = (i % 2) == 0;
    std::string id = o.id_prefix + std::to_string(i);
    FIX::Message d;
    d.getHeader().setField(35, "D");
    d.setField(11, id);
    d.setField(55, o.symbol);
    d.setField(54, buy ? "1" : "2");
    d.setField(60, transact);
    d.setField(38, o.qty);
    d.setField(40, "2");
    d.setField(44, buy ? o.buy_price : o.sell_price);
    d.setField(59, std::string(1, o.tif));
    {
      std::lock_guard lock(mu);
      pending[id] = steady_ns();
    }
    if (!initiator.send(d)) {
      std::lock_guard lock(mu);
      pending.erase(id);
      r.timed_out = true;  // not logged on any more
      break;
    }
    ++r.sent;
  }
  {
    std::unique_lock lock(mu);
    if (!cv.wait_until(lock, deadline, [&] { return pending.empty(); })) r.timed_out = true;
  }
  int64_t end = steady_ns();
  initiator.set_callback(nullptr);
  std::lock_guard lock(mu);
  std::sort(latencies.begin(), latencies.end());
  r.seconds = double(end - start) / 1e9;
  r.orders_per_second = r.seconds > 0 ? double(r.answered) / r.seconds : 0;
  r.p50_ns = percentile(latencies, 0.50);
  r.p99_ns = percentile(latencies, 0.99);
  r.p999_ns = percentile(latencies, 0.999);
  r.max_ns = latencies.empty() ? 0 : latencies.back();
  return LoadResult(r);
}

std::string format_result(const LoadResult& r, const LoadOptions& o) {
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "load: orders=%llu window=%u sent=%llu answered=%llu rejected=%llu "
      "seconds=%.3f orders_per_s=%.0f ack_us p50=%.1f p99=%.1f p99.9=%.1f max=%.1f%s",
      static_cast<unsigned long long>(o.orders), o.window, static_cast<unsigned long long>(r.sent),
      static_cast<unsigned long long>(r.answered), static_cast<unsigned long long>(r.rejected),
      r.seconds, r.orders_per_second, double(r.p50_ns) / 1e3, double(r.p99_ns) / 1e3,
      double(r.p999_ns) / 1e3, double(r.max_ns) / 1e3, r.timed_out ? " TIMED-OUT" : "");
  return buf;
}

}  // namespace qd::client
