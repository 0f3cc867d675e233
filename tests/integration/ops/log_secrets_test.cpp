// A real run with real credentials (the quickstart's demo passwords, an Ed25519 logon key, a
// refused logon with a wrong password, `qdctl hash-password`), then every file the gateway wrote
// under its data directory (its log, the FIX logs and stores, the journal, the audit log) and
// its stdout/stderr are searched for each secret in every form a log might carry it.

#include <gtest/gtest.h>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

struct Secret {
  std::string what;
  std::string text;
};

TEST(OpsLogs, NoPasswordKeyOrHashReachesAnyFileTheGatewayWrites) {
  OpsVenue v;
  v.start();
  const std::string wrong_password = "wrong-Pa55word-7f3c";
  // First, while no DESK_A session runs in this process (QuickFIX keys sessions process-wide).
  EXPECT_FALSE(v.try_logon("DESK_A", wrong_password)) << "a wrong password must be refused";
  {
    auto a = v.connect("DESK_A");
    auto b = v.connect("DESK_B");  // password + Ed25519 signature in RawData (96)
    auto c = v.connect("COMPLIANCE");
    auto bid = limit_order("s-bid", "BTC-PERP", '1', "0.01", "50000");
    ASSERT_TRUE(a->send(bid));
    ASSERT_TRUE(wait_report(*a, "s-bid", '0'));
    auto ask = limit_order("s-ask", "BTC-PERP", '2', "0.01", "50000");
    ASSERT_TRUE(b->send(ask));
    ASSERT_TRUE(wait_report(*b, "s-ask", 'F'));
    // Let the sampler see the sessions (logon lines) before they go.
    std::this_thread::sleep_for(1500ms);
    c->stop(true);
    b->stop(true);
    a->stop(true);
  }
  std::string cli_output;
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"status"},
                                             {"sessions", "list"},
                                             {"market", "halt", "ETH-PERP"},
                                             {"market", "resume", "ETH-PERP"},
                                             {"oracle", "set", "ETH-PERP", "3001"},
                                             {"account", "show", "DESK-B"},
                                             {"reload"},
                                             {"backup", v.dir() + "/b.db"}}) {
    const RunResult r = v.qdctl(args);
    EXPECT_EQ(r.rc, 0) << args[0] << ": " << r.err;
    cli_output += r.out + r.err;
  }
  const RunResult hashed = run({QD_QDCTL_BIN, "hash-password"}, std::string(kDeskBPassword) + "\n");
  ASSERT_EQ(hashed.rc, 0);
  cli_output += hashed.err;  // stdout is the hash of a secret, which is the point of the command
  ASSERT_EQ(v.stop(), 0);

  const auto& sk = v.secret_key();
  const std::vector<Secret> secrets = {
      {"DESK_A password", kDeskAPassword},
      {"DESK_B password", kDeskBPassword},
      {"COMPLIANCE password", kCompliancePassword},
      {"refused password", wrong_password},
      {"secret key (base58)", base58(sk.data(), sk.size())},
      {"secret key (base64)", base64(sk.data(), sk.size())},
      {"secret key (hex)", hex(sk.data(), sk.size())},
      {"key seed (base58)", base58(sk.data(), 32)},
      {"key seed (base64)", base64(sk.data(), 32)},
      {"key seed (hex)", hex(sk.data(), 32)},
      {"DESK_A password hash", kDeskAHash},
      {"DESK_B password hash", kDeskBHash},
      {"COMPLIANCE password hash", kComplianceHash},
  };

  std::vector<std::string> files = {v.stdout_path(), v.stderr_path()};
  for (const auto& e : std::filesystem::recursive_directory_iterator(v.data_dir())) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::string process_log, fix_logs;
  for (const std::string& f : files) {
    const std::string content = read_file(f);
    if (f == v.log_path()) process_log = content;
    if (f.find("/fix/") != std::string::npos) fix_logs += content;
    for (const Secret& s : secrets) {
      EXPECT_EQ(content.find(s.text), std::string::npos) << s.what << " found in " << f;
    }
  }
  for (const Secret& s : secrets) {
    EXPECT_EQ(cli_output.find(s.text), std::string::npos) << s.what << " in qdctl output";
  }

  // The search saw real content: the logs carry the run's events and the FIX logons.
  EXPECT_NE(process_log.find("event=session_logon session=DESK_A"), std::string::npos);
  EXPECT_NE(process_log.find("event=admin_command channel=socket"), std::string::npos);
  EXPECT_NE(process_log.find("event=config_reload source=admin"), std::string::npos);
  EXPECT_NE(fix_logs.find("35=A"), std::string::npos) << "FIX logons were logged";
  EXPECT_NE(fix_logs.find("554="), std::string::npos) << "the Password field is present, redacted";
}

}  // namespace
}  // namespace qd::ops_test
