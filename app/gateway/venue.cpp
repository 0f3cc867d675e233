#include "app/gateway/venue.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "app/gateway/engine_account_state.hpp"
#include "fix/account_report_service.hpp"
#include "fix/drop_copy_service.hpp"
#include "fix/reference_data_service.hpp"

namespace qd {

namespace {
void ensure_parent_dir(const std::string& file) {
  const auto parent = std::filesystem::path(file).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
}

/// The settlement bridge's options from the config: it reads the journal file and keeps its own
/// settlement.db beside it in the data dir (spec/SETTLEMENT.md).
settlement::BridgeOptions settlement_options(const VenueConfig& c, metrics::VenueMetrics* m) {
  settlement::BridgeOptions o;
  o.journal_path = c.journal.path;
  o.store_path = (std::filesystem::path(c.venue.data_dir) / "settlement.db").string();
  o.manifest_path = c.settlement.manifest;
  o.rpc_url = c.settlement.rpc_url;
  o.commitment = c.settlement.commitment == Commitment::processed   ? solana::Commitment::Processed
                 : c.settlement.commitment == Commitment::finalized ? solana::Commitment::Finalized
                                                                    : solana::Commitment::Confirmed;
  for (const AccountConfig& a : c.accounts) o.accounts.push_back({a.number, a.id});
  o.batch_max_fills = c.settlement.batch_max_fills;
  o.batch_max_delay_ms = c.settlement.batch_max_delay_ms;
  // Metrics: the backlog gauge, confirmed batches, and versions that failed or expired on chain.
  o.on_status = [m, confirmed = uint64_t(0), failed = uint64_t(0),
                 quarantines = uint64_t(0)](const settlement::SettlementStatus& s) mutable {
    m->set_settlement_backlog(s.pending_batches, s.oldest_unsettled_ts);
    for (; confirmed < s.batches_confirmed; ++confirmed) m->count_settlement_batch(true);
    for (; failed < s.versions_failed + s.versions_expired; ++failed)
      m->count_settlement_batch(false);
    m->set_settlement_quarantine(s.quarantined_now);
    for (; quarantines < s.quarantines; ++quarantines) m->count_settlement_quarantine();
  };
  return o;
}

SequencerOptions sequencer_options(const VenueConfig& c) {
  SequencerOptions o;
  o.queue_capacity = c.engine.queue_capacity;
  o.max_batch = c.journal.batch_max_commands;
  o.batch_max_delay_ns = int64_t(c.journal.batch_max_delay_us) * 1000;
  o.clock_tick_interval_ns = int64_t(c.engine.clock_tick_ms) * 1'000'000;
  return o;
}
}  // namespace

Venue::Venue(VenueConfig config) : config_(std::move(config)) {
  std::filesystem::create_directories(config_.venue.data_dir);
  ensure_parent_dir(config_.journal.path);
  journal_ = std::make_unique<SqliteJournal>(
      config_.journal.path,
      config_.journal.durability == Durability::sync ? JournalSync::full : JournalSync::normal);
  std::vector<NamedId> markets, accounts;
  for (const MarketConfig& m : config_.markets) markets.push_back({m.id, m.symbol});
  for (const AccountConfig& a : config_.accounts) accounts.push_back({a.number, a.id});
  journal_->record_names(markets, accounts);

  exchange_ = std::make_unique<Exchange>(exchange_spec_from(config_));
  metrics_ = std::make_unique<metrics::VenueMetrics>(config_);
  SequencerOptions options = sequencer_options(config_);
  options.on_commit = [m = metrics_.get()](std::span<const Command> batch, int64_t commit_ns) {
    m->on_commit(batch, commit_ns);
  };
  const JournalConfig& jc = config_.journal;
  if (jc.snapshot_every_commands > 0 || jc.view_snapshot_every_commands > 0) {
    SnapshotTakerOptions so;
    so.every_commands = jc.snapshot_every_commands;
    so.views_every_commands = jc.view_snapshot_every_commands;
    so.on_written = [](SnapshotKind kind, SeqNo seq, size_t bytes, int64_t capture_ns,
                       const std::string& error) {
      const char* what = kind == SnapshotKind::views ? "views" : "engine";
      if (error.empty()) {
        spdlog::info("event=snapshot_written of={} seq={} bytes={} capture_ms={:.1f}", what, seq,
                     bytes, double(capture_ns) / 1e6);
      } else {
        spdlog::warn("event=snapshot_failed of={} seq={} error=\"{}\"", what, seq, error);
      }
    };
    snapshots_ = std::make_unique<SnapshotTaker>(*journal_, std::move(so));
    if (jc.snapshot_every_commands > 0) {
      options.after_chunk = [s = snapshots_.get()](const Exchange& ex, SeqNo seq) {
        s->after_chunk(ex, seq);
      };
    }
    if (jc.view_snapshot_every_commands > 0)
      options.after_publish = [this](SeqNo seq) { save_views_if_due(seq); };
  }
  sequencer_ = std::make_unique<Sequencer>(*exchange_, journal_.get(), std::move(options));
  const std::filesystem::path data_dir(config_.venue.data_dir);
  fix::GatewayOptions gateway_options;
  gateway_options.audit_path = (data_dir / "audit.db").string();
  gateway_ = std::make_unique<fix::Gateway>(config_, *sequencer_, gateway_options);
  // Drop copy: catch-up reads the journal file; cursors persist beside it (fix/README.md).
  auto drop_copy = std::make_unique<fix::DropCopyService>(
      gateway_->context(),
      fix::DropCopyOptions{config_.journal.path, (data_dir / "drop_copy.db").string()});
  fix::DropCopyService& drop_copy_service = *drop_copy;
  gateway_->add_service(std::move(drop_copy));
  // Reference data (x/y, e/f) from the config and status events; positions and collateral
  // (AN/AP, BB/BA) read from the engine by the service's own thread (fix/README.md).
  gateway_->add_service(std::make_unique<fix::ReferenceDataService>(gateway_->context()));
  gateway_->add_service(std::make_unique<fix::AccountReportService>(
      gateway_->context(), std::make_unique<EngineAccountState>(*sequencer_)));
  // Market data: book, trades and statistics from the committed events (fix/README.md).
  fix::MarketDataOptions md;
  md.max_depth = config_.market_data.max_depth;
  md.conflation_interval_ms = config_.market_data.conflation_interval_ms;
  md.session_queue_limit = config_.market_data.session_queue_limit;
  md.max_subscriptions = config_.market_data.max_subscriptions;
  auto market_data = std::make_unique<fix::MarketDataService>(gateway_->context(), md);
  market_data_ = market_data.get();
  gateway_->add_service(std::move(market_data));
  sequencer_->add_listener(gateway_.get());
  sequencer_->add_listener(metrics_.get());
  if (config_.settlement.enabled) {
    settlement_ =
        std::make_unique<settlement::SettlementBridge>(settlement_options(config_, metrics_.get()));
    // Compliance sees settlement: each confirmed batch's fills go to the drop-copy sessions.
    settlement_drop_copy_ =
        std::make_unique<SettlementDropCopy>(drop_copy_service, gateway_->context().directory);
    settlement_->add_listener(settlement_drop_copy_.get());
  }

  // Reports committed before a crash but never handed to a session are found during the replay
  // (against each session's message store) and sent after the desk's next Logon.
  gateway_->prepare_report_recovery();
  // Restart = the newest snapshot plus a replay of the commands after it (all of them without
  // one); the edges restore their newest views and are handed the events after them, sending
  // nothing (app/gateway/venue_views.hpp).
  const bool use_snapshots = config_.journal.snapshot_every_commands > 0;
  if (config_.journal.view_snapshot_every_commands > 0) {
    views_ = restore_newest_views(*journal_, config_, *gateway_, *metrics_);
    for (const std::string& w : views_.warnings)
      spdlog::warn("event=view_snapshot_skipped path={} reason=\"{}\"", config_.journal.path, w);
  }
  recovery_ = recover_exchange(
      *journal_, *exchange_, exchange_spec_from(config_),
      [&](std::span<const Event> events) {
        gateway_->on_events(events);
        metrics_->on_replayed(events);
      },
      use_snapshots, views_.seq);
  for (const std::string& w : recovery_.warnings)
    spdlog::warn("event=snapshot_skipped path={} reason=\"{}\"", config_.journal.path, w);
  replayed_.last_seq = recovery_.replay.last_seq;
  replayed_.commands = recovery_.snapshot_seq + recovery_.replay.commands;
  replayed_.events = recovery_.stored_events + recovery_.replay.events;
  spdlog::info(
      "event=journal_replayed path={} commands={} events={} last_seq={} snapshot_seq={} "
      "snapshot_s={:.3f} views_seq={} views_s={:.3f} stored_events={} stored_events_s={:.3f} "
      "replayed_commands={} replay_s={:.3f}",
      config_.journal.path, replayed_.commands, replayed_.events, replayed_.last_seq,
      recovery_.snapshot_seq, recovery_.snapshot_seconds, views_.seq, views_.seconds,
      recovery_.stored_events, recovery_.stored_events_seconds, recovery_.replay.commands,
      recovery_.replay_seconds);
}

void Venue::save_views_if_due(SeqNo seq) {
  // Publisher thread. Not while a report may still be on its way to a message store: crash
  // recovery must find every lost report after the views (venue_views.hpp); the next batch
  // tries again.
  if (!snapshots_->views_due(seq) || !gateway_->outbound_settled()) return;
  const auto t0 = std::chrono::steady_clock::now();
  std::string blob = save_venue_views(seq, config_, *gateway_, *metrics_);
  const int64_t capture_ns = (std::chrono::steady_clock::now() - t0).count();
  snapshots_->hand_over_views(seq, views_format_version, std::move(blob), capture_ns);
}

Venue::~Venue() {
  stop();
}

namespace {
TimestampNs wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void Venue::seed_new_journal() {
  // A new venue's opening balances and prices, as journaled commands so replay needs no config:
  // the insurance fund, each account's collateral, and every market's first oracle reading.
  if (config_.risk.insurance_fund.raw > 0)
    sequencer_->try_submit(Deposit{risk::INSURANCE_FUND_ACCOUNT, config_.risk.insurance_fund});
  for (const AccountConfig& a : config_.accounts) {
    if (a.collateral.raw > 0) sequencer_->try_submit(Deposit{a.number, a.collateral});
  }
  const TimestampNs now = wall_now();
  for (const MarketConfig& m : config_.markets) {
    if (m.oracle.initial_price.raw > 0)
      sequencer_->try_submit(SetOraclePrice{m.id, m.oracle.initial_price, Price(0), now, false});
  }
}

void Venue::republish_admin_oracles() {
  std::vector<std::pair<MarketId, Price>> prices;
  sequencer_->run_on_engine([&](const Exchange& ex) {
    if (!ex.risk()) return;
    for (const MarketConfig& m : config_.markets) {
      if (m.oracle.source != OracleSource::admin) continue;
      const risk::MarketState* st = ex.risk()->market(m.id);
      if (st && st->primary.has_reading && st->primary.last.price.raw > 0)
        prices.emplace_back(m.id, st->primary.last.price);
    }
  });
  for (const auto& [id, price] : prices)
    sequencer_->try_submit(SetOraclePrice{id, price, Price(0), wall_now(), false});
}

void Venue::stop_keeper() {
  {
    std::lock_guard lock(keeper_mutex_);
    keeper_stop_ = true;
  }
  keeper_cv_.notify_all();
  if (oracle_keeper_.joinable()) oracle_keeper_.join();
}

void Venue::keep_admin_oracles_fresh() {
  std::unique_lock lock(keeper_mutex_);
  while (!keeper_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return keeper_stop_; }))
    republish_admin_oracles();
}

