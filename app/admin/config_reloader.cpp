#include "app/admin/config_reloader.hpp"

#include <spdlog/spdlog.h>

#include "app/admin/log_fields.hpp"
#include "app/config/config_loader.hpp"
#include "app/config/reload_plan.hpp"
#include "settlement/bridge/settlement_bridge.hpp"

namespace qd::admin {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

nlohmann::json list(const std::vector<std::string>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

}  // namespace

nlohmann::json ReloadOutcome::to_json() const {
  nlohmann::json j;
  j["valid"] = valid;
  j["errors"] = list(errors);
  j["applied"] = list(applied);
  j["pending"] = list(pending);
  j["restart"] = list(restart);
  j["initial_only"] = list(no_effect);
  j["pending_note"] =
      "pending = live-class settings this gateway cannot apply yet: that needs a journaled "
      "config command in the engine; they take effect at the next restart";
  return j;
}

std::string ReloadOutcome::summary() const {
  return "valid=" + std::string(valid ? "true" : "false") +
         " errors=" + std::to_string(errors.size()) + " applied=" + std::to_string(applied.size()) +
         " pending=" + std::to_string(pending.size()) +
         " restart=" + std::to_string(restart.size()) +
         " initial_only=" + std::to_string(no_effect.size());
}

ConfigReloader::ConfigReloader(std::string config_path, VenueConfig running, CommandSink& engine)
    : config_path_(std::move(config_path)), running_(std::move(running)), engine_(engine) {}

ReloadOutcome ConfigReloader::reload(std::string_view source) {
  std::lock_guard lock(mu_);
  ReloadOutcome out = reload_locked();
  spdlog::info("event=config_reload source={} file={} {}", source, kv(config_path_), out.summary());
  for (const auto& e : out.errors) spdlog::warn("event=config_reload_error error={}", kv(e));
  auto each = [](const char* action, const std::vector<std::string>& v) {
    for (const auto& c : v) {
      spdlog::info("event=config_reload_change action={} change={}", action, kv(c));
    }
  };
  each("applied", out.applied);
  each("pending", out.pending);
  each("restart", out.restart);
  each("initial_only", out.no_effect);
  return out;
}

ReloadOutcome ConfigReloader::reload_locked() {
  ReloadOutcome out;
  if (config_path_.empty()) {
    out.errors.push_back(
        "the gateway runs the embedded quickstart configuration: there is no file to reload "
        "(start it with --config FILE)");
    return out;
  }
  ConfigResult loaded = load_config(config_path_);
  if (!loaded) {
    for (const ConfigError& e : loaded.errors()) out.errors.push_back(e.to_string());
    return out;
  }
  out.valid = true;
  const VenueConfig& next = *loaded;
  const ReloadPlan plan = diff_for_reload(running_, next);

  // What this gateway applies live; everything else of class live stays pending.
  std::vector<std::string> applied_prefixes;
  for (MarketConfig& m : running_.markets) {
    for (const MarketConfig& n : next.markets) {
      if (n.symbol != m.symbol || n.status == m.status) continue;
      if (engine_.try_submit(SetMarketStatus{m.id, n.status})) {
        m.status = n.status;
        applied_prefixes.push_back("markets[" + m.symbol + "].status:");
      }
    }
  }
  if (next.logging.level != running_.logging.level) {
    spdlog::default_logger()->set_level(
        static_cast<spdlog::level::level_enum>(static_cast<int>(next.logging.level)));
    running_.logging.level = next.logging.level;
    applied_prefixes.push_back("logging.level:");
  }
  const SettlementConfig& ns = next.settlement;
  SettlementConfig& rs = running_.settlement;
  if (settlement_ != nullptr && (ns.batch_max_fills != rs.batch_max_fills ||
                                 ns.batch_max_delay_ms != rs.batch_max_delay_ms)) {
    settlement_->set_batch_limits(ns.batch_max_fills, ns.batch_max_delay_ms);
    rs.batch_max_fills = ns.batch_max_fills;
    rs.batch_max_delay_ms = ns.batch_max_delay_ms;
    applied_prefixes.push_back("settlement.batch_max_fills:");
    applied_prefixes.push_back("settlement.batch_max_delay_ms:");
  }

  for (const ReloadChange& c : plan.changes) {
    switch (c.action) {
      case ReloadAction::live: {
        bool applied = false;
        for (const auto& p : applied_prefixes) applied = applied || starts_with(c.description, p);
        (applied ? out.applied : out.pending).push_back(c.description);
        break;
      }
      case ReloadAction::restart:
        out.restart.push_back(c.description);
        break;
      case ReloadAction::no_effect:
        out.no_effect.push_back(c.description);
        break;
    }
  }
  return out;
}

}  // namespace qd::admin
