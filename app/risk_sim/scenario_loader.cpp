// Scenario loading: the document, markets (RISK.md defaults), accounts, and the shared helpers.
// Steps are in scenario_steps.cpp.

#include "app/risk_sim/scenario_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/config/config_parse.hpp"
#include "app/gateway/exchange_spec_from.hpp"
#include "app/risk_sim/scenario_parse.hpp"
#include "core/decimal.hpp"
#include "risk/account.hpp"

namespace qd::risk_sim {

namespace {

constexpr TimestampNs NS_PER_S = 1'000'000'000;

bool valid_symbol(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool valid_account_name(const std::string& s) {
  if (s.empty() || s.size() > 32 || s == INSURANCE_FUND_NAME) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool read_seconds(MapReader& r, std::string_view key, TimestampNs& out, int64_t min_s,
                  int64_t max_s) {
  int64_t s = 0;
  if (!r.integer(key, s, min_s, max_s)) return false;
  out = s * NS_PER_S;
  return true;
}

/// One market: its own keys over RISK.md's defaults, then the venue-wide risk section.
void parse_market(const ConfigNode& n, const std::string& path, const RiskConfig& venue,
                  MarketDef& m, NameIndex& symbols, ConfigErrors& errors) {
  MapReader r(n, path, errors);
  if (!r.ok()) return;
  MarketSpec& s = m.spec;
  risk::MarketRiskParams& p = m.params;
  r.require("symbol");
  if (r.text("symbol", s.symbol)) {
    SourceLoc first;
    if (!valid_symbol(s.symbol)) {
      r.error("symbol", '"' + s.symbol +
                            "\" is not a valid symbol; expected 1-32 characters A-Z, "
                            "0-9 or '-', like \"BTC-PERP\"");
    } else if (!symbols.add(s.symbol, r.loc("symbol"), first)) {
      r.error("symbol", '"' + s.symbol + "\" is already defined at " + where(first));
    }
  }
  r.require("tick_size");
  read_fixed(r, "tick_size", s.tick_size, 1);
  r.require("lot_size");
  const bool lot_ok = read_fixed(r, "lot_size", s.lot_size, 1);
  s.min_size = s.lot_size;
  if (read_fixed(r, "min_size", s.min_size, 1) && lot_ok && s.min_size.raw % s.lot_size.raw != 0)
    r.error("min_size", to_string(s.min_size) + " is not a multiple of lot_size");
  read_fixed(r, "min_notional", s.min_notional, 0);
  read_fixed(r, "max_order_size", s.max_order_size, 0);
  read_fixed(r, "max_order_notional", s.max_order_notional, 0);
  read_pct_bps(r, "price_band_pct", s.price_band_bps, 1, 10000);
  r.require("oracle_price");
  read_fixed(r, "oracle_price", m.oracle, 1);

  read_pct_bps(r, "initial_margin_pct", p.initial_margin_bps, 1, 10000);
  read_pct_bps(r, "maintenance_margin_pct", p.maintenance_margin_bps, 1, 10000);
  r.decimal("imf_factor", DecimalRule{6, 0, 1'000'000, "0.000001"}, p.imf_factor_ppm);
  read_fixed(r, "max_position", p.max_position, 0);
  read_fixed(r, "open_interest_cap", p.open_interest_cap, 0);
  r.decimal("maker_fee_bps", DecimalRule{2, -5000, 10000, "0.01 bp = 1 ppm"}, p.maker_fee_ppm);
  r.decimal("taker_fee_bps", DecimalRule{2, 0, 10000, "0.01 bp = 1 ppm"}, p.taker_fee_ppm);
  read_seconds(r, "funding_interval_s", p.funding.interval_ns, 60, 86400);
  read_seconds(r, "max_staleness_s", p.oracle.margin_staleness_ns, 1, 3600);
  read_seconds(r, "fill_staleness_s", p.oracle.fill_staleness_ns, 1, 3600);
  read_pct_bps(r, "max_confidence_pct", p.oracle.max_confidence_bps, 1, 10000);
  read_pct_bps(r, "mark_band_pct", p.mark.band_bps, 1, 9999);
  read_pct_bps(r, "liquidation_pause_pct", p.oracle.liquidation_pause_bps, 1, 10000);

  // The venue-wide part (config `risk:`), mapped exactly as the gateway maps it.
  apply_venue_risk(venue, p);
  if (const char* why = risk::validate(p))
    r.error_here(std::string("invalid risk parameters: ") + why);
  r.finish();
}

void parse_account(const ConfigNode& n, const std::string& path, AccountDef& a, NameIndex& names,
                   ConfigErrors& errors) {
  MapReader r(n, path, errors);
  if (!r.ok()) return;
  r.require("id");
  if (r.text("id", a.name)) {
    SourceLoc first;
    if (!valid_account_name(a.name)) {
      r.error("id", '"' + a.name +
                        "\" is not a valid account id; expected 1-32 characters A-Z, "
                        "a-z, 0-9, '-' or '_' (and not \"insurance_fund\")");
    } else if (!names.add(a.name, r.loc("id"), first)) {
      r.error("id", '"' + a.name + "\" is already defined at " + where(first));
    }
  }
  read_fixed(r, "deposit", a.deposit, 0);
  r.finish();
}

}  // namespace

std::string Scenario::account_name(AccountId id) const {
  if (id == risk::INSURANCE_FUND_ACCOUNT) return INSURANCE_FUND_NAME;
  if (id >= 1 && id <= accounts.size()) return accounts[id - 1].name;
  return "#" + std::to_string(id);
}

bool read_duration(MapReader& r, std::string_view key, TimestampNs& out, TimestampNs min_ns) {
  const ConfigEntry* e = r.get(key);
  if (e == nullptr) return false;
  if (e->value.kind != ConfigNode::Kind::scalar) {
    r.error(key, "expected a time in seconds, got " + describe(e->value));
    return false;
  }
  std::string text = e->value.scalar;
  int64_t unit = 1;
  if (!text.empty() && (text.back() == 's' || text.back() == 'm' || text.back() == 'h')) {
    unit = text.back() == 'h' ? 3600 : text.back() == 'm' ? 60 : 1;
    text.pop_back();
  }
  const DecimalParse p = parse_decimal(text, 9);
  __int128 ns = __int128(p.raw) * unit;
  if (!p.ok() || ns > INT64_MAX / 4) {
    r.error(key, describe(e->value) +
                     " is not a time; expected seconds like \"90\" or \"0.5\", or with a unit: "
                     "\"30s\", \"15m\", \"2h\"");
    return false;
  }
  if (ns < min_ns) {
    r.error(key, describe(e->value) + " is too small; expected at least " +
                     format_decimal(min_ns, 9) + " s");
    return false;
  }
  out = TimestampNs(ns);
  return true;
}

bool parse_signed_pct(const ConfigNode& n, const std::string& path, int64_t& out, int64_t min_bps,
                      int64_t max_bps, ConfigErrors& errors) {
  const std::string range =
      "from " + format_decimal(min_bps, 2) + " to " + format_decimal(max_bps, 2);
  if (n.kind != ConfigNode::Kind::scalar) {
    errors.push_back(make_error(n.loc, path + ": expected a percentage, got " + describe(n)));
    return false;
  }
  std::string_view text = n.scalar;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  const DecimalParse p = parse_decimal(text, 2, true);
  if (!p.ok() || p.raw < min_bps || p.raw > max_bps) {
    errors.push_back(make_error(n.loc, path + ": " + describe(n) +
                                           " is not a valid percentage; expected a value " + range +
                                           " with at most two decimals, like \"-20\" or \"+0.5\""));
    return false;
  }
  out = p.raw;
  return true;
}

bool read_signed_pct(MapReader& r, std::string_view key, int64_t& out, int64_t min_bps,
                     int64_t max_bps) {
  const ConfigEntry* e = r.get(key);
  if (e == nullptr) return false;
  return parse_signed_pct(e->value, r.path(key), out, min_bps, max_bps, r.errors());
}

bool Names::account(MapReader& r, std::string_view key, AccountId& out) const {
  std::string name;
  if (!r.require(key) || !r.text(key, name)) return false;
  std::vector<std::string_view> all;
  for (const AccountDef& a : *accounts) {
    if (a.name == name) {
      out = a.id;
      return true;
    }
    all.push_back(a.name);
  }
  const std::string near = nearest_name(name, all);
  r.error(key, "unknown account \"" + name + "\"" +
                   (near.empty() ? "; accounts are declared under `accounts`"
                                 : " (did you mean '" + near + "'?)"));
  return false;
}

bool Names::market(MapReader& r, std::string_view key, MarketId& out) const {
  if (!r.has(key)) {
    r.get(key);
    if (markets->size() == 1) {
      out = 0;
      return true;
    }
    r.error_here("missing key '" + std::string(key) +
                 "'; it may be left out only when the scenario has a single market");
    return false;
  }
  std::string symbol;
  if (!r.text(key, symbol)) return false;
  std::vector<std::string_view> all;
  for (const MarketDef& m : *markets) {
    if (m.spec.symbol == symbol) {
      out = m.spec.id;
      return true;
    }
    all.push_back(m.spec.symbol);
  }
  const std::string near = nearest_name(symbol, all);
  r.error(key, "unknown market \"" + symbol + "\"" +
                   (near.empty() ? "; markets are declared under `markets`"
                                 : " (did you mean '" + near + "'?)"));
  return false;
}

bool Names::markets_or_all(MapReader& r, std::string_view key, std::vector<MarketId>& out) const {
  out.clear();
  const ConfigEntry* e = r.get(key);
  if (e == nullptr || (e->value.kind == ConfigNode::Kind::scalar && e->value.scalar == "all")) {
    for (const MarketDef& m : *markets) out.push_back(m.spec.id);
    return true;
  }
  MarketId id = 0;
  if (!market(r, key, id)) return false;
  out.push_back(id);
  return true;
}

LoadResult load_scenario_text(const std::string& yaml, const std::string& file) {
  LoadResult result;
  ConfigErrors& errors = result.errors;
  const ConfigNode root = parse_yaml_text(yaml, file, errors);
  if (!errors.empty()) return result;
  Scenario s;
  MapReader top(root, "", errors);
  if (!top.ok()) return result;
  top.require("name");
  top.text("name", s.name);
  top.text("description", s.description);
  top.boolean("keep_oracles_fresh", s.keep_oracles_fresh);

  RiskConfig venue;  // RISK.md defaults, as the venue configuration's `risk:` section
  if (const ConfigNode* n = top.map("risk")) parse_risk(*n, venue, errors);
  s.insurance_fund = venue.insurance_fund;

  top.require("markets");
  if (const ConfigNode* list = top.list("markets")) {
    if (list->items.empty()) top.error("markets", "is empty; a scenario needs at least one market");
    NameIndex symbols;
    for (size_t i = 0; i < list->items.size(); ++i) {
      MarketDef m;
      m.spec.id = MarketId(i);
      parse_market(list->items[i], "markets[" + std::to_string(i) + "]", venue, m, symbols, errors);
      s.markets.push_back(std::move(m));
    }
  }
  top.require("accounts");
  if (const ConfigNode* list = top.list("accounts")) {
    NameIndex names;
    for (size_t i = 0; i < list->items.size(); ++i) {
      AccountDef a;
      a.id = AccountId(i + 1);
      parse_account(list->items[i], "accounts[" + std::to_string(i) + "]", a, names, errors);
      s.accounts.push_back(std::move(a));
    }
  }
  TimestampNs every = INT64_MAX;
  for (const MarketDef& m : s.markets) every = std::min(every, m.params.funding.sample_interval_ns);
  if (s.markets.empty()) every = 5 * NS_PER_S;
  top.require("steps");
  if (const ConfigNode* list = top.list("steps"); list && !s.markets.empty()) {
    parse_steps(*list, Names{&s.markets, &s.accounts}, every, s.steps, errors);
  }
  top.finish();
  if (errors.empty()) {
    result.scenario = std::move(s);
  } else {
    std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
  }
  return result;
}

LoadResult load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.errors.push_back(ConfigError{path, 0, 0, "cannot open the scenario file"});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path);
}

}  // namespace qd::risk_sim
