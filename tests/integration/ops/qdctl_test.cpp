// Every qdctl command against a real quantdesk process: real socket, real engine, real journal,
// real FIX sessions. Each test starts its own venue on free ports in a temp directory.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <functional>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

json market(const json& status, const std::string& symbol) {
  for (const auto& m : status["result"]["markets"]) {
    if (m["symbol"] == symbol) return m;
  }
  return json();
}

json session(const json& result, const std::string& sender) {
  for (const auto& s : result["sessions"]) {
    if (s["sender_comp_id"] == sender) return s;
  }
  return json();
}

/// Polls `status` until `pred` holds (the sampler and the engine run on their own threads).
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

TEST(QdctlStatus, ShowsEngineJournalMarketsSessionsAndSettlementOffWithoutALag) {
  OpsVenue v;
  v.start();
  const RunResult r = v.qdctl({"status"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Ops Test Venue")) << r.out;
  EXPECT_TRUE(contains(r.out, "BTC-PERP      open     mark 50000")) << r.out;
  EXPECT_TRUE(contains(r.out, "ETH-PERP      open     mark 3000")) << r.out;
  EXPECT_TRUE(contains(r.out, "queue 0/65536")) << r.out;
  EXPECT_TRUE(contains(r.out, "DESK_A        order_entry  logged off")) << r.out;
  EXPECT_TRUE(contains(r.out, "settlement  off  (settlement.enabled is false")) << r.out;

  const json j = v.qdctl_json({"status"});
  ASSERT_TRUE(j["ok"].get<bool>());
  const json& res = j["result"];
  // Opening commands: two deposits and two oracle readings, journaled before anything else.
  EXPECT_GE(res["engine"]["last_seq"].get<uint64_t>(), 4u);
  EXPECT_EQ(res["journal"]["path"], v.journal_path());
  EXPECT_EQ(res["journal"]["last_seq"], res["engine"]["last_seq"]);
  EXPECT_FALSE(res["engine"]["failed"].get<bool>());
  EXPECT_FALSE(res["settlement"]["enabled"].get<bool>());
  EXPECT_TRUE(res["settlement"]["lag_ms"].is_null());
  const RunResult off = v.qdctl({"settlement", "status"});
  EXPECT_EQ(off.rc, 1);
  EXPECT_TRUE(contains(off.err, "settlement is not enabled here")) << off.err;
  EXPECT_EQ(res["sessions"].size(), 3u);
}

TEST(QdctlSessions, ListShowsWhichSessionsAreLoggedOn) {
  OpsVenue v;
  v.start();
  auto desk_b = v.connect("DESK_B");  // password and Ed25519 logon signature
  const RunResult r = v.qdctl({"sessions", "list"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "DESK_B        order_entry  logged on")) << r.out;
  EXPECT_TRUE(contains(r.out, "DESK_A        order_entry  logged off")) << r.out;
  EXPECT_TRUE(contains(r.out, "COMPLIANCE    drop_copy    logged off")) << r.out;
  const json j = v.qdctl_json({"sessions", "list"});
  EXPECT_TRUE(session(j["result"], "DESK_B")["logged_on"].get<bool>());
  EXPECT_EQ(session(j["result"], "DESK_B")["accounts"], json::array({"DESK-B"}));
  desk_b->stop(true);
  EXPECT_TRUE(eventually([&] {
    return !session(v.qdctl_json({"sessions", "list"})["result"], "DESK_B")["logged_on"]
                .get<bool>();
  }));
}

TEST(QdctlSessions, LogoutChecksTheSession) {
  // A logout of a logged-on desk: tests/integration/reload/logout_test.cpp.
  OpsVenue v;
  v.start();
  RunResult r = v.qdctl({"sessions", "logout", "NOBODY"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "unknown session 'NOBODY'")) << r.err;
  r = v.qdctl({"sessions", "logout", "DESK_A"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "not logged on")) << r.err;
}

TEST(QdctlMarket, HaltResumeCloseAreSequencedJournaledAndSurviveARestart) {
  OpsVenue v;
  v.start();
  auto desk_a = v.connect("DESK_A");
  auto resting = limit_order("rest-1", "BTC-PERP", '1', "0.01", "49000");
  ASSERT_TRUE(desk_a->send(resting));
  ASSERT_TRUE(wait_report(*desk_a, "rest-1", '0'));

  RunResult r = v.qdctl({"market", "halt", "BTC-PERP"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "BTC-PERP: open -> halted")) << r.out;
  auto halted = limit_order("while-halted", "BTC-PERP", '1', "0.01", "49000");
  ASSERT_TRUE(desk_a->send(halted));
  EXPECT_TRUE(wait_report(*desk_a, "while-halted", '8')) << "orders are rejected while halted";

  r = v.qdctl({"market", "resume", "BTC-PERP"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "BTC-PERP: halted -> open")) << r.out;
  auto open = limit_order("after-resume", "BTC-PERP", '1', "0.01", "49000");
  ASSERT_TRUE(desk_a->send(open));
  EXPECT_TRUE(wait_report(*desk_a, "after-resume", '0'));

  r = v.qdctl({"market", "close", "BTC-PERP"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "BTC-PERP: open -> closed")) << r.out;
  EXPECT_TRUE(wait_report(*desk_a, "rest-1", '4')) << "closing a market cancels its orders";

  r = v.qdctl({"market", "halt", "DOGE-PERP"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "unknown market 'DOGE-PERP'")) << r.err;
  r = v.qdctl({"market", "pause", "BTC-PERP"});
  EXPECT_EQ(r.rc, 2) << "not a command";

  desk_a->stop(true);
  EXPECT_EQ(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='set_market_status'"), 3);
  ASSERT_EQ(v.stop(), 0);
  v.start();  // replay
  EXPECT_EQ(market(v.qdctl_json({"status"}), "BTC-PERP")["status"], "closed");
  EXPECT_EQ(market(v.qdctl_json({"status"}), "ETH-PERP")["status"], "open");
}

TEST(QdctlOracle, SetIsAJournaledReadingThatMovesTheMark) {
  OpsVenue v;
  v.start();
  RunResult r = v.qdctl({"oracle", "set", "BTC-PERP", "51000.5"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "BTC-PERP: oracle price set to 51000.5, mark 51000.5")) << r.out;
  EXPECT_EQ(market(v.qdctl_json({"status"}), "BTC-PERP")["mark"], "51000.5");
  EXPECT_GE(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='set_oracle_price'"),
      3);  // two opening readings and ours

  for (const char* bad : {"abc", "0", "-5", "1.0000001", "1e5"}) {
    r = v.qdctl({"oracle", "set", "BTC-PERP", bad});
    EXPECT_EQ(r.rc, 1) << bad;
  }
  r = v.qdctl({"oracle", "set", "NOPE", "1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "unknown market")) << r.err;
  EXPECT_EQ(market(v.qdctl_json({"status"}), "BTC-PERP")["mark"], "51000.5");
  ASSERT_EQ(v.stop(), 0);
  v.start();  // the journal replays the reading
  EXPECT_EQ(market(v.qdctl_json({"status"}), "BTC-PERP")["mark"], "51000.5");
}

TEST(QdctlAccount, ShowListsRestingOrdersAndTheMarginView) {
  OpsVenue v;
  v.start();
  auto desk_a = v.connect("DESK_A");
  auto order = limit_order("acct-bid-1", "BTC-PERP", '1', "0.02", "49000");
  ASSERT_TRUE(desk_a->send(order));
  ASSERT_TRUE(wait_report(*desk_a, "acct-bid-1", '0'));

  RunResult r = v.qdctl({"account", "show", "DESK-A"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "resting orders: 1")) << r.out;
  EXPECT_TRUE(contains(r.out, "acct-bid-1")) << r.out;
  EXPECT_TRUE(contains(r.out, "0.02 @ 49000")) << r.out;
  EXPECT_TRUE(contains(r.out, "collateral 1000000")) << r.out;
  EXPECT_TRUE(contains(r.out, "stop orders")) << r.out;

  const json j = v.qdctl_json({"account", "show", "DESK-A"});
  const json& res = j["result"];
  ASSERT_EQ(res["resting_orders"].size(), 1u);
  EXPECT_EQ(res["resting_orders"][0]["side"], "buy");
  EXPECT_EQ(res["resting_orders"][0]["leaves_qty"], "0.02");
  EXPECT_TRUE(res["risk"]["available"].get<bool>());
  EXPECT_EQ(res["risk"]["positions"][0]["resting_bids"], "0.02");

  r = v.qdctl({"account", "show", "DESK-B"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "resting orders: 0")) << r.out;
  r = v.qdctl({"account", "show", "DESK-Z"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "unknown account")) << r.err;
  desk_a->stop(true);
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in the config");
  return s.replace(at, from.size(), to);
}

TEST(QdctlReload, AppliesWhatItCanLiveAndReportsRestartChanges) {
  OpsVenue v;
  v.start();
  const int64_t params_before =
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='update_market_params'");
  std::string y = v.config_yaml();
  y = replace_once(y, "taker_fee_bps: \"10\"", "taker_fee_bps: \"12\"\n    status: \"halted\"");
  y = replace_once(y, "level: \"info\"", "level: \"debug\"");
  y = replace_once(y, "port: " + std::to_string(v.metrics_port()),
                   "port: " + std::to_string(free_port()));
  write_file(v.config_path(), y);

  const RunResult r = v.qdctl({"reload"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "applied now:\n"
                       "  logging.level: info -> debug\n"
                       "  markets[BTC-PERP].taker_fee_bps: 10 -> 12\n"
                       "  markets[BTC-PERP].status: open -> halted\n"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "NOT applied yet")) << r.out;
  EXPECT_TRUE(contains(r.out, "need a restart:\n  metrics.port:")) << r.out;
  EXPECT_EQ(market(v.qdctl_json({"status"}), "BTC-PERP")["status"], "halted");
  EXPECT_EQ(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='set_market_status'"), 1);
  // The fee change is a journaled command, so a restart replays it at the same point.
  EXPECT_EQ(
      sql_int(v.journal_path(), "SELECT count(*) FROM commands WHERE kind='update_market_params'"),
      params_before + 1);

  // Applied changes are the new baseline: reloading the same file changes nothing.
  const json again = v.qdctl_json({"reload"});
  ASSERT_TRUE(again["ok"].get<bool>());
  EXPECT_TRUE(again["result"]["applied"].empty()) << again.dump();
  EXPECT_TRUE(again["result"]["pending"].empty()) << again.dump();
  EXPECT_TRUE(contains(read_file(v.log_path()), "event=config_reload source=admin")) << "logged";
}

TEST(QdctlReload, AnInvalidFileChangesNothingAndReturnsTheErrors) {
  OpsVenue v;
  v.start();
  std::string y = v.config_yaml();
  y = replace_once(y, "taker_fee_bps: \"10\"", "taker_fee_bps: \"10\"\n    status: \"halted\"");
  y = replace_once(y, "tick_size: \"0.1\"", "tick_sise: \"0.1\"");
  write_file(v.config_path(), y);
  const RunResult r = run({QD_QDCTL_BIN, "--socket", v.socket_path(), "reload"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "nothing changed")) << r.err;
  EXPECT_TRUE(contains(r.err, v.config_path() + ":")) << "file:line:column errors: " << r.err;
  EXPECT_TRUE(contains(r.err, "unknown key 'tick_sise'")) << r.err;
  const json status = admin_request(v.socket_path(), "status").value();
  EXPECT_EQ(market(status, "BTC-PERP")["status"], "open") << "the valid part was not applied";
}

TEST(QdctlReload, SighupRunsTheSameReloadAndIsAuditedWithTheSender) {
  OpsVenue v;
  v.start();
  write_file(v.config_path(), replace_once(v.config_yaml(), "lot_size: \"0.001\"",
                                           "lot_size: \"0.001\"\n    status: \"halted\""));
  ASSERT_EQ(::kill(v.process().pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] {
    const auto s = admin_request(v.socket_path(), "status");
    return s && market(*s, "ETH-PERP")["status"] == "halted";
  }));
  EXPECT_TRUE(contains(read_file(v.log_path()), "event=config_reload source=signal")) << "logged";
  const auto rows = sql_rows(v.audit_path(),
                             "SELECT peer_pid, peer_uid, outcome FROM admin_audit WHERE "
                             "channel='signal' AND command='reload'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], std::to_string(::getpid())) << "the signal's sender";
  EXPECT_EQ(rows[0][1], std::to_string(::getuid()));
  EXPECT_EQ(rows[0][2], "ok");
}

TEST(QdctlBackup, WritesAConsistentCopyOfTheLiveJournal) {
  OpsVenue v;
  v.start();
  auto desk_a = v.connect("DESK_A");
  for (int i = 0; i < 20; ++i) {
    auto o = limit_order("bk-" + std::to_string(i), "BTC-PERP", '1', "0.01", "48000");
    ASSERT_TRUE(desk_a->send(o));
  }
  ASSERT_TRUE(wait_report(*desk_a, "bk-19", '0'));
  const auto seq_before = v.qdctl_json({"status"})["result"]["engine"]["last_seq"].get<int64_t>();

  const std::string target = v.dir() + "/backup.db";
  RunResult r = v.qdctl({"backup", target});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "backup written: " + target)) << r.out;
  EXPECT_EQ(sql_rows(target, "PRAGMA integrity_check")[0][0], "ok");
  EXPECT_GE(sql_int(target, "SELECT max(seq) FROM commands"), seq_before);
  EXPECT_EQ(sql_int(target, "SELECT count(*) FROM orders WHERE client_id LIKE 'bk-%'"), 20);
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  r = v.qdctl({"backup", target});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "exists; not overwriting")) << r.err;
  // A relative path is qdctl's working directory, not the gateway's.
  r = v.qdctl({"backup", "relative.db"}, "", v.dir());
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(v.dir() + "/relative.db"));
  desk_a->stop(true);
}

TEST(QdctlHashPassword, PrintsAnArgon2idHashTheVenueAcceptsForLogon) {
  const std::string password = "correct horse battery staple";
  const RunResult r = run({QD_QDCTL_BIN, "hash-password"}, password + "\n");
  ASSERT_EQ(r.rc, 0) << r.err;
  std::string hash = r.out;
  while (!hash.empty() && hash.back() == '\n') hash.pop_back();
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
  EXPECT_FALSE(contains(r.out + r.err, password));
  ASSERT_EQ(sodium_init() < 0, false);
  EXPECT_EQ(crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()), 0);

  VenueOptions o;
  o.desk_a_hash = hash;
  o.desk_a_password = password;
  OpsVenue v(o);
  v.start();
  auto desk_a = v.connect("DESK_A");  // throws unless the logon verifies against the new hash
  EXPECT_TRUE(desk_a->logged_on());
  desk_a->stop(true);
  EXPECT_FALSE(v.try_logon("DESK_A", "desk-a-demo")) << "the old password no longer works";

  EXPECT_EQ(run({QD_QDCTL_BIN, "hash-password"}, "").rc, 1) << "empty input";
  EXPECT_EQ(run({QD_QDCTL_BIN, "hash-password"}, "\n").rc, 1) << "empty password";
}

