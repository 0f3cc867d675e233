// The quickstart demo end to end, as a user runs it: scripts/demo.sh on the quickstart config
// (only ports, paths and the chain's block time changed) starts the real local chain, its setup,
// the real quantdesk, and qd-demo; it must exit 0 with trades, drop copies and confirmed batches
// in its summary, and the journal and settlement.db must agree with what it printed.

#include <gtest/gtest.h>

#include <regex>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  size_t n = 0;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
    ++n;
  }
  if (n == 0) throw std::runtime_error("no '" + from + "' in config/quickstart.yaml");
}

/// The number after `label` in the summary; -1 when the line is missing.
int summary_count(const std::string& out, const std::string& label) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(label + R"(:\s+([0-9]+))"))) return -1;
  return std::stoi(m[1].str());
}

TEST(QuickstartDemo, RunsEndToEndOnTheLocalChainAndExitsZeroWithASummary) {
  const std::string dir = make_temp_dir();
  const std::string data = dir + "/data";
  std::string yaml = read_file(std::string(QD_SOURCE_DIR) + "/config/quickstart.yaml");
  const uint16_t chain_port = free_port();
  replace_all(yaml, "data/quickstart", data);
  replace_all(yaml, "port: 9876", "port: " + std::to_string(free_port()));
  replace_all(yaml, "port: 9464", "port: " + std::to_string(free_port()));
  replace_all(yaml, "port: 8899", "port: " + std::to_string(chain_port));
  replace_all(yaml, "127.0.0.1:8899", "127.0.0.1:" + std::to_string(chain_port));
  replace_all(yaml, "block_ms: 400", "block_ms: 100");  // finalized in 3.2 s instead of 12.8 s
  const std::string config = dir + "/quickstart.yaml";
  write_file(config, yaml);

  ::setenv("QD_BIN_DIR", std::filesystem::path(QD_QUANTDESK_BIN).parent_path().c_str(), 1);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r =
      run({"/bin/bash", std::string(QD_SOURCE_DIR) + "/scripts/demo.sh", "--config", config}, "",
          QD_SOURCE_DIR, 150s);
  const auto took = std::chrono::steady_clock::now() - t0;
  const std::string logs =
      "\n--- stderr\n" + r.err + "\n--- quantdesk.err\n" + read_file(data + "/logs/quantdesk.err");
  ASSERT_EQ(r.rc, 0) << r.out << logs;
  EXPECT_NE(r.out.find("result: OK"), std::string::npos) << r.out;
  const int trades = summary_count(r.out, "trades");
  const int drop_copies = summary_count(r.out, "drop copies received");
  const int batches = summary_count(r.out, "batches confirmed");
  EXPECT_GT(trades, 0) << r.out;
  EXPECT_GT(drop_copies, 0) << r.out;
  EXPECT_GT(batches, 0) << r.out;
  EXPECT_LT(took, 120s);

  // What it printed is what the venue recorded: one fill per side of each trade in the journal,
  // and confirmed batches with a signature for every part in settlement.db.
  EXPECT_EQ(sql_int(data + "/journal.db", "SELECT count(*) FROM events WHERE kind = 'fill'"),
            2 * trades);
  EXPECT_EQ(sql_int(data + "/settlement.db",
                    "SELECT count(*) FROM batches WHERE state IN ('confirmed', 'finalized')"),
            batches);
  const auto signatures =
      sql_rows(data + "/settlement.db", "SELECT signature FROM parts WHERE signature IS NOT NULL");
  ASSERT_FALSE(signatures.empty());
  for (const auto& s : signatures) {
    EXPECT_NE(r.out.find(s[0]), std::string::npos) << "signature " << s[0] << " not printed";
  }
  // The demo stopped what it started: nothing answers on the admin socket any more.
  EXPECT_FALSE(admin_request(data + "/qdctl.sock", "status").has_value());
  // The chain was finalized before the venue started: settlement set up without a retry.
  EXPECT_EQ(read_file(data + "/logs/quantdesk.err").find("event=settlement_error"),
            std::string::npos)
      << logs;
  std::error_code ec;
  if (!std::getenv("QD_KEEP_TEST_DIRS")) std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace qd::ops_test
