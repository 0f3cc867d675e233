#include "app/config/config_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <tuple>

#include "app/config/config_document.hpp"
#include "app/config/config_parse.hpp"

namespace qd {

namespace {

std::string under(const std::string& dir, const char* leaf) {
  return (std::filesystem::path(dir) / leaf).string();
}

/// Paths not set explicitly live under venue.data_dir; set before the sections are read so an
/// explicit key overrides.
void default_paths(VenueConfig& c) {
  const std::string& d = c.venue.data_dir;
  c.journal.path = under(d, "journal.db");
  c.settlement.keys_dir = under(d, "keys");
  c.settlement.manifest = under(d, "localnet-manifest.json");
  c.localnet.state_file = under(d, "localnet-state.json");
  c.admin.socket = under(d, "qdctl.sock");
  c.logging.file = under(d, "logs/quantdesk.log");
}

template <class Fn>
void section(MapReader& top, std::string_view key, Fn&& fn) {
  if (const ConfigNode* n = top.map(key)) fn(*n);
}

void check_ports(const std::vector<PortUse>& ports, ConfigErrors& errors) {
  for (size_t i = 0; i < ports.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (ports[i].port != ports[j].port) continue;
      errors.push_back(
          make_error(ports[i].loc, ports[i].what + ": port " + std::to_string(ports[i].port) +
                                       " is already used by " + ports[j].what + " at " +
                                       where(ports[j].loc) + "; expected a free port"));
      break;
    }
  }
}

ConfigResult build(const ConfigNode& root, ConfigErrors errors) {
  VenueConfig c;
  if (root.kind == ConfigNode::Kind::map) {
    MapReader top(root, "", errors);
    top.get("include");  // consumed by the document loader
    section(top, "venue", [&](const ConfigNode& n) { parse_venue(n, c.venue, errors); });
    default_paths(c);

    std::vector<PortUse> ports;
    NameIndex listener_names, account_ids;
    top.require("listeners");
    if (const ConfigNode* l = top.list("listeners")) {
      parse_listeners(*l, c.listeners, listener_names, ports, errors);
      if (l->items.empty()) top.error("listeners", "is empty; expected at least one listener");
    }
    section(top, "engine", [&](const ConfigNode& n) { parse_engine(n, c.engine, errors); });
    section(top, "journal", [&](const ConfigNode& n) { parse_journal(n, c.journal, errors); });
    top.require("markets");
    if (const ConfigNode* m = top.list("markets")) {
      parse_markets(*m, c.markets, errors);
      if (m->items.empty()) top.error("markets", "is empty; expected at least one market");
    }
    if (const ConfigNode* a = top.list("accounts")) {
      parse_accounts(*a, c.accounts, account_ids, errors);
    }
    if (const ConfigNode* s = top.list("sessions")) {
      parse_sessions(*s, account_ids, listener_names, c.sessions, errors);
    }
    section(top, "risk", [&](const ConfigNode& n) { parse_risk(n, c.risk, errors); });
    section(top, "settlement",
            [&](const ConfigNode& n) { parse_settlement(n, c.settlement, errors); });
    section(top, "localnet",
            [&](const ConfigNode& n) { parse_localnet(n, c.localnet, ports, errors); });
    std::vector<PortUse> metrics_ports;
    section(top, "metrics",
            [&](const ConfigNode& n) { parse_metrics(n, c.metrics, metrics_ports, errors); });
    if (c.metrics.enabled) {
      if (metrics_ports.empty()) {
        metrics_ports.push_back(PortUse{c.metrics.port, "metrics.port (default)", root.loc});
      }
      ports.insert(ports.end(), metrics_ports.begin(), metrics_ports.end());
    }
    section(top, "admin", [&](const ConfigNode& n) { parse_admin(n, c.admin, errors); });
    section(top, "logging", [&](const ConfigNode& n) { parse_logging(n, c.logging, errors); });
    section(top, "market_data",
            [&](const ConfigNode& n) { parse_market_data(n, c.market_data, errors); });
    top.finish();
    check_ports(ports, errors);

    const std::string store = under(c.venue.data_dir, "fix/store");
    const std::string log = under(c.venue.data_dir, "fix/log");
    for (SessionConfig& s : c.sessions) {
      if (s.listener.empty() && !c.listeners.empty()) s.listener = c.listeners.front().name;
      if (s.quickfix.file_store_path.empty()) s.quickfix.file_store_path = store;
      if (s.quickfix.file_log_path.empty()) s.quickfix.file_log_path = log;
    }
  }
  if (errors.empty()) return ConfigResult::success(std::move(c));
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return ConfigResult::failure(std::move(errors));
}

}  // namespace

ConfigResult load_config(const std::string& path) {
  ConfigErrors errors;
  ConfigNode root = load_config_document(path, errors);
  return build(root, std::move(errors));
}

ConfigResult load_config_text(const std::string& yaml, const std::string& name,
                              const std::string& base_dir) {
  ConfigErrors errors;
  ConfigNode root = load_config_document_text(yaml, name, base_dir, errors);
  return build(root, std::move(errors));
}

ConfigResult load_embedded_quickstart() {
  return load_config_text(std::string(embedded_quickstart_yaml()),
                          std::string(kEmbeddedQuickstartName));
}

int check_config_main(const std::string& path, std::ostream& out, std::ostream& err) {
  ConfigResult r = path.empty() ? load_embedded_quickstart() : load_config(path);
  std::string name = path.empty() ? std::string(kEmbeddedQuickstartName) : path;
  if (!r) {
    for (const ConfigError& e : r.errors()) err << e.to_string() << '\n';
    err << name << ": " << r.errors().size() << (r.errors().size() == 1 ? " error" : " errors")
        << '\n';
    return 1;
  }
  auto count = [](size_t n, const char* what) {
    return std::to_string(n) + ' ' + what + (n == 1 ? "" : "s");
  };
  out << name << ": ok (" << count(r->markets.size(), "market") << ", "
      << count(r->accounts.size(), "account") << ", " << count(r->sessions.size(), "session")
      << ")\n";
  return 0;
}

}  // namespace qd
