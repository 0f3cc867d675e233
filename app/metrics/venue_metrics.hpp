#pragma once
// The gateway's Prometheus metrics, served at http://<metrics.bind>:<metrics.port>/metrics.
// Every name is listed, with what it measures and who feeds it, in README.md ("Operating: alerts
// and runbook") and used by config/grafana/quantdesk.json and config/prometheus/alerts.yml.
//
// Sources, and the thread each runs on:
//   on_commit   commit thread, after each journal commit (SequencerOptions::on_commit): commands
//               by kind and the commit's duration. Atomics only: it never waits for a lock.
//   on_events   publisher thread, committed events: accepted, rejected by reason, fills,
//               cancels, liquidations, takeovers, ADL, socialized loss, the order-to-ack
//               histogram, each market's newest oracle reading.
//   sampler     its own thread, once a second: an engine heartbeat through run_on_engine
//               (market status, marks and the insurance fund read there), FIX sessions
//               (logon/logout transitions are also logged), fix::Gateway::stats() counters.
//   scrape      the exposer's thread: queue depth, journal position, ages (heartbeat, oracle,
//               settlement lag) computed at the moment of the scrape.
// Settlement metrics are registered at 0 and fed by the settlement bridge's status callback
// (app/gateway/venue.cpp) when settlement.enabled; with settlement off they stay at 0.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "app/config/venue_config.hpp"
#include "app/metrics/atomic_histogram.hpp"
#include "core/engine_ports.hpp"
#include "core/serialization.hpp"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace qd {
class Sequencer;
namespace fix {
class Gateway;
}

namespace metrics {

class VenueMetrics final : public EventListener {
 public:
  /// Registers every metric at 0 (labels from the configured markets and sessions).
  explicit VenueMetrics(const VenueConfig& config);
  ~VenueMetrics() override;
  VenueMetrics(const VenueMetrics&) = delete;
  VenueMetrics& operator=(const VenueMetrics&) = delete;

  /// The sequencer's commit hook (commit thread): counts the batch's commands by kind and
  /// observes the journal append's duration in ns.
  void on_commit(std::span<const Command> batch, int64_t commit_ns);
  /// Journal replay before start: remembers each market's last mark time; counts nothing.
  void on_replayed(std::span<const Event> events);
  /// What on_replayed remembers (each market's last oracle and mark time), for restart
  /// snapshots: save on the publisher thread, restore before any event. Counters are not part
  /// of it: they start from zero with the process, as Prometheus expects.
  void save_view(ByteWriter& out) const;
  void restore_view(ByteReader& in);
  /// Committed events (EventListener, publisher thread).
  void on_events(std::span<const Event> events) override;

  /// Starts the sampler and, when metrics.enabled, binds the HTTP exposer. Throws
  /// std::runtime_error naming the address when it cannot listen.
  void start(Sequencer& sequencer, fix::Gateway& gateway);
  /// Stops the exposer, then the sampler. Idempotent.
  void stop();

  // --- Extension points for the settlement module (any thread).
  /// Batches built but not yet confirmed, and the command time (ns) of the oldest flow not yet
  /// finalized on chain (SettlementStatus::oldest_unsettled_ts; 0 = none outstanding: lag 0).
  void set_settlement_backlog(uint64_t pending_batches, TimestampNs oldest_unsettled_fill);
  void count_settlement_batch(bool confirmed);
  /// Accounts in settlement quarantine now (their flows are carried, not settled).
  void set_settlement_quarantine(uint64_t quarantined_now);
  /// One account put in quarantine.
  void count_settlement_quarantine();

  /// The exposition text a scrape would return now (tests and diagnostics).
  std::string scrape_text() const;
  /// The port the exposer listens on; 0 when disabled or not started.
  int port() const;

 private:
  class Exported;
  struct MarketSlot;
  struct SessionSlot;
  struct FixCounter;

  void sample();
  void sampler_loop();
  void refresh_at_scrape() const;
  prometheus::Counter& reject_counter(RejectReason r);
  prometheus::Counter& cancel_counter(CancelReason r);

  VenueConfig config_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Exported> exported_;
  std::unique_ptr<prometheus::Exposer> exposer_;

  std::vector<std::unique_ptr<MarketSlot>> markets_;
  std::vector<std::unique_ptr<SessionSlot>> sessions_;
  std::vector<std::unique_ptr<FixCounter>> fix_counters_;
  std::vector<prometheus::Counter*> commands_by_kind_;  ///< indexed by CommandBody::index()
  std::map<RejectReason, prometheus::Counter*> rejects_;
  std::map<CancelReason, prometheus::Counter*> cancels_;
  prometheus::Family<prometheus::Counter>* reject_family_ = nullptr;  ///< for later reasons
  prometheus::Family<prometheus::Counter>* cancel_family_ = nullptr;

  prometheus::Gauge* queue_depth_ = nullptr;
  prometheus::Gauge* last_seq_ = nullptr;
  prometheus::Gauge* journal_failed_ = nullptr;
  prometheus::Gauge* heartbeat_age_ = nullptr;
  prometheus::Gauge* sessions_logged_on_ = nullptr;
  prometheus::Gauge* insurance_fund_ = nullptr;
  prometheus::Counter* socialized_loss_ = nullptr;
  prometheus::Gauge* settlement_pending_ = nullptr;
  prometheus::Gauge* settlement_lag_ = nullptr;
  prometheus::Counter* settlement_confirmed_ = nullptr;
  prometheus::Counter* settlement_failed_ = nullptr;
  prometheus::Gauge* settlement_quarantined_ = nullptr;
  prometheus::Counter* settlement_quarantines_ = nullptr;

  AtomicHistogram journal_commit_;
  AtomicHistogram order_ack_;

  std::atomic<Sequencer*> sequencer_{nullptr};
  fix::Gateway* gateway_ = nullptr;
  std::atomic<int64_t> last_heartbeat_ns_{0};  ///< steady clock of the last engine answer
  std::atomic<int64_t> oldest_unsettled_ns_{0};

  std::mutex sampler_mu_;
  std::condition_variable sampler_cv_;
  bool sampler_stop_ = false;
  std::thread sampler_;
};

}  // namespace metrics
}  // namespace qd
