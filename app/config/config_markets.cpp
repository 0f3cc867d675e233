// Markets and accounts: the trading universe.

#include "app/config/config_parse.hpp"
#include "core/decimal.hpp"

namespace qd {

bool NameIndex::add(const std::string& name, const SourceLoc& loc, SourceLoc& first) {
  if (const SourceLoc* f = find(name)) {
    first = *f;
    return false;
  }
  items_.emplace_back(name, loc);
  return true;
}

const SourceLoc* NameIndex::find(const std::string& name) const {
  for (const auto& [n, loc] : items_)
    if (n == name) return &loc;
  return nullptr;
}

std::vector<std::string_view> NameIndex::names() const {
  std::vector<std::string_view> out;
  for (const auto& item : items_) out.push_back(item.first);
  return out;
}

bool read_pct_bps(MapReader& r, std::string_view key, int64_t& out, int64_t min_bps,
                  int64_t max_bps) {
  // Two decimals of a percent are basis points: "0.25" -> 25.
  return r.decimal(key, DecimalRule{2, min_bps, max_bps, "0.01% = 1 basis point"}, out);
}

namespace {

bool valid_name(const std::string& s, bool lower_ok, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              (lower_ok && ((c >= 'a' && c <= 'z') || c == '_'));
    if (!ok) return false;
  }
  return true;
}

void check_unique(MapReader& r, std::string_view key, const std::string& name, NameIndex& index,
                  std::string_view what) {
  SourceLoc first;
  if (!index.add(name, r.loc(key), first)) {
    r.error(key, '"' + name + "\" is already defined at " + where(first) + "; " +
                     std::string(what) + " must be unique");
  }
}

/// "HH:MM" UTC -> nanoseconds after midnight.
bool read_time_of_day_ns(MapReader& r, std::string_view key, TimestampNs& out) {
  std::string s;
  if (!r.text(key, s)) return false;
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() == 5 && digit(0) && digit(1) && s[2] == ':' && digit(3) && digit(4)) {
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h < 24 && m < 60) {
      out = (int64_t(h) * 3600 + int64_t(m) * 60) * 1'000'000'000;
      return true;
    }
  }
  r.error(key, "\"" + s + "\" is not a time of day; expected \"HH:MM\" in UTC, like \"00:00\"");
  return false;
}

void parse_oracle(const ConfigNode& n, const std::string& path, OracleConfig& o,
                  ConfigErrors& errors) {
  MapReader r(n, path, errors);
  size_t source = 0;
  if (r.choice("source", {"admin"}, source)) o.source = OracleSource(source);
  r.require("initial_price");
  read_fixed(r, "initial_price", o.initial_price, 1);
  r.integer_as("max_staleness_s", o.max_staleness_s, 1, 3600);
  if (r.integer_as("fill_staleness_s", o.fill_staleness_s, 1, 3600) &&
      o.fill_staleness_s > o.max_staleness_s) {
    r.error("fill_staleness_s", std::to_string(o.fill_staleness_s) + " exceeds max_staleness_s (" +
                                    std::to_string(o.max_staleness_s) +
                                    "); a price stale for margin cannot be fresh for fills");
  }
  read_pct_bps(r, "max_confidence_pct", o.max_confidence_bps, 1, 10000);
  read_pct_bps(r, "mark_band_pct", o.mark_band_bps, 1, 10000);
  r.finish();
}

bool multiple_of(Qty q, Qty lot) {
  return lot.raw > 0 && q.raw % lot.raw == 0;
}

