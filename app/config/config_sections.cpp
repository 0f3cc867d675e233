// The single-mapping sections and the listeners.

#include <arpa/inet.h>

#include "app/config/config_parse.hpp"

namespace qd {

namespace {

void read_port(MapReader& r, uint16_t& out, std::vector<PortUse>& ports) {
  if (r.integer_as("port", out, 1, 65535))
    ports.push_back(PortUse{out, r.path("port"), r.loc("port")});
}

void parse_tls(const ConfigNode& n, const std::string& path, TlsConfig& t, ConfigErrors& errors) {
  MapReader r(n, path, errors);
  r.require("cert");
  r.text("cert", t.cert);
  r.require("key");
  r.text("key", t.key);
  r.text("ca", t.ca);
  if (r.boolean("require_client_cert", t.require_client_cert) && t.require_client_cert &&
      t.ca.empty()) {
    r.error("require_client_cert",
            "client certificates cannot be checked without a CA; set tls.ca");
  }
  r.finish();
}

// A listener binds exactly this address (fix/socket_acceptor.hpp); a host name would be resolved
// only when the gateway starts, so it is refused here where the error has a line.
bool is_ipv4_address(const std::string& text) {
  in_addr any{};
  return ::inet_pton(AF_INET, text.c_str(), &any) == 1;
}

bool is_ipv6_address(const std::string& text) {
  in6_addr any{};
  return ::inet_pton(AF_INET6, text.c_str(), &any) == 1;
}

bool is_ip_address(const std::string& text) {
  return is_ipv4_address(text) || is_ipv6_address(text);
}

}  // namespace

void parse_listeners(const ConfigNode& list, std::vector<ListenerConfig>& out, NameIndex& names,
                     std::vector<PortUse>& ports, ConfigErrors& errors) {
  for (size_t i = 0; i < list.items.size(); ++i) {
    ListenerConfig l;
    MapReader r(list.items[i], "listeners[" + std::to_string(i) + "]", errors);
    if (!r.ok()) continue;
    r.require("name");
    if (r.text("name", l.name)) {
      SourceLoc first;
      if (!names.add(l.name, r.loc("name"), first)) {
        r.error("name", '"' + l.name + "\" is already defined at " + where(first) +
                            "; listener names must be unique");
      }
    }
    if (r.text("bind", l.bind) && !l.bind.empty() && l.bind != "localhost" &&
        !is_ip_address(l.bind))
      r.error("bind", '"' + l.bind + "\" is not an IPv4 or IPv6 address (or localhost)");
    r.require("port");
    read_port(r, l.port, ports);
    if (const ConfigNode* t = r.map("tls")) {
      l.tls = TlsConfig{};
      parse_tls(*t, r.path("tls"), *l.tls, errors);
    }
    r.finish();
    out.push_back(std::move(l));
  }
}

void parse_venue(const ConfigNode& n, VenueSection& v, ConfigErrors& errors) {
  MapReader r(n, "venue", errors);
  r.text("name", v.name);
  r.text("data_dir", v.data_dir);
  r.finish();
}

void parse_engine(const ConfigNode& n, EngineConfig& e, ConfigErrors& errors) {
  MapReader r(n, "engine", errors);
  r.integer_as("queue_capacity", e.queue_capacity, 1024, 16'777'216);
  r.integer_as("clock_tick_ms", e.clock_tick_ms, 1, 1000);
  r.finish();
}

void parse_journal(const ConfigNode& n, JournalConfig& j, ConfigErrors& errors) {
  MapReader r(n, "journal", errors);
  r.text("path", j.path);
  size_t d = 0;
  if (r.choice("durability", {"sync", "normal"}, d)) j.durability = Durability(d);
  r.integer_as("batch_max_commands", j.batch_max_commands, 1, 65536);
  r.integer_as("batch_max_delay_us", j.batch_max_delay_us, 0, 1'000'000);
  // Each snapshot pauses the engine while it copies the state: not more often than 1000 commands.
  if (r.integer_as("snapshot_every_commands", j.snapshot_every_commands, 0, 1'000'000'000) &&
      j.snapshot_every_commands > 0 && j.snapshot_every_commands < 1000)
    r.error("snapshot_every_commands", "must be 0 (off) or at least 1000");
  // Saving the views pauses the publisher: not more often than 1000 commands either.
  if (r.integer_as("view_snapshot_every_commands", j.view_snapshot_every_commands, 0,
                   1'000'000'000) &&
      j.view_snapshot_every_commands > 0 && j.view_snapshot_every_commands < 1000)
    r.error("view_snapshot_every_commands", "must be 0 (off) or at least 1000");
  r.finish();
}

void parse_risk(const ConfigNode& n, RiskConfig& k, ConfigErrors& errors) {
  MapReader r(n, "risk", errors);
  read_fixed(r, "insurance_fund", k.insurance_fund, 0);
  read_pct_bps(r, "liquidation_fee_pct", k.liquidation_fee_bps, 0, 1000);
  read_pct_bps(r, "liquidation_buffer_pct", k.liquidation_buffer_bps, 0, 2000);
  read_pct_bps(r, "unrealized_pnl_weight_pct", k.unrealized_pnl_weight_bps, 0, 10000);
  read_fixed(r, "impact_notional", k.impact_notional, 1);
  r.integer_as("funding_sample_s", k.funding_sample_s, 1, 3600);
  // Seven decimals of a percent are the funding rate's 1e-9.
  const DecimalRule rate{7, 0, 10'000'000, "0.0000001% = 1e-9"};
  r.decimal("funding_interest_rate_pct", rate, k.funding_interest_8h_e9);
  r.decimal("funding_clamp_pct", rate, k.funding_clamp_8h_e9);
  r.decimal("funding_cap_hourly_pct", rate, k.funding_cap_hourly_e9);
  r.finish();
}

void parse_settlement(const ConfigNode& n, SettlementConfig& s, ConfigErrors& errors) {
  MapReader r(n, "settlement", errors);
  r.boolean("enabled", s.enabled);
  if (r.text("rpc_url", s.rpc_url) && s.rpc_url.rfind("http://", 0) != 0 &&
      s.rpc_url.rfind("https://", 0) != 0) {
    r.error("rpc_url", '"' + s.rpc_url + "\" is not an http:// or https:// URL");
  }
  size_t c = 0;
  if (r.choice("commitment", {"processed", "confirmed", "finalized"}, c)) {
    s.commitment = Commitment(c);
  }
  r.text("keys_dir", s.keys_dir);
  r.text("manifest", s.manifest);
  read_fixed(r, "delegate_allowance", s.delegate_allowance, 0);
  read_fixed(r, "vault_float", s.vault_float, 0);
  r.integer_as("batch_max_fills", s.batch_max_fills, 1, 1000);
  r.integer_as("batch_max_delay_ms", s.batch_max_delay_ms, 1, 3'600'000);
  r.finish();
}

void parse_localnet(const ConfigNode& n, LocalnetConfig& l, std::vector<PortUse>& ports,
                    ConfigErrors& errors) {
  MapReader r(n, "localnet", errors);
  read_port(r, l.port, ports);
  r.integer_as("block_ms", l.block_ms, 1, 10000);
  r.text("state_file", l.state_file);
  r.integer_as("finalize_depth", l.finalize_depth, 1, 1000);
  r.finish();
}

void parse_metrics(const ConfigNode& n, MetricsConfig& m, std::vector<PortUse>& ports,
                   ConfigErrors& errors) {
  MapReader r(n, "metrics", errors);
  r.boolean("enabled", m.enabled);
  // The metrics HTTP server takes IPv4 only, and reads a malformed address as another one
  // ("127.0.0.256" listens on 127.0.1.0), so the address is checked here.
  if (r.text("bind", m.bind) && m.bind != "localhost" && !is_ipv4_address(m.bind)) {
    r.error("bind",
            '"' + m.bind + "\" is not an IPv4 address (or localhost)" +
                (is_ipv6_address(m.bind) ? "; the metrics server listens on IPv4 only" : ""));
  }
  read_port(r, m.port, ports);
  r.finish();
}

void parse_admin(const ConfigNode& n, AdminConfig& a, ConfigErrors& errors) {
  MapReader r(n, "admin", errors);
  r.text("socket", a.socket);
  r.finish();
}

void parse_logging(const ConfigNode& n, LoggingConfig& l, ConfigErrors& errors) {
  MapReader r(n, "logging", errors);
  size_t level = 0;
  if (r.choice("level", {"trace", "debug", "info", "warn", "error", "critical", "off"}, level)) {
    l.level = LogLevel(level);
  }
  const ConfigEntry* file = r.get("file");
  if (file && file->value.kind == ConfigNode::Kind::scalar && file->value.scalar.empty()) {
    l.file.clear();  // "" = stderr only
  } else {
    r.text("file", l.file);
  }
  r.integer_as("max_size_mb", l.max_size_mb, 1, 10000);
  r.integer_as("max_files", l.max_files, 1, 1000);
  r.finish();
}

void parse_market_data(const ConfigNode& n, MarketDataConfig& m, ConfigErrors& errors) {
  MapReader r(n, "market_data", errors);
  r.integer_as("max_depth", m.max_depth, 0, 10000);
  r.integer_as("conflation_interval_ms", m.conflation_interval_ms, 0, 60000);
  r.integer_as("session_queue_limit", m.session_queue_limit, 10, 1'000'000);
  r.integer_as("max_subscriptions", m.max_subscriptions, 1, 10000);
  r.finish();
}

}  // namespace qd
