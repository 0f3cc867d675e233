#pragma once
// The composition root of the gateway process: builds the engine from the validated config,
// rebuilds its state from the journal, and wires the sequencer to its edges (FIX sessions and,
// as they come, risk, settlement, metrics and the admin socket). main() only parses arguments
// and waits for signals.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/config/venue_config.hpp"
#include "app/gateway/exchange_spec_from.hpp"
#include "app/gateway/settlement_drop_copy.hpp"
#include "app/gateway/venue_views.hpp"
#include "app/metrics/venue_metrics.hpp"
#include "engine/exchange.hpp"
#include "engine/replay.hpp"
#include "engine/sequencer.hpp"
#include "engine/snapshot_recovery.hpp"
#include "engine/snapshot_store.hpp"
#include "engine/sqlite_journal.hpp"
#include "fix/gateway.hpp"
#include "fix/market_data_service.hpp"
#include "settlement/bridge/settlement_bridge.hpp"

namespace qd {

class Venue {
 public:
  /// Opens the journal and replays it; throws std::runtime_error (with the file and reason) when
  /// the journal cannot be opened or does not replay to what it recorded.
  explicit Venue(VenueConfig config);
  ~Venue();

  /// Starts the engine and then the FIX listeners.
  void start();
  /// Stops accepting, lets cancel-on-disconnect finish, drains and stops the engine.
  void stop();

  /// The history the restart restored: commands and events from the snapshot plus the replay.
  const ReplayStats& replayed() const { return replayed_; }
  /// How the restart went: the snapshot used (if any) and the time of each part.
  const RecoveryStats& recovery() const { return recovery_; }
  /// The edges' views the restart restored (seq 0: none, every event was handed to them).
  const ViewsRestore& views_restored() const { return views_; }
  Sequencer& sequencer() { return *sequencer_; }
  fix::Gateway& gateway() { return *gateway_; }
  /// The market data service (owned by the gateway); its stats and queue depths.
  fix::MarketDataService& market_data() { return *market_data_; }
  metrics::VenueMetrics& metrics() { return *metrics_; }
  /// The on-chain settlement bridge; null when settlement.enabled is false. Subscribe drop-copy
  /// listeners (add_listener) before start(); status(), quarantined(), release() and
  /// reconcile() may be called from any thread.
  settlement::SettlementBridge* settlement() { return settlement_.get(); }
  const VenueConfig& config() const { return config_; }

 private:
  void seed_new_journal();
  /// Publisher thread, after each batch: saves the edges' views when due (venue_views.hpp).
  void save_views_if_due(SeqNo seq);
  /// Markets whose oracle source is the admin have no feed: their last admin price is
  /// republished each second (a journaled reading), so it never goes stale while the admin
  /// leaves it alone.
  void keep_admin_oracles_fresh();
  void republish_admin_oracles();  ///< each admin-priced market's last price, time now
  void stop_keeper();

  VenueConfig config_;
  std::unique_ptr<metrics::VenueMetrics> metrics_;  // outlives the sequencer that calls it
  std::unique_ptr<SqliteJournal> journal_;
  std::unique_ptr<Exchange> exchange_;
  std::unique_ptr<SnapshotTaker> snapshots_;  // called by the sequencer: destroyed after it
  std::unique_ptr<Sequencer> sequencer_;
  std::unique_ptr<fix::Gateway> gateway_;
  fix::MarketDataService* market_data_ = nullptr;  // owned by gateway_
  // Listens to settlement_ (declared first: destroyed after it).
  std::unique_ptr<SettlementDropCopy> settlement_drop_copy_;
  std::unique_ptr<settlement::SettlementBridge> settlement_;  // reads the journal file only
  ReplayStats replayed_;
  RecoveryStats recovery_;
  ViewsRestore views_;
  bool started_ = false;
  std::thread oracle_keeper_;
  std::mutex keeper_mutex_;
  std::condition_variable keeper_cv_;
  bool keeper_stop_ = false;
};

}  // namespace qd