TEST(QdctlAudit, EveryRequestIsARowWithTheKernelReportedPeer) {
  OpsVenue v;
  v.start();
  const RunResult ok = v.qdctl({"status"});
  ASSERT_EQ(ok.rc, 0);
  const RunResult bad = v.qdctl({"market", "halt", "BOGUS"});
  ASSERT_EQ(bad.rc, 1);
  // A malformed request over the raw socket is refused and audited too.
  std::string error;
  const int fd = admin::connect_unix_socket(v.socket_path(), error);
  ASSERT_GE(fd, 0) << error;
  std::string buffer, line;
  ASSERT_TRUE(admin::write_all(fd, "this is not json\n"));
  ASSERT_TRUE(admin::read_line(fd, buffer, line, 1 << 20, 10s));
  ::close(fd);
  EXPECT_FALSE(json::parse(line)["ok"].get<bool>());

  const auto rows = sql_rows(v.audit_path(),
                             "SELECT channel, peer_uid, peer_pid, command, args, outcome, detail "
                             "FROM admin_audit ORDER BY id");
  std::vector<std::vector<std::string>> mine;
  for (const auto& row : rows) {
    if (row[2] == std::to_string(ok.pid) || row[2] == std::to_string(bad.pid) ||
        row[3] == "(invalid)") {
      mine.push_back(row);
    }
  }
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0],
            (std::vector<std::string>{"socket", std::to_string(::getuid()), std::to_string(ok.pid),
                                      "status", "{}", "ok", mine[0][6]}));
  EXPECT_EQ(mine[1][3], "market.halt");
  EXPECT_EQ(mine[1][4], R"({"symbol":"BOGUS"})");
  EXPECT_EQ(mine[1][5], "error");
  EXPECT_EQ(mine[1][6], "unknown market 'BOGUS'");
  EXPECT_EQ(mine[2][2], std::to_string(::getpid()));
  EXPECT_EQ(mine[2][5], "error");

  EXPECT_EQ(sql_rows(v.audit_path(), "PRAGMA journal_mode")[0][0], "wal");
  struct stat st {};
  ASSERT_EQ(::stat(v.audit_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::lstat(v.socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(QdctlSocket, RefusesToStartOverAFileThatIsNotASocket) {
  OpsVenue v;
  write_file(v.socket_path(), "precious");
  EXPECT_THROW(v.start(), std::runtime_error);
  EXPECT_EQ(v.process().wait_exit(20s), 1);
  EXPECT_TRUE(contains(read_file(v.stderr_path()), "exists and is not a socket"));
  EXPECT_EQ(read_file(v.socket_path()), "precious");
}

TEST(QdctlSocket, ReplacesAStaleSocketAndRefusesALiveOne) {
  OpsVenue v;
  {  // A socket file nobody serves: what a killed gateway leaves behind.
    admin::UnixListener stale(v.socket_path());
    ::link(v.socket_path().c_str(), (v.dir() + "/keep").c_str());
  }
  ::rename((v.dir() + "/keep").c_str(), v.socket_path().c_str());
  struct stat st {};
  ASSERT_EQ(::lstat(v.socket_path().c_str(), &st), 0);
  ASSERT_TRUE(S_ISSOCK(st.st_mode));
  v.start();
  EXPECT_TRUE(contains(read_file(v.log_path()), "event=admin_stale_socket_removed"));

  // A second gateway on the same config finds the socket served and stops.
  Process second({QD_QUANTDESK_BIN, "--config", v.config_path()}, v.dir() + "/second.out",
                 v.dir() + "/second.err");
  EXPECT_EQ(second.wait_exit(30s), 1);
  EXPECT_TRUE(contains(read_file(v.dir() + "/second.err"), "in use by another process"));
  EXPECT_EQ(v.qdctl({"status"}).rc, 0) << "the first gateway still serves";
}

TEST(QdctlSocket, OtherUsersCannotConnect) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to another user";
  OpsVenue v;
  v.start();
  const pid_t child = ::fork();
  if (child == 0) {
    // Async-signal-safe calls only after fork.
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    std::string error;
    const int fd = admin::connect_unix_socket(v.socket_path(), error);
    ::_exit(fd < 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "uid 65534 connected to a 0600 socket owned by root";
}

TEST(Qdctl, UsageAndUnreachableGatewayHaveTheirExitCodes) {
  EXPECT_EQ(run({QD_QDCTL_BIN}).rc, 2);
  EXPECT_EQ(run({QD_QDCTL_BIN, "frobnicate"}).rc, 2);
  EXPECT_EQ(run({QD_QDCTL_BIN, "--socket", "/tmp/qd-no-such.sock", "--config", "x", "status"}).rc,
            2);
  const RunResult r = run({QD_QDCTL_BIN, "--socket", "/tmp/qd-no-such.sock", "status"});
  EXPECT_EQ(r.rc, 3);
  EXPECT_TRUE(contains(r.err, "is the gateway running?")) << r.err;
}

}  // namespace
}  // namespace qd::ops_test
