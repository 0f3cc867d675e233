#pragma once
// qd-client's load mode: N orders with at most W awaiting their first ExecutionReport, measuring
// order-to-first-report latency (send to receipt, steady clock) and throughput.

#include <cstdint>
#include <string>

#include "fix/initiator.hpp"

namespace qd::client {

struct LoadOptions {
  uint64_t orders = 10000;
  uint32_t window = 64;  ///< orders sent and not yet answered, at most
  std::string symbol = "BTC-PERP";
  std::string qty = "0.001";
  std::string buy_price = "45000";   ///< buys at this price...
  std::string sell_price = "55000";  ///< ...sells at this one: by default they never cross
  char tif = '3';                    ///< IOC: nothing accumulates in the book
  std::string id_prefix = "L";
  int timeout_s = 60;
};

struct LoadResult {
  uint64_t sent = 0;
  uint64_t answered = 0;
  uint64_t rejected = 0;  ///< first report was 150=8 (throttle, risk, ...)
  double seconds = 0;
  double orders_per_second = 0;
  int64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
  bool timed_out = false;
};

/// Runs the load on a logged-on initiator (its callback is replaced for the duration).
LoadResult run_load(fix::Initiator& initiator, const LoadOptions& options);

std::string format_result(const LoadResult& r, const LoadOptions& o);

}  // namespace qd::client
