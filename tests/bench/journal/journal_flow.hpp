#pragma once
// Order flow for journal benchmarks and crash tests: one BTC-like perpetual market (tick 0.5
// USDC, lot 0.001 BTC, prices around 50,000 USDC, the margin core on with its default
// parameters) and 100 funded accounts, fed either from a
// ../shared/bench workload file (QDWL v1, e.g. the `mixed` profile) or from a synthetic generator
// shaped like `mixed` that runs for any number of commands. Every command is stamped and run
// through a real Exchange, so each comes with the exact events the venue would journal.
//
// Conversion of a workload record (the file names orders by the ids a correct engine assigns):
//   op 1 -> NewOrder limit GTC        op 3 -> NewOrder limit IOC
//   op 2 -> CancelOrder by order id, sent by the order's owner (unknown orders: by the file's
//           account, which the engine answers with a CancelRejected)
//   op 4 -> ReplaceOrder by order id: new price, new total qty = filled so far + the file's qty

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/exchange.hpp"

namespace qd::bench {

/// The market every flow trades: BTC-PERP, tick 0.5 USDC, lot 0.001, band 5% around the mark,
/// margin on (risk::MarketRiskParams defaults: 10% initial, 5% maintenance, -2/10 bps fees).
ExchangeSpec flow_exchange_spec(uint32_t accounts = 100);

/// Workload price ticks of 0.5 USDC around 100,000 ticks = 50,000 USDC.
inline constexpr int64_t flow_tick_raw = 500'000;   ///< 0.5 USDC in 1e-6
inline constexpr int64_t flow_lot_raw = 1'000'000;  ///< 0.001 BTC in 1e-9
inline constexpr int64_t flow_mid_ticks = 100'000;  ///< 50,000 USDC

/// Where command bodies come from. `next` may look at the exchange (owners, filled quantity)
/// the way a client knows its own orders; it returns false when the flow is exhausted.
class FlowSource {
 public:
  virtual ~FlowSource() = default;
  virtual bool next(const Exchange& exchange, CommandBody& out) = 0;
};

/// Reads a QDWL v1 file. Throws std::runtime_error when it is not one.
std::unique_ptr<FlowSource> workload_source(const std::string& path);
/// `commands` commands shaped like the `mixed` profile (60% new, 25% cancel, 5% aggressive IOC,
/// 10% replace, prices within 50 ticks of a slowly walking mid), deterministic in `seed`.
std::unique_ptr<FlowSource> synthetic_source(uint64_t commands, uint64_t seed = 1);

/// Stamps commands (seq from 1, ts 10 us apart from a fixed epoch: 100k commands a second of
/// command time) and runs them through its own Exchange. The flow opens as a new venue does:
/// the insurance fund and every account are funded by Deposit commands and the oracle reads
/// 50,000; the oracle is read again every 100k commands (a second), as the venue's keeper does.
class FlowDriver {
 public:
  explicit FlowDriver(std::unique_ptr<FlowSource> source);

  /// Produces the next command and appends its events to `events`; false when exhausted.
  bool step(Command& command, std::vector<Event>& events);

  const Exchange& exchange() const { return *exchange_; }
  uint64_t rejected_orders() const { return rejected_; }

 private:
  std::unique_ptr<FlowSource> source_;
  std::unique_ptr<Exchange> exchange_;
  std::vector<CommandBody> opening_;  // still to send, back first
  SeqNo seq_ = 0;
  uint64_t since_oracle_ = 0;
  uint64_t rejected_ = 0;
};

/// Start of the flow's command time: 2024-01-01T00:00:00Z in ns.
inline constexpr TimestampNs flow_epoch_ns = 1'704'067'200'000'000'000;
inline constexpr TimestampNs flow_step_ns = 10'000;     ///< command time between commands
inline constexpr uint64_t flow_oracle_every = 100'000;  ///< commands between oracle readings

}  // namespace qd::bench
