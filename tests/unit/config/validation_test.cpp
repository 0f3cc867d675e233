// Validation rules on small inline configs: what is accepted, and the exact message otherwise.

#include <gtest/gtest.h>

#include "app/config/config_loader.hpp"

namespace qd {
namespace {

// Lines 1-6; tests append from line 7 on.
const std::string kBase =
    "listeners:\n"
    "  - { name: \"plain\", port: 9876 }\n"
    "markets:\n"
    "  - { symbol: \"BTC-PERP\", tick_size: \"0.1\", lot_size: \"0.0001\", oracle: { "
    "initial_price: \"50000\" } }\n"
    "accounts:\n"
    "  - { id: \"DESK-A\" }\n";

const std::string kHash =
    "\"$argon2id$v=19$m=65536,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$"
    "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI\"";

ConfigResult load(const std::string& yaml) {
  return load_config_text(yaml, "t.yaml");
}

std::vector<std::string> errors_of(const std::string& yaml) {
  ConfigResult r = load(yaml);
  EXPECT_FALSE(r.has_value());
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors()) out.push_back(e.to_string());
  return out;
}

std::string market(const std::string& extra) {
  return "listeners:\n"
         "  - { name: \"plain\", port: 9876 }\n"
         "markets:\n"
         "  - symbol: \"BTC-PERP\"\n"
         "    tick_size: \"0.1\"\n"
         "    lot_size: \"0.0001\"\n"
         "    oracle: { initial_price: \"50000\" }\n" +
         extra;
}

TEST(Validation, MinimalConfigGetsDefaults) {
  ConfigResult r = load(kBase);
  ASSERT_TRUE(r.has_value());
  const MarketConfig& m = r->markets[0];
  EXPECT_EQ(m.min_size, m.lot_size);
  EXPECT_EQ(m.price_band_bps, 500);
  EXPECT_EQ(m.initial_margin_bps, 1000);
  EXPECT_EQ(m.maintenance_margin_bps, 500);
  EXPECT_EQ(r->venue.data_dir, "data");
  EXPECT_EQ(r->journal.path, "data/journal.db");
  EXPECT_EQ(r->logging.file, "data/logs/quantdesk.log");
  EXPECT_EQ(r->admin.socket, "data/qdctl.sock");
}

TEST(Validation, BareNumbersAcceptedOnlyWhenTheirTextIsExact) {
  ConfigResult r = load(market("    min_notional: 12.5\n    max_order_size: 100\n"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->markets[0].min_notional, Quote(12'500'000));
  EXPECT_EQ(r->markets[0].max_order_size, Qty(100'000'000'000));
  EXPECT_EQ(errors_of(market("    min_notional: .inf\n")),
            std::vector<std::string>{"t.yaml:8:19: markets[0].min_notional: \".inf\" is not a "
                                     "decimal number; expected a value of zero or more written "
                                     "like \"12.5\""});
}

TEST(Validation, TrailingZerosPastThePrecisionAreExact) {
  ConfigResult r = load(market("    min_notional: \"1.50000000\"\n"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->markets[0].min_notional, Quote(1'500'000));
}

TEST(Validation, OrderSizeLimitsAgainstEachOther) {
  EXPECT_EQ(errors_of(market("    min_size: \"0.01\"\n    max_order_size: \"0.001\"\n")),
            std::vector<std::string>{"t.yaml:9:21: markets[0].max_order_size: 0.001 is below "
                                     "min_size (0.01); no order could be placed"});
  EXPECT_EQ(errors_of(market("    max_order_size: \"1.00005\"\n")),
            std::vector<std::string>{"t.yaml:8:21: markets[0].max_order_size: 1.00005 is not a "
                                     "multiple of lot_size (0.0001)"});
  EXPECT_EQ(errors_of(market("    min_notional: \"100\"\n    max_order_notional: \"10\"\n")),
            std::vector<std::string>{"t.yaml:9:25: markets[0].max_order_notional: 10 is below "
                                     "min_notional (100); no order could be placed"});
}

TEST(Validation, MarginBounds) {
  EXPECT_EQ(
      errors_of(market("    initial_margin_pct: \"10\"\n    maintenance_margin_pct: \"10\"\n")),
      std::vector<std::string>{"t.yaml:9:29: markets[0].maintenance_margin_pct: "
                               "maintenance margin 10% must be below the initial margin "
                               "10%, or a new position is liquidatable at once"});
  EXPECT_EQ(errors_of(market("    initial_margin_pct: \"100.01\"\n")),
            std::vector<std::string>{"t.yaml:8:25: markets[0].initial_margin_pct: \"100.01\" is "
                                     "out of range; expected a value from 0.01 to 100"});
  ConfigResult full = load(market("    initial_margin_pct: \"100\"\n"));
  ASSERT_TRUE(full.has_value());  // 100% initial (no leverage) is allowed
  EXPECT_EQ(full->markets[0].initial_margin_bps, 10000);
}

TEST(Validation, FeeBounds) {
  EXPECT_EQ(errors_of(market("    maker_fee_bps: \"-3\"\n    taker_fee_bps: \"2\"\n")),
            std::vector<std::string>{"t.yaml:8:20: markets[0].maker_fee_bps: the maker rebate (3 "
                                     "bps) exceeds the taker fee (2 bps); the venue would pay on "
                                     "every trade"});
  EXPECT_EQ(errors_of(market("    maker_fee_bps: \"-51\"\n")),
            std::vector<std::string>{"t.yaml:8:20: markets[0].maker_fee_bps: \"-51\" is out of "
                                     "range; expected a value from -50 to 100"});
  ConfigResult r = load(market("    maker_fee_bps: \"-0.25\"\n    taker_fee_bps: \"0.75\"\n"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->markets[0].maker_fee_ppm, -25);
  EXPECT_EQ(r->markets[0].taker_fee_ppm, 75);
}

TEST(Validation, SymbolFormat) {
  EXPECT_EQ(errors_of("listeners: [{ name: \"p\", port: 1 }]\nmarkets:\n"
                      "  - { symbol: \"btc perp\", tick_size: \"1\", lot_size: \"1\", oracle: { "
                      "initial_price: \"1\" } }\n"),
            std::vector<std::string>{"t.yaml:3:15: markets[0].symbol: \"btc perp\" is not a valid "
                                     "symbol; expected 1-32 characters A-Z, 0-9 or '-', like "
                                     "\"BTC-PERP\""});
}

TEST(Validation, RequiredSections) {
  EXPECT_EQ(errors_of("venue: { name: \"x\" }\n"),
            (std::vector<std::string>{"t.yaml:1:1: missing required key 'listeners'",
                                      "t.yaml:1:1: missing required key 'markets'"}));
  EXPECT_EQ(
      errors_of("listeners: []\nmarkets: []\n"),
      (std::vector<std::string>{"t.yaml:1:12: listeners: is empty; expected at least one listener",
                                "t.yaml:2:10: markets: is empty; expected at least one market"}));
  EXPECT_EQ(errors_of("- 1\n- 2\n"),
            (std::vector<std::string>{"t.yaml:1:1: expected a mapping of sections (venue:, "
                                      "markets:, ...) at the top level, got a list"}));
  EXPECT_EQ(
      errors_of("# only a comment\n"),
      (std::vector<std::string>{"t.yaml: the file is empty; expected a mapping of sections"}));
}

TEST(Validation, PortsMustNotCollide) {
  EXPECT_EQ(errors_of(kBase + "metrics: { port: 9876 }\n"),
            std::vector<std::string>{"t.yaml:7:18: metrics.port: port 9876 is already used by "
                                     "listeners[0].port at t.yaml:2:28; expected a free port"});
  ConfigResult off = load(kBase + "metrics: { enabled: false, port: 9876 }\n");
  EXPECT_TRUE(off.has_value());  // a disabled endpoint binds nothing
}

TEST(Validation, MetricsBindIsAnIpv4AddressOrLocalhost) {
  // The metrics server would listen on 127.0.1.0 for this one rather than refuse it.
  EXPECT_EQ(
      errors_of(kBase + "metrics: { bind: \"127.0.0.256\" }\n"),
      std::vector<std::string>{
          "t.yaml:7:18: metrics.bind: \"127.0.0.256\" is not an IPv4 address (or localhost)"});
  for (const char* ok : {"localhost", "0.0.0.0", "10.1.2.3"}) {
    ConfigResult c = load(kBase + "metrics: { bind: \"" + ok + "\" }\n");
    ASSERT_TRUE(c.has_value()) << ok;
    EXPECT_EQ(c->metrics.bind, ok);
  }
}

TEST(Validation, TlsNeedsCaForClientCertificates) {
  EXPECT_EQ(errors_of("listeners:\n"
                      "  - name: \"tls\"\n"
                      "    port: 9877\n"
                      "    tls: { cert: \"c.pem\", require_client_cert: true }\n"
                      "markets:\n"
                      "  - { symbol: \"X\", tick_size: \"1\", lot_size: \"1\", oracle: { "
                      "initial_price: \"1\" } }\n"),
            (std::vector<std::string>{
                "t.yaml:4:10: listeners[0].tls: missing required key 'key'",
                "t.yaml:4:48: listeners[0].tls.require_client_cert: client certificates cannot "
                "be checked without a CA; set tls.ca"}));
}

TEST(Validation, OrderEntrySessionsNameTheirAccounts) {
  std::string s = kBase +
                  "sessions:\n"
                  "  - sender_comp_id: \"DESK_A\"\n"
                  "    target_comp_id: \"QUANTDESK\"\n"
                  "    role: \"order_entry\"\n"
                  "    accounts: \"all\"\n"
                  "    auth: { username: \"DESK_A\", password_hash: " +
                  kHash +
                  " }\n"
                  "  - sender_comp_id: \"DESK_B\"\n"
                  "    target_comp_id: \"QUANTDESK\"\n"
                  "    role: \"order_entry\"\n"
                  "    auth: { username: \"DESK_A\", password_hash: " +
                  kHash + " }\n";
  EXPECT_EQ(errors_of(s),
            (std::vector<std::string>{
                "t.yaml:11:15: sessions[0].accounts: \"all\" is for drop_copy sessions; an "
                "order_entry session lists the accounts it trades for",
                "t.yaml:13:5: sessions[1]: missing required key 'accounts' (the account ids it "
                "trades for)",
                "t.yaml:16:23: sessions[1].auth.username: \"DESK_A\" is already used at "
                "t.yaml:12:23; each session has its own username"}));
}

TEST(Validation, SessionRoleAndQuickFixValues) {
  std::string s =
      kBase +
      "sessions:\n"
      "  - sender_comp_id: \"DESK A\"\n"
      "    target_comp_id: \"QUANTDESK\"\n"
      "    role: \"orderentry\"\n"
      "    password: \"x\"\n"
      "    auth: { username: \"DESK_A\", password_hash: " +
      kHash +
      " }\n"
      "    quickfix: { TimestampPrecision: 4, StartTime: \"25:00:00\", heartbtint: 30 }\n";
  EXPECT_EQ(errors_of(s),
            (std::vector<std::string>{
                "t.yaml:8:21: sessions[0].sender_comp_id: \"DESK A\" is not a valid CompID; "
                "expected 1-64 printable characters without spaces",
                "t.yaml:10:11: sessions[0].role: \"orderentry\" is not valid; expected one of "
                "order_entry, drop_copy, market_data (did you mean 'order_entry'?)",
                "t.yaml:11:15: sessions[0].password: clear-text passwords are not accepted; store "
                "an argon2id hash in auth.password_hash (qdctl hash-password)",
                "t.yaml:13:37: sessions[0].quickfix.TimestampPrecision: 4 is not supported; "
                "expected 0, 3, 6 or 9 digits",
                "t.yaml:13:51: sessions[0].quickfix.StartTime: \"25:00:00\" is not a time; "
                "expected \"HH:MM:SS\", like \"00:00:00\"",
                "t.yaml:13:63: sessions[0].quickfix: unknown key 'heartbtint' (did you mean "
                "'HeartBtInt'?)"}));
}

TEST(Validation, Ed25519KeyLength) {
  std::string s = kBase +
                  "sessions:\n"
                  "  - sender_comp_id: \"DESK_A\"\n"
                  "    target_comp_id: \"QUANTDESK\"\n"
                  "    role: \"order_entry\"\n"
                  "    accounts: [\"DESK-A\"]\n"
                  "    auth: { username: \"DESK_A\", password_hash: " +
                  kHash + ", ed25519_public_key: \"base64:AAEC\" }\n";
  std::vector<std::string> e = errors_of(s);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("sessions[0].auth.ed25519_public_key: the key decodes to 3 bytes; an "
                      "ed25519 public key has 32"),
            std::string::npos)
      << e[0];
}

TEST(Validation, EveryErrorIsReportedNotJustTheFirst) {
  std::string s =
      "listeners:\n"
      "  - { name: \"a\", port: 0 }\n"
      "  - { name: \"a\", port: 1 }\n"
      "markets:\n"
      "  - { symbol: \"X\", tick_size: \"-1\", lot_size: \"x\", oracle: { "
      "initial_price: \"0\" } }\n"
      "engine: { queue_capacity: 10 }\n"
      "logging: { level: \"loud\" }\n";
  EXPECT_EQ(errors_of(s).size(), 7u);
}

TEST(Validation, AnchorsAreExpandedButAliasBombsStop) {
  ConfigResult shared = load(kBase + "x-throttle: &t { messages_per_second: 5, burst: 5 }\n");
  EXPECT_EQ(shared.errors().size(), 1u);  // an unknown top-level key, nothing worse
  std::string bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n";
  for (char c : std::string("bcdef")) {
    std::string prev(1, char(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  std::vector<std::string> e = errors_of(bomb);
  bool stopped = false;
  for (const std::string& line : e) {
    stopped = stopped || line.find("has more than 100000 values (expanded aliases included)") !=
                             std::string::npos;
  }
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace qd
