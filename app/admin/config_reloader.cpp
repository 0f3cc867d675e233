#include "app/admin/config_reloader.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "app/admin/log_fields.hpp"
#include "app/config/config_loader.hpp"
#include "app/config/reload_plan.hpp"
#include "app/gateway/exchange_spec_from.hpp"
#include "engine/sequencer.hpp"
#include "fix/gateway.hpp"
#include "settlement/bridge/settlement_bridge.hpp"

namespace qd::admin {

namespace {

constexpr auto kApplyTimeout = std::chrono::seconds(5);

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

nlohmann::json list(const std::vector<std::string>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

const MarketConfig* market_named(const VenueConfig& c, const std::string& symbol) {
  for (const MarketConfig& m : c.markets)
    if (m.symbol == symbol) return &m;
  return nullptr;
}

const AccountConfig* account_named(const VenueConfig& c, const std::string& id) {
  for (const AccountConfig& a : c.accounts)
    if (a.id == id) return &a;
  return nullptr;
}

UpdateAccount account_command(const AccountConfig& a) {
  return UpdateAccount{a.number, a.stp_mode, a.stp_group, a.max_open_orders, a.enabled};
}

bool same(const AccountSpec& s, const UpdateAccount& u) {
  return s.stp_mode == u.stp_mode && s.stp_group == u.stp_group &&
         s.max_open_orders == u.max_open_orders && s.enabled == u.enabled;
}

}  // namespace

nlohmann::json ReloadOutcome::to_json() const {
  nlohmann::json j;
  j["valid"] = valid;
  j["errors"] = list(errors);
  j["applied"] = list(applied);
  j["refused"] = list(refused);
  j["pending"] = list(pending);
  j["restart"] = list(restart);
  j["initial_only"] = list(no_effect);
  j["pending_note"] =
      "pending = live-class changes this gateway cannot make while running (a throttle added "
      "or removed; enabling a session disabled at start); they take effect at the next restart";
  return j;
}

std::string ReloadOutcome::summary() const {
  return "valid=" + std::string(valid ? "true" : "false") +
         " errors=" + std::to_string(errors.size()) + " applied=" + std::to_string(applied.size()) +
         " refused=" + std::to_string(refused.size()) +
         " pending=" + std::to_string(pending.size()) +
         " restart=" + std::to_string(restart.size()) +
         " initial_only=" + std::to_string(no_effect.size());
}

EngineAlignment align_engine(const Exchange& ex, const VenueConfig& running,
                             const VenueConfig& next, bool all) {
  EngineAlignment out;
  for (const MarketConfig& n : next.markets) {
    const MarketConfig* r = market_named(running, n.symbol);
    // Added, removed or moved markets change the books' layout: restart class.
    if (r == nullptr || r->id != n.id || n.id >= ex.market_count()) continue;
    const risk::MarketRiskParams rp = risk_params_from(n, next.risk);
    const MarketParams wanted = market_params_of(to_market_spec(n), ex.risk() ? &rp : nullptr);
    if (!all && wanted == ex.market_params(n.id)) continue;
    if (std::string why = ex.check_market_params(n.id, wanted); !why.empty()) {
      out.refused.push_back("markets[" + n.symbol + "]: " + why);
      continue;
    }
    out.commands.push_back(UpdateMarketParams{n.id, wanted});
    out.markets.emplace_back(n.id, wanted);
    out.applied_prefixes.push_back("markets[" + n.symbol + "].");
  }
  if (out.refused.empty()) out.applied_prefixes.push_back("risk.");  // venue-wide: every market
  for (const AccountConfig& n : next.accounts) {
    const AccountConfig* r = account_named(running, n.id);
    const bool appended = r == nullptr && n.number > running.accounts.size();
    if (r != nullptr && r->number != n.number) continue;  // renumbered: restart class
    if (r == nullptr && !appended) continue;
    const UpdateAccount wanted = account_command(n);
    const AccountSpec* now = ex.account_spec(n.number);
    if (!all && now != nullptr && same(*now, wanted)) continue;
    out.commands.push_back(wanted);
    out.accounts.emplace_back(n.number, wanted);
    if (appended) {
      // A new account starts with its configured collateral, as at a first start.
      if (n.collateral.raw > 0) out.commands.push_back(Deposit{n.number, n.collateral});
      out.applied_prefixes.push_back("accounts[" + n.id + "] added");
    } else {
      out.applied_prefixes.push_back("accounts[" + n.id + "].");
    }
  }
  return out;
}

ConfigReloader::ConfigReloader(std::string config_path, VenueConfig running, Sequencer& engine)
    : config_path_(std::move(config_path)), running_(std::move(running)), engine_(engine) {}

std::vector<std::string> ConfigReloader::align_engine_at_start(bool new_journal) {
  std::lock_guard lock(mu_);
  EngineAlignment a;
  // Before start() this runs right here: nothing else touches the exchange yet.
  engine_.run_on_engine(
      [&](const Exchange& ex) { a = align_engine(ex, running_, running_, new_journal); });
  std::vector<std::string> out;
  for (const CommandBody& c : a.commands) {
    if (!engine_.try_submit(c)) throw std::runtime_error("engine queue full at start");
  }
  for (const auto& [id, p] : a.markets) {
    (void)p;
    out.push_back(std::string(new_journal ? "recorded" : "applied") + " markets[" +
                  running_.markets[id].symbol + "] parameters");
  }
  for (const auto& [id, u] : a.accounts) {
    (void)u;
    out.push_back(std::string(new_journal ? "recorded" : "applied") + " accounts[" +
                  running_.accounts[id - 1].id + "] settings");
  }
  for (const std::string& r : a.refused) out.push_back("refused " + r);
  for (const std::string& line : out) {
    spdlog::info("event=config_at_start journal={} change={}", new_journal ? "new" : "replayed",
                 kv(line));
  }
  return out;
}

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
  each("refused", out.refused);
  each("pending", out.pending);
  each("restart", out.restart);
  each("initial_only", out.no_effect);
  return out;
}

std::string ConfigReloader::submit_and_wait(const EngineAlignment& a) {
  for (const CommandBody& c : a.commands) {
    if (!engine_.try_submit(c)) return "the engine queue is full or stopping";
  }
  const auto deadline = std::chrono::steady_clock::now() + kApplyTimeout;
  for (;;) {
    if (engine_.failed()) return "the engine has stopped (journal failure)";
    bool seen = true;
    engine_.run_on_engine([&](const Exchange& ex) {
      for (const auto& [id, p] : a.markets) seen = seen && ex.market_params(id) == p;
      for (const auto& [id, u] : a.accounts) {
        const AccountSpec* s = ex.account_spec(id);
        seen = seen && s != nullptr && same(*s, u);
      }
    });
    if (seen) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return "submitted, but the engine did not show the new values within 5 s";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void ConfigReloader::remember_engine_values(const VenueConfig& next) {
  for (MarketConfig& m : running_.markets) {
    const MarketConfig* n = market_named(next, m.symbol);
    if (n == nullptr || n->id != m.id) continue;
    m.min_size = n->min_size;
    m.min_notional = n->min_notional;
    m.max_order_size = n->max_order_size;
    m.max_order_notional = n->max_order_notional;
    m.price_band_bps = n->price_band_bps;
    m.initial_margin_bps = n->initial_margin_bps;
    m.maintenance_margin_bps = n->maintenance_margin_bps;
    m.imf_factor_ppm = n->imf_factor_ppm;
    m.max_position = n->max_position;
    m.open_interest_cap = n->open_interest_cap;
    m.maker_fee_ppm = n->maker_fee_ppm;
    m.taker_fee_ppm = n->taker_fee_ppm;
    m.oracle.max_staleness_s = n->oracle.max_staleness_s;
    m.oracle.fill_staleness_s = n->oracle.fill_staleness_s;
    m.oracle.max_confidence_bps = n->oracle.max_confidence_bps;
    m.oracle.mark_band_bps = n->oracle.mark_band_bps;
    m.day_end_offset_ns = n->day_end_offset_ns;
  }
  const Quote fund = running_.risk.insurance_fund;  // initial only
  running_.risk = next.risk;
  running_.risk.insurance_fund = fund;
  for (const AccountConfig& n : next.accounts) {
    AccountConfig* r = nullptr;
    for (AccountConfig& a : running_.accounts)
      if (a.id == n.id) r = &a;
    if (r == nullptr && n.number == running_.accounts.size() + 1) {
      running_.accounts.push_back(n);
    } else if (r != nullptr && r->number == n.number) {
      const Quote collateral = r->collateral;  // initial only
      *r = n;
      r->collateral = collateral;
    }
  }
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
  if (!engine_.failed()) {
    EngineAlignment a;
    engine_.run_on_engine([&](const Exchange& ex) { a = align_engine(ex, running_, next, false); });
    out.refused = a.refused;
    if (!a.commands.empty()) {
      if (std::string why = submit_and_wait(a); !why.empty()) {
        out.refused.push_back("market and account changes: " + why);
      } else {
        applied_prefixes.insert(applied_prefixes.end(), a.applied_prefixes.begin(),
                                a.applied_prefixes.end());
        remember_engine_values(next);
      }
    } else if (a.refused.empty()) {
      remember_engine_values(next);
    }
  }
  for (MarketConfig& m : running_.markets) {
    for (const MarketConfig& n : next.markets) {
      if (n.symbol != m.symbol || n.status == m.status) continue;
      if (engine_.try_submit(SetMarketStatus{m.id, n.status})) {
        m.status = n.status;
        applied_prefixes.push_back("markets[" + m.symbol + "].status:");
      }
    }
  }
  if (gateway_ != nullptr) {
    const fix::SessionChanges s = gateway_->apply_session_changes(next);
    for (const std::string& c : s.applied) applied_prefixes.push_back(c);
    for (const std::string& c : s.restart) out.pending.push_back(c);
    for (SessionConfig& r : running_.sessions) {
      for (const SessionConfig& n : next.sessions) {
        if (n.sender_comp_id != r.sender_comp_id || n.target_comp_id != r.target_comp_id) continue;
        const std::string name = "sessions[" + r.sender_comp_id + "->" + r.target_comp_id + "]";
        for (const std::string& c : s.applied) {
          if (c == name + ".throttle") r.throttle = n.throttle;
          if (c == name + ".enabled") r.enabled = n.enabled;
        }
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
