// Each invalid example file gives exactly these "file:line:column: message" lines. The line and
// column numbers were checked by hand against config/examples/invalid/.

#include <gtest/gtest.h>

#include "app/config/config_loader.hpp"
#include "config_test_files.hpp"

namespace qd {
namespace {

std::string invalid(const std::string& name) {
  return test::repo_file("config/examples/invalid/" + name);
}

std::vector<std::string> lines(const ConfigResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors()) out.push_back(e.to_string());
  return out;
}

std::vector<std::string> load_lines(const std::string& path) {
  ConfigResult r = load_config(path);
  EXPECT_FALSE(r.has_value());
  return lines(r);
}

TEST(ErrorFormat, OneBasedLineAndColumn) {
  EXPECT_EQ((ConfigError{"a.yaml", 3, 7, "bad"}).to_string(), "a.yaml:3:7: bad");
  EXPECT_EQ((ConfigError{"a.yaml", 0, 0, "unreadable"}).to_string(), "a.yaml: unreadable");
}

TEST(InvalidExamples, UnknownKeysWithSuggestions) {
  const std::string f = invalid("unknown_keys.yaml");
  EXPECT_EQ(load_lines(f),
            (std::vector<std::string>{
                f + ":5:5: markets[0]: missing required key 'tick_size'",
                f + ":6:5: markets[0]: unknown key 'tick_sise' (did you mean 'tick_size'?)",
                f + ":8:39: markets[0].oracle: unknown key 'max_stalenes_s' (did you mean "
                    "'max_staleness_s'?)",
                f + ":9:1: unknown key 'loging' (did you mean 'logging'?)",
                f + ":11:1: unknown key 'colour'",
            }));
}

TEST(InvalidExamples, WrongTypes) {
  const std::string f = invalid("wrong_types.yaml");
  EXPECT_EQ(load_lines(f),
            (std::vector<std::string>{
                f + ":4:11: listeners[0].port: expected an integer from 1 to 65535 without "
                    "quotes, got \"9876\"",
                f + ":8:15: markets[0].lot_size: expected a decimal string, got a list",
                f + ":9:25: markets[0].funding_interval_s: expected an integer from 60 to 86400, "
                    "got \"hourly\"",
                f + ":12:12: metrics.enabled: expected true or false, got \"yes\"",
                f + ":13:11: sessions: expected a list, got \"none\"",
            }));
}

TEST(InvalidExamples, OutOfRange) {
  const std::string f = invalid("out_of_range.yaml");
  EXPECT_EQ(
      load_lines(f),
      (std::vector<std::string>{
          f + ":3:28: listeners[0].port: 70000 is out of range; expected from 1 to 65535",
          f + ":6:16: markets[0].tick_size: \"0\" is out of range; expected a value greater than "
              "zero",
          f + ":8:15: markets[0].min_size: 0.00015 is not a multiple of lot_size (0.0001)",
          f + ":10:29: markets[0].maintenance_margin_pct: maintenance margin 10% must be below "
              "the initial margin 5%, or a new position is liquidatable at once",
          f + ":11:20: markets[0].taker_fee_bps: \"250\" is out of range; expected a value from 0 "
              "to 100",
          f + ":13:25: markets[0].funding_interval_s: 7000 does not divide a day (86400 s); "
              "funding times must fall at the same UTC times every day",
          f + ":14:30: markets[0].oracle.initial_price: \"-1\" has a sign; expected a value "
              "greater than zero",
      }));
}

TEST(InvalidExamples, DecimalsFinerThanTheUnit) {
  const std::string f = invalid("decimals.yaml");
  EXPECT_EQ(load_lines(f),
            (std::vector<std::string>{
                f + ":6:16: markets[0].tick_size: \"0.0000001\" has more decimal places than the "
                    "unit allows; expected at most 6 (unit 1e-6 USDC)",
                f + ":7:15: markets[0].lot_size: \"0.0000000001\" has more decimal places than "
                    "the unit allows; expected at most 9 (unit 1e-9 base units)",
                f + ":8:19: markets[0].min_notional: \"1e3\" uses exponent notation; write the "
                    "digits out, like \"0.001\"",
                f + ":9:21: markets[0].price_band_pct: \"2.555\" has more decimal places than the "
                    "unit allows; expected at most 2 (unit 0.01% = 1 basis point)",
            }));
}

TEST(InvalidExamples, ListenerAndMetricsBindMustBeAddressesTheyCanListenOn) {
  const std::string f = invalid("bind.yaml");
  EXPECT_EQ(load_lines(f),
            (std::vector<std::string>{
                f + ":4:11: listeners[0].bind: \"no.such.host.invalid\" is not an IPv4 or IPv6 "
                    "address (or localhost)",
                f + ":13:11: listeners[3].bind: \"127.0.0.256\" is not an IPv4 or IPv6 address "
                    "(or localhost)",
                f + ":21:9: metrics.bind: \"::1\" is not an IPv4 address (or localhost); the "
                    "metrics server listens on IPv4 only",
            }));
}

TEST(InvalidExamples, Duplicates) {
  const std::string f = invalid("duplicates.yaml");
  EXPECT_EQ(load_lines(f),
            (std::vector<std::string>{
                f + ":6:15: markets[1].symbol: \"BTC-PERP\" is already defined at " + f +
                    ":5:15; market symbols must be unique",
                f + ":9:11: accounts[1].id: \"DESK-A\" is already defined at " + f +
                    ":8:11; account ids must be unique",
                f +
                    ":18:21: sessions[1].sender_comp_id: session DESK_A -> QUANTDESK is already "
                    "defined at " +
                    f +
                    ":11:21; each (sender_comp_id, target_comp_id) pair is "
                    "one session",
                f + ":21:5: duplicate key 'role' (first set at line 20); each key may appear once",
            }));
}

TEST(InvalidExamples, SessionNonsense) {
  const std::string f = invalid("sessions.yaml");
  EXPECT_EQ(
      load_lines(f),
      (std::vector<std::string>{
          f + ":12:15: sessions[0].listener: unknown listener \"plian\" (did you mean "
              "\"plain\"?); expected a name from listeners",
          f + ":13:26: sessions[0].accounts[1]: unknown account \"DESK-B\" (did you mean "
              "\"DESK-A\"?); expected an id from accounts",
          f + ":20:15: sessions[1].throttle: drop_copy sessions send no orders; remove throttle",
          f + ":21:27: sessions[1].cancel_on_disconnect: only order_entry sessions have orders "
              "to cancel; remove it",
          f + ":22:34: sessions[1].quickfix.PersistMessages: a drop_copy session must persist "
              "messages so missed copies can be resent; set it to true",
          f + ":22:51: sessions[1].quickfix.StartDay: a weekly session needs both StartDay and "
              "EndDay; a daily session neither",
          f + ":26:15: sessions[2].accounts: market_data sessions trade for no account; remove "
              "accounts",
          f + ":27:28: sessions[2].trade_capture_reports: only drop_copy sessions receive trade "
              "capture reports; remove it",
      }));
}

TEST(InvalidExamples, PasswordsMustBeArgon2idHashes) {
  const std::string f = invalid("passwords.yaml");
  const std::string phc =
      "; expected an argon2id PHC string like \"$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>\" "
      "(qdctl hash-password)";
  std::vector<std::string> got = load_lines(f);
  EXPECT_EQ(got, (std::vector<std::string>{
                     f + ":15:17: sessions[0].auth.password: clear-text passwords are not "
                         "accepted; store an argon2id hash in auth.password_hash (qdctl "
                         "hash-password)",
                     f +
                         ":22:22: sessions[1].auth.password_hash: the value is not an argon2id "
                         "hash" +
                         phc,
                     f +
                         ":29:22: sessions[2].auth.password_hash: the argon2id hash is "
                         "incomplete (expected version, parameters, salt and hash)" +
                         phc,
                     f + ":30:27: sessions[2].auth.ed25519_public_key: the key is not valid "
                         "base58 (write \"base64:...\" for base64)",
                 }));
  // No message repeats what was typed into a credential key.
  for (const std::string& line : got) {
    EXPECT_EQ(line.find("desk-a-demo"), std::string::npos) << line;
    EXPECT_EQ(line.find("R9h/cIPz0gi"), std::string::npos) << line;
  }
}

TEST(InvalidExamples, YamlSyntax) {
  const std::string f = invalid("syntax.yaml");
  EXPECT_EQ(load_lines(f), (std::vector<std::string>{
                               f + ":4:8: YAML syntax error: end of map flow not found",
                           }));
}

TEST(InvalidExamples, ErrorInAnIncludedFile) {
  const std::string main = invalid("include_error/main.yaml");
  const std::string part = invalid("include_error/parts/markets.yaml");
  const std::string missing = invalid("include_error/parts/missing.yaml");
  EXPECT_EQ(
      load_lines(main),
      (std::vector<std::string>{
          main + ":2:33: cannot read included file '" + missing + "': No such file or directory",
          part + ":5:15: markets[0].lot_size: \"-0.0001\" has a sign; expected a value "
                 "greater than zero",
      }));
}

TEST(InvalidExamples, IncludeCycle) {
  const std::string a = invalid("include_cycle/a.yaml");
  const std::string b = invalid("include_cycle/b.yaml");
  EXPECT_EQ(load_lines(a), (std::vector<std::string>{
                               b + ":2:11: include cycle: " + a + " -> " + b + " -> " + a +
                                   "; a file cannot include itself",
                           }));
}

TEST(InvalidExamples, MissingFile) {
  const std::string f = invalid("no-such-file.yaml");
  EXPECT_EQ(load_lines(f), (std::vector<std::string>{
                               f + ": cannot read the file: No such file or directory",
                           }));
}

}  // namespace
}  // namespace qd