void parse_market(const ConfigNode& n, const std::string& path, MarketConfig& m, NameIndex& symbols,
                  ConfigErrors& errors) {
  MapReader r(n, path, errors);
  if (!r.ok()) return;
  r.require("symbol");
  if (r.text("symbol", m.symbol)) {
    if (!valid_name(m.symbol, false, 32)) {
      r.error("symbol", '"' + m.symbol +
                            "\" is not a valid symbol; expected 1-32 characters A-Z, 0-9 or '-', "
                            "like \"BTC-PERP\"");
    } else {
      check_unique(r, "symbol", m.symbol, symbols, "market symbols");
    }
  }
  r.require("tick_size");
  read_fixed(r, "tick_size", m.tick_size, 1);
  r.require("lot_size");
  bool lot_ok = read_fixed(r, "lot_size", m.lot_size, 1);

  bool min_set = read_fixed(r, "min_size", m.min_size, 1);
  if (!r.has("min_size") && lot_ok) m.min_size = m.lot_size;
  if (min_set && lot_ok && !multiple_of(m.min_size, m.lot_size)) {
    r.error("min_size", to_string(m.min_size) + " is not a multiple of lot_size (" +
                            to_string(m.lot_size) + ")");
  }
  read_fixed(r, "min_notional", m.min_notional, 0);
  if (read_fixed(r, "max_order_size", m.max_order_size, 0) && m.max_order_size.raw > 0) {
    if (lot_ok && !multiple_of(m.max_order_size, m.lot_size)) {
      r.error("max_order_size", to_string(m.max_order_size) + " is not a multiple of lot_size (" +
                                    to_string(m.lot_size) + ")");
    } else if (m.max_order_size < m.min_size) {
      r.error("max_order_size", to_string(m.max_order_size) + " is below min_size (" +
                                    to_string(m.min_size) + "); no order could be placed");
    }
  }
  if (read_fixed(r, "max_order_notional", m.max_order_notional, 0) &&
      m.max_order_notional.raw > 0 && m.max_order_notional < m.min_notional) {
    r.error("max_order_notional", to_string(m.max_order_notional) + " is below min_notional (" +
                                      to_string(m.min_notional) + "); no order could be placed");
  }
  read_pct_bps(r, "price_band_pct", m.price_band_bps, 1, 10000);
  bool im = read_pct_bps(r, "initial_margin_pct", m.initial_margin_bps, 1, 10000);
  bool mm = read_pct_bps(r, "maintenance_margin_pct", m.maintenance_margin_bps, 1, 10000);
  if ((im || mm) && m.maintenance_margin_bps >= m.initial_margin_bps) {
    r.error(mm ? "maintenance_margin_pct" : "initial_margin_pct",
            "maintenance margin " + format_decimal(m.maintenance_margin_bps, 2) +
                "% must be below the initial margin " + format_decimal(m.initial_margin_bps, 2) +
                "%, or a new position is liquidatable at once");
  }
  // Six decimals of the factor are ppm: "0.001" -> 1000.
  r.decimal("imf_factor", DecimalRule{6, 0, PPM_PRECISION, "0.000001"}, m.imf_factor_ppm);
  if (read_fixed(r, "max_position", m.max_position, 0) && m.max_position.raw > 0 && lot_ok &&
      !multiple_of(m.max_position, m.lot_size)) {
    r.error("max_position", to_string(m.max_position) + " is not a multiple of lot_size (" +
                                to_string(m.lot_size) + ")");
  }
  read_fixed(r, "open_interest_cap", m.open_interest_cap, 0);
  // Two decimals of a basis point are ppm: "-2" -> -200, "0.5" -> 50. Rebates up to 0.5%,
  // fees up to 1%: anything beyond is a typo in the unit.
  bool maker =
      r.decimal("maker_fee_bps", DecimalRule{2, -5000, 10000, "0.01 bp = 1 ppm"}, m.maker_fee_ppm);
  bool taker =
      r.decimal("taker_fee_bps", DecimalRule{2, 0, 10000, "0.01 bp = 1 ppm"}, m.taker_fee_ppm);
  if (maker && taker && m.maker_fee_ppm + m.taker_fee_ppm < 0) {
    r.error("maker_fee_bps", "the maker rebate (" + format_decimal(-m.maker_fee_ppm, 2) +
                                 " bps) exceeds the taker fee (" +
                                 format_decimal(m.taker_fee_ppm, 2) +
                                 " bps); the venue would pay on every trade");
  }
  if (r.integer_as("funding_interval_s", m.funding_interval_s, 60, 86400) &&
      86400 % m.funding_interval_s != 0) {
    r.error("funding_interval_s", std::to_string(m.funding_interval_s) +
                                      " does not divide a day (86400 s); funding times must "
                                      "fall at the same UTC times every day");
  }
  r.require("oracle");
  if (const ConfigNode* o = r.map("oracle")) parse_oracle(*o, r.path("oracle"), m.oracle, errors);
  size_t status = 0;
  if (r.choice("status", {"open", "halted", "closed"}, status)) m.status = MarketStatus(status);
  read_time_of_day_ns(r, "day_end_utc", m.day_end_offset_ns);
  r.finish();
}

void parse_account(const ConfigNode& n, const std::string& path, AccountConfig& a, NameIndex& ids,
                   ConfigErrors& errors) {
  MapReader r(n, path, errors);
  if (!r.ok()) return;
  r.require("id");
  if (r.text("id", a.id)) {
    if (!valid_name(a.id, true, 32)) {
      r.error("id", '"' + a.id +
                        "\" is not a valid account id; expected 1-32 characters A-Z, a-z, 0-9, "
                        "'-' or '_'");
    } else {
      check_unique(r, "id", a.id, ids, "account ids");
    }
  }
  read_fixed(r, "collateral", a.collateral, 0);
  size_t stp = 0;
  if (r.choice(
          "stp_mode",
          {"none", "cancel_resting", "cancel_aggressing", "cancel_both", "decrement_and_cancel"},
          stp)) {
    a.stp_mode = StpMode(stp);
  }
  r.integer_as("stp_group", a.stp_group, 0, 4'294'967'295);
  r.integer_as("max_open_orders", a.max_open_orders, 1, 1'000'000);
  r.boolean("enabled", a.enabled);
  r.finish();
}

}  // namespace

void parse_markets(const ConfigNode& list, std::vector<MarketConfig>& out, ConfigErrors& errors) {
  NameIndex symbols;
  for (size_t i = 0; i < list.items.size(); ++i) {
    MarketConfig m;
    m.id = MarketId(i);
    parse_market(list.items[i], "markets[" + std::to_string(i) + "]", m, symbols, errors);
    out.push_back(std::move(m));
  }
}

void parse_accounts(const ConfigNode& list, std::vector<AccountConfig>& out, NameIndex& ids,
                    ConfigErrors& errors) {
  for (size_t i = 0; i < list.items.size(); ++i) {
    AccountConfig a;
    a.number = AccountId(i + 1);
    parse_account(list.items[i], "accounts[" + std::to_string(i) + "]", a, ids, errors);
    out.push_back(std::move(a));
  }
}

}  // namespace qd
