#include "app/gateway/venue.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace qd {

ExchangeSpec exchange_spec_from(const VenueConfig& config) {
  ExchangeSpec spec;
  for (const MarketConfig& m : config.markets) spec.markets.push_back(to_market_spec(m));
  for (const AccountConfig& a : config.accounts) {
    spec.accounts.push_back(
        AccountSpec{a.number, a.stp_mode, a.stp_group, a.max_open_orders, a.enabled});
  }
  return spec;
}

namespace {
void ensure_parent_dir(const std::string& file) {
  const auto parent = std::filesystem::path(file).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
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
  sequencer_ = std::make_unique<Sequencer>(*exchange_, journal_.get(), sequencer_options(config_));
  gateway_ = std::make_unique<fix::Gateway>(config_, *sequencer_);
  sequencer_->add_listener(gateway_.get());

  // Restart = replay: the edges rebuild their views from the same events, sending nothing.
  replayed_ = replay_journal(*journal_, *exchange_, [&](std::span<const Event> events) {
    gateway_->on_events(events);
  });
  spdlog::info("event=journal_replayed path={} commands={} events={} last_seq={}",
               config_.journal.path, replayed_.commands, replayed_.events, replayed_.last_seq);
}

Venue::~Venue() { stop(); }

void Venue::seed_new_journal() {
  // A new venue starts every market at its configured reference price, as journaled commands.
  for (const MarketConfig& m : config_.markets) {
    if (m.oracle.initial_price.raw > 0) {
      sequencer_->try_submit(SetMarkPrice{m.id, m.oracle.initial_price});
    }
  }
}

void Venue::start() {
  sequencer_->start();
  if (replayed_.commands == 0) seed_new_journal();
  gateway_->start();
  started_ = true;
  spdlog::info("event=venue_started name=\"{}\" markets={} accounts={} sessions={}",
               config_.venue.name, config_.markets.size(), config_.accounts.size(),
               config_.sessions.size());
}

void Venue::stop() {
  if (!started_) return;
  started_ = false;
  gateway_->stop();
  sequencer_->stop();
  spdlog::info("event=venue_stopped last_seq={}", sequencer_->last_seq());
}

}  // namespace qd