void Venue::start() {
  sequencer_->start();
  metrics_->start(*sequencer_, *gateway_);  // a busy metrics port stops us before desks connect
  if (replayed_.commands == 0) seed_new_journal();
  // A restarted venue's last admin prices are as old as the journal's end: fresh again before
  // the listeners accept a desk's first order, not a second later.
  republish_admin_oracles();
  oracle_keeper_ = std::thread([this] { keep_admin_oracles_fresh(); });
  try {
    if (settlement_) settlement_->start();  // its own thread; set-up problems retried there
    gateway_->start();
  } catch (...) {
    // A listener that cannot start: undo what did, so the error reaches the caller (and the
    // Venue can be destroyed) instead of a running thread ending the process.
    stop_keeper();
    if (settlement_) settlement_->stop();
    metrics_->stop();
    sequencer_->stop();
    throw;
  }
  started_ = true;
  spdlog::info("event=venue_started name=\"{}\" markets={} accounts={} sessions={}",
               config_.venue.name, config_.markets.size(), config_.accounts.size(),
               config_.sessions.size());
}

void Venue::stop() {
  if (!started_) return;
  started_ = false;
  if (settlement_) settlement_->stop();  // resumes from settlement.db at the next start
  metrics_->stop();                      // its sampler reads the engine: before the engine stops
  gateway_->stop();
  stop_keeper();
  sequencer_->stop();
  spdlog::info("event=venue_stopped last_seq={}", sequencer_->last_seq());
}

}  // namespace qd
