#include "app/config/reload_plan.hpp"

#include "core/decimal.hpp"

namespace qd {

namespace {

using A = ReloadAction;

/// One comparable setting: its YAML name, its value as the operator wrote it, and what changing
/// it takes.
struct Field {
  std::string name;
  std::string value;
  A action;
  bool secret = false;
};

std::string yn(bool b) {
  return b ? "true" : "false";
}
std::string num(uint64_t v) {
  return std::to_string(v);
}
std::string pct(int64_t bps) {
  return format_decimal(bps, 2);
}  // bps -> "5" (%)
std::string bps(int64_t ppm) {
  return format_decimal(ppm, 2);
}  // ppm -> "-2" (bps)

const char* name_of(LogLevel l) {
  static constexpr const char* names[] = {"trace", "debug",    "info", "warn",
                                          "error", "critical", "off"};
  return names[static_cast<size_t>(l)];
}

std::string day(const std::optional<Weekday>& d) {
  static constexpr const char* names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  return d ? names[static_cast<size_t>(*d)] : "(none)";
}

std::string tls_text(const std::optional<TlsConfig>& t) {
  if (!t) return "(none)";
  return "cert=" + t->cert + " key=" + t->key + " ca=" + t->ca +
         " require_client_cert=" + yn(t->require_client_cert);
}

std::string join(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

std::string key_text(const std::optional<std::array<uint8_t, 32>>& k) {
  if (!k) return "(none)";
  std::string s;
  for (uint8_t b : *k) s += std::to_string(b) + ',';
  return s;
}

std::vector<Field> fields(const MarketConfig& m) {
  const OracleConfig& o = m.oracle;
  return {
      {"position", num(m.id), A::restart},
      {"tick_size", to_string(m.tick_size), A::restart},
      {"lot_size", to_string(m.lot_size), A::restart},
      {"min_size", to_string(m.min_size), A::live},
      {"min_notional", to_string(m.min_notional), A::live},
      {"max_order_size", to_string(m.max_order_size), A::live},
      {"max_order_notional", to_string(m.max_order_notional), A::live},
      {"price_band_pct", pct(m.price_band_bps), A::live},
      {"initial_margin_pct", pct(m.initial_margin_bps), A::live},
      {"maintenance_margin_pct", pct(m.maintenance_margin_bps), A::live},
      {"imf_factor", format_decimal(m.imf_factor_ppm, 6), A::live},
      {"max_position", to_string(m.max_position), A::live},
      {"open_interest_cap", to_string(m.open_interest_cap), A::live},
      {"maker_fee_bps", bps(m.maker_fee_ppm), A::live},
      {"taker_fee_bps", bps(m.taker_fee_ppm), A::live},
      {"funding_interval_s", num(m.funding_interval_s), A::restart},
      {"oracle.source", "admin", A::restart},
      {"oracle.initial_price", to_string(o.initial_price), A::no_effect},
      {"oracle.max_staleness_s", num(o.max_staleness_s), A::live},
      {"oracle.fill_staleness_s", num(o.fill_staleness_s), A::live},
      {"oracle.max_confidence_pct", pct(o.max_confidence_bps), A::live},
      {"oracle.mark_band_pct", pct(o.mark_band_bps), A::live},
      {"status", to_string(m.status), A::live},
      {"day_end_offset_s", num(uint64_t(m.day_end_offset_ns / 1'000'000'000)), A::live},
  };
}

std::vector<Field> fields(const AccountConfig& a) {
  return {
      {"position", num(a.number), A::restart},
      {"collateral", to_string(a.collateral), A::no_effect},
      {"stp_mode", to_string(a.stp_mode), A::live},
      {"stp_group", num(a.stp_group), A::live},
      {"max_open_orders", num(a.max_open_orders), A::live},
      {"enabled", yn(a.enabled), A::live},
  };
}

std::vector<Field> fields(const QuickFixSettings& q) {
  return {
      {"quickfix.HeartBtInt", num(q.heart_bt_int), A::restart},
      {"quickfix.StartTime", q.start_time.to_string(), A::restart},
      {"quickfix.EndTime", q.end_time.to_string(), A::restart},
      {"quickfix.StartDay", day(q.start_day), A::restart},
      {"quickfix.EndDay", day(q.end_day), A::restart},
      {"quickfix.TimeZone", q.time_zone == SessionTimeZone::utc ? "UTC" : "local", A::restart},
      {"quickfix.ResetOnLogon", yn(q.reset_on_logon), A::restart},
      {"quickfix.ResetOnLogout", yn(q.reset_on_logout), A::restart},
      {"quickfix.ResetOnDisconnect", yn(q.reset_on_disconnect), A::restart},
      {"quickfix.RefreshOnLogon", yn(q.refresh_on_logon), A::restart},
      {"quickfix.ValidateFieldsOutOfOrder", yn(q.validate_fields_out_of_order), A::restart},
      {"quickfix.ValidateFieldsHaveValues", yn(q.validate_fields_have_values), A::restart},
      {"quickfix.ValidateUserDefinedFields", yn(q.validate_user_defined_fields), A::restart},
      {"quickfix.AllowUnknownMsgFields", yn(q.allow_unknown_msg_fields), A::restart},
      {"quickfix.TimestampPrecision", num(q.timestamp_precision), A::restart},
      {"quickfix.MaxLatency", num(q.max_latency), A::restart},
      {"quickfix.CheckLatency", yn(q.check_latency), A::restart},
      {"quickfix.LogoutTimeout", num(q.logout_timeout), A::restart},
      {"quickfix.LogonTimeout", num(q.logon_timeout), A::restart},
      {"quickfix.PersistMessages", yn(q.persist_messages), A::restart},
      {"quickfix.FileStorePath", q.file_store_path, A::restart},
      {"quickfix.FileLogPath", q.file_log_path, A::restart},
  };
}

std::vector<Field> fields(const SessionConfig& s) {
  std::vector<Field> f = {
      {"role", to_string(s.role), A::restart},
      {"listener", s.listener, A::restart},
      // The gateway reads these from the config it started with (the session's account list,
      // its logon check, its flags): they change at a restart.
      {"accounts", s.all_accounts ? "all" : join(s.accounts), A::restart},
      {"auth.username", s.auth.username, A::restart},
      {"auth.password_hash", s.auth.password_hash, A::restart, true},
      {"auth.ed25519_public_key", key_text(s.auth.ed25519_public_key), A::restart, true},
      {"cancel_on_disconnect", yn(s.cancel_on_disconnect), A::restart},
      {"allow_market_data", yn(s.allow_market_data), A::restart},
      {"trade_capture_reports", yn(s.trade_capture_reports), A::restart},
      {"enabled", yn(s.enabled), A::live},
  };
  const ThrottleConfig none{0, 0, 0, 0};
  const ThrottleConfig& t = s.throttle ? *s.throttle : none;
  f.push_back({"throttle.messages_per_second", num(t.messages_per_second), A::live});
  f.push_back({"throttle.burst", num(t.burst), A::live});
  f.push_back({"throttle.logout_after_breaches", num(t.logout_after_breaches), A::live});
  f.push_back({"throttle.breach_window_s", num(t.breach_window_s), A::live});
  for (Field& q : fields(s.quickfix)) f.push_back(std::move(q));
  return f;
}

std::vector<Field> fields(const ListenerConfig& l) {
  return {{"bind", l.bind, A::restart},
          {"port", num(l.port), A::restart},
          {"tls", tls_text(l.tls), A::restart}};
}

std::vector<Field> global_fields(const VenueConfig& c) {
  const RiskConfig& r = c.risk;
  const SettlementConfig& s = c.settlement;
  return {
      {"venue.name", c.venue.name, A::live},
      {"venue.data_dir", c.venue.data_dir, A::restart},
      {"engine.queue_capacity", num(c.engine.queue_capacity), A::restart},
      {"engine.clock_tick_ms", num(c.engine.clock_tick_ms), A::restart},
      {"journal.path", c.journal.path, A::restart},
      {"journal.durability", c.journal.durability == Durability::sync ? "sync" : "normal",
       A::restart},
      {"journal.batch_max_commands", num(c.journal.batch_max_commands), A::restart},
      {"journal.batch_max_delay_us", num(c.journal.batch_max_delay_us), A::restart},
      {"journal.snapshot_every_commands", num(c.journal.snapshot_every_commands), A::restart},
      {"journal.view_snapshot_every_commands", num(c.journal.view_snapshot_every_commands),
       A::restart},
      {"risk.insurance_fund", to_string(r.insurance_fund), A::no_effect},
      {"risk.liquidation_fee_pct", pct(r.liquidation_fee_bps), A::live},
      {"risk.liquidation_buffer_pct", pct(r.liquidation_buffer_bps), A::live},
      {"risk.unrealized_pnl_weight_pct", pct(r.unrealized_pnl_weight_bps), A::live},
      {"risk.impact_notional", to_string(r.impact_notional), A::live},
      {"risk.funding_sample_s", num(r.funding_sample_s), A::live},
      {"risk.funding_interest_rate_pct", format_decimal(r.funding_interest_8h_e9, 7), A::live},
      {"risk.funding_clamp_pct", format_decimal(r.funding_clamp_8h_e9, 7), A::live},
      {"risk.funding_cap_hourly_pct", format_decimal(r.funding_cap_hourly_e9, 7), A::live},
      {"settlement.enabled", yn(s.enabled), A::restart},
      {"settlement.rpc_url", s.rpc_url, A::restart},
      {"settlement.commitment",
       s.commitment == Commitment::processed   ? "processed"
       : s.commitment == Commitment::confirmed ? "confirmed"
                                               : "finalized",
       A::restart},
      {"settlement.keys_dir", s.keys_dir, A::restart},
      {"settlement.manifest", s.manifest, A::restart},
      {"settlement.delegate_allowance", to_string(s.delegate_allowance), A::restart},
      {"settlement.vault_float", to_string(s.vault_float), A::restart},
      {"settlement.batch_max_fills", num(s.batch_max_fills), A::live},
      {"settlement.batch_max_delay_ms", num(s.batch_max_delay_ms), A::live},
      {"localnet.port", num(c.localnet.port), A::restart},
      {"localnet.block_ms", num(c.localnet.block_ms), A::restart},
      {"localnet.state_file", c.localnet.state_file, A::restart},
      {"localnet.finalize_depth", num(c.localnet.finalize_depth), A::restart},
      {"metrics.enabled", yn(c.metrics.enabled), A::restart},
      {"metrics.bind", c.metrics.bind, A::restart},
      {"metrics.port", num(c.metrics.port), A::restart},
      {"admin.socket", c.admin.socket, A::restart},
      {"logging.level", name_of(c.logging.level), A::live},
      {"logging.file", c.logging.file, A::restart},
      {"logging.max_size_mb", num(c.logging.max_size_mb), A::restart},
      {"logging.max_files", num(c.logging.max_files), A::restart},
      {"market_data.max_depth", num(c.market_data.max_depth), A::restart},
      {"market_data.conflation_interval_ms", num(c.market_data.conflation_interval_ms), A::restart},
      {"market_data.session_queue_limit", num(c.market_data.session_queue_limit), A::restart},
      {"market_data.max_subscriptions", num(c.market_data.max_subscriptions), A::restart},
  };
}

void diff_fields(const std::string& prefix, const std::vector<Field>& a,
                 const std::vector<Field>& b, ReloadPlan& plan) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].value == b[i].value) continue;
    std::string what = prefix + a[i].name;
    plan.changes.push_back({a[i].action, a[i].secret
                                             ? what + " changed"
                                             : what + ": " + a[i].value + " -> " + b[i].value});
  }
}

/// Matches two lists by key: changed, removed (in old order), then added (in new order).
template <class T, class Key, class OnRemoved, class OnAdded>
void diff_list(const std::vector<T>& a, const std::vector<T>& b, Key key,
               const std::string& section, ReloadPlan& plan, OnRemoved on_removed,
               OnAdded on_added) {
  for (const T& x : a) {
    const T* y = nullptr;
    for (const T& c : b)
      if (key(c) == key(x)) y = &c;
    if (y == nullptr) {
      on_removed(x);
    } else {
      diff_fields(section + "[" + key(x) + "].", fields(x), fields(*y), plan);
    }
  }
  for (const T& y : b) {
    bool known = false;
    for (const T& x : a) known = known || key(x) == key(y);
    if (!known) on_added(y);
  }
}

}  // namespace

bool ReloadPlan::needs_restart() const {
  for (const ReloadChange& c : changes)
    if (c.action == ReloadAction::restart) return true;
  return false;
}

std::vector<std::string> ReloadPlan::descriptions(ReloadAction action) const {
  std::vector<std::string> out;
  for (const ReloadChange& c : changes)
    if (c.action == action) out.push_back(c.description);
  return out;
}

ReloadPlan diff_for_reload(const VenueConfig& a, const VenueConfig& b) {
  ReloadPlan plan;
  auto add = [&](A action, std::string d) { plan.changes.push_back({action, std::move(d)}); };
  diff_fields("", global_fields(a), global_fields(b), plan);

  diff_list(
      a.listeners, b.listeners, [](const ListenerConfig& l) { return l.name; }, "listeners", plan,
      [&](const ListenerConfig& l) { add(A::restart, "listeners[" + l.name + "] removed"); },
      [&](const ListenerConfig& l) { add(A::restart, "listeners[" + l.name + "] added"); });

  diff_list(
      a.markets, b.markets, [](const MarketConfig& m) { return m.symbol; }, "markets", plan,
      [&](const MarketConfig& m) {
        add(A::restart, "markets[" + m.symbol + "] removed (books are laid out at start)");
      },
      [&](const MarketConfig& m) {
        add(A::restart, "markets[" + m.symbol + "] added (books are laid out at start)");
      });

  diff_list(
      a.accounts, b.accounts, [](const AccountConfig& x) { return x.id; }, "accounts", plan,
      [&](const AccountConfig& x) {
        add(A::restart, "accounts[" + x.id +
                            "] removed (numbering is by position: disable it "
                            "with enabled: false instead)");
      },
      [&](const AccountConfig& x) {
        // Appended accounts take fresh numbers; anywhere else they would renumber others.
        bool appended = x.number > a.accounts.size();
        add(appended ? A::live : A::restart,
            "accounts[" + x.id + "] added" + (appended ? "" : " (not at the end of the list)"));
      });

  auto pair = [](const SessionConfig& s) { return s.sender_comp_id + "->" + s.target_comp_id; };
  diff_list(
      a.sessions, b.sessions, pair, "sessions", plan,
      [&](const SessionConfig& s) {
        add(A::restart,
            "sessions[" + pair(s) + "] removed (to stop it now, set enabled: false and reload)");
      },
      [&](const SessionConfig& s) {
        add(A::restart, "sessions[" + pair(s) +
                            "] added (QuickFIX sessions are created when the listeners start)");
      });
  return plan;
}

}  // namespace qd
