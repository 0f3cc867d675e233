// `qdctl settlement ...`, the settlement metrics and the live batch limits against a real
// quantdesk settling on the real local chain: a desk that delegated too little is quarantined,
// shown, released by the operator (and quarantined again by the next pre-check), every action is
// audited, and a reload changes when batches close without a restart.

#include <gtest/gtest.h>

#include <functional>

#include "tests/integration/ops/localnet_harness.hpp"
#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in the config");
  return s.replace(at, from.size(), to);
}

TEST(QdctlSettlement, StatusQuarantineReleaseReconcileMetricsAndLiveBatchLimits) {
  const std::string dir = make_temp_dir();
  OpsLocalnet chain(dir);
  // DESK-B delegates one base unit: whatever it owes cannot be collected, so it is quarantined.
  // Batches close only an hour after their first fill, until the reload below.
  VenueOptions o;
  o.extra_yaml = settlement_yaml(dir, chain.url(), "0.000001", 3'600'000);
  OpsVenue v(o);
  const RunResult setup = chain.setup(v.config_path());
  ASSERT_EQ(setup.rc, 0) << setup.out << setup.err;
  v.start();
  auto settlement = [&] { return v.qdctl_json({"settlement", "status"})["result"]; };
  ASSERT_TRUE(eventually([&] { return settlement().value("ready", false); }))
      << settlement().dump(1);

  {  // Two round trips: DESK-A ends +50 USDC, DESK-B -50 USDC and both pay fees.
    auto a = v.connect("DESK_A");
    auto b = v.connect("DESK_B");
    auto send_and_wait = [&](fix::Initiator& i, FIX::Message m, char exec_type) {
      const std::string cl = field(m, 11);
      ASSERT_TRUE(i.send(m));
      ASSERT_TRUE(wait_report(i, cl, exec_type)) << cl;
    };
    send_and_wait(*a, limit_order("s-1", "BTC-PERP", '1', "0.5", "50000"), '0');
    send_and_wait(*b, limit_order("s-2", "BTC-PERP", '2', "0.5", "50000"), 'F');
    send_and_wait(*a, limit_order("s-3", "BTC-PERP", '2', "0.5", "50100"), '0');
    send_and_wait(*b, limit_order("s-4", "BTC-PERP", '1', "0.5", "50100"), 'F');
  }
  ASSERT_TRUE(eventually([&] { return settlement()["open_fills"].get<uint64_t>() >= 2; }));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(settlement()["batches_closed"], 0) << "the hour-long batch delay holds the fills";

  // The reload applies the shorter delay to the open batch: it closes and lands.
  std::string y = read_file(v.config_path());
  y = replace_once(y, "batch_max_delay_ms: 3600000", "batch_max_delay_ms: 200");
  write_file(v.config_path(), y);
  const RunResult reload = v.qdctl({"reload"});
  ASSERT_EQ(reload.rc, 0) << reload.err;
  EXPECT_TRUE(contains(reload.out, "applied now:\n  settlement.batch_max_delay_ms: 3600000 -> 200"))
      << reload.out;
  ASSERT_TRUE(eventually([&] {
    const json s = settlement();
    return s["batches_confirmed"].get<uint64_t>() >= 1 && s["quarantined_now"] == 1;
  })) << settlement().dump(1);

  const RunResult q = v.qdctl({"settlement", "quarantine"});
  ASSERT_EQ(q.rc, 0) << q.err;
  EXPECT_TRUE(contains(q.out, "DESK-B")) << q.out;
  EXPECT_TRUE(contains(q.out, "QUARANTINED:")) << q.out;
  EXPECT_FALSE(contains(q.out, "DESK-A")) << q.out;
  const json qj = v.qdctl_json({"settlement", "quarantine"});
  ASSERT_EQ(qj["result"]["quarantined"].size(), 1u);
  EXPECT_TRUE(contains(qj["result"]["quarantined"][0]["reason"], "allowance")) << qj.dump(1);
  EXPECT_EQ(qj["result"]["quarantined"][0]["unsettled"].get<std::string>()[0], '-')
      << "DESK-B's debt is carried: " << qj.dump(1);

  // The metrics follow the bridge's status (fed every 250 ms).
  std::string metrics;
  EXPECT_TRUE(eventually([&] {
    const auto r = http_get(v.metrics_port(), "/metrics");
    metrics = r ? r->body : "";
    return contains(metrics, "\nquantdesk_settlement_quarantined_accounts 1") &&
           contains(metrics, "\nquantdesk_settlement_quarantines_total 1") &&
           !contains(metrics, "\nquantdesk_settlement_batches_confirmed_total 0");
  })) << metrics;

  // Status: the confirmed batch with its part signatures.
  const json st = settlement();
  ASSERT_FALSE(st["recent_batches"].empty()) << st.dump(1);
  const json& batch = st["recent_batches"][0];
  EXPECT_GE(batch["fills"].get<int>(), 2);
  EXPECT_TRUE(batch["state"] == "confirmed" || batch["state"] == "finalized") << batch.dump();
  ASSERT_FALSE(batch["signatures"].empty());
  const std::string signature = batch["signatures"][0]["signature"];
  EXPECT_GE(signature.size(), 80u);
  const RunResult human = v.qdctl({"settlement", "status"});
  ASSERT_EQ(human.rc, 0) << human.err;
  EXPECT_TRUE(contains(human.out, "settlement  ready")) << human.out;
  EXPECT_TRUE(contains(human.out, "part 1  " + signature)) << human.out;
  EXPECT_TRUE(contains(human.out, "QUARANTINED:")) << human.out;
  const RunResult overall = v.qdctl({"status"});
  EXPECT_TRUE(contains(overall.out, "settlement  running")) << overall.out;
  EXPECT_TRUE(contains(overall.out, "quarantined 1")) << overall.out;

  // Release: refused for a desk that is not quarantined; done for DESK-B, whose carried debt
  // goes in the next batch, whose pre-check quarantines it again (it is still short).
  const RunResult not_q = v.qdctl({"settlement", "release", "DESK-A"});
  EXPECT_EQ(not_q.rc, 1);
  EXPECT_TRUE(contains(not_q.err, "'DESK-A' is not quarantined")) << not_q.err;
  EXPECT_EQ(v.qdctl({"settlement", "release", "NOBODY"}).rc, 1);
  const RunResult released = v.qdctl({"settlement", "release", "DESK-B"});
  ASSERT_EQ(released.rc, 0) << released.err;
  EXPECT_TRUE(contains(released.out, "released DESK-B")) << released.out;
  EXPECT_TRUE(eventually([&] {
    return contains(read_file(v.log_path()), "event=settlement_released account=2 by=admin");
  }));
  EXPECT_TRUE(eventually([&] { return settlement()["quarantines"].get<uint64_t>() >= 2; }))
      << settlement().dump(1);

  // Reconcile once everything confirmed is also finalized: the chain matches the venue.
  ASSERT_TRUE(eventually([&] { return settlement().value("idle", false); }))
      << settlement().dump(1);
  const RunResult rec = v.qdctl({"settlement", "reconcile"});
  EXPECT_EQ(rec.rc, 0) << rec.out << rec.err;
  EXPECT_TRUE(contains(rec.out, "reconciled: every balance matches")) << rec.out;
  EXPECT_TRUE(contains(rec.out, "DESK-B")) << rec.out;
  EXPECT_TRUE(contains(rec.out, "vault")) << rec.out;

  // Every settlement command is an audit row with its arguments and outcome.
  const auto rows =
      sql_rows(v.audit_path(),
               "SELECT command, args, outcome, detail FROM admin_audit WHERE command LIKE "
               "'settlement.%' OR command = 'reload' ORDER BY id");
  auto row_with = [&](const std::string& command, const std::string& args,
                      const std::string& outcome) {
    for (const auto& r : rows) {
      if (r[0] == command && r[1] == args && r[2] == outcome) return true;
    }
    return false;
  };
  EXPECT_TRUE(row_with("settlement.status", "{}", "ok"));
  EXPECT_TRUE(row_with("settlement.quarantine", "{}", "ok"));
  EXPECT_TRUE(row_with("settlement.release", R"({"account":"DESK-A"})", "error"));
  EXPECT_TRUE(row_with("settlement.release", R"({"account":"DESK-B"})", "ok"));
  EXPECT_TRUE(row_with("settlement.reconcile", "{}", "ok"));
  EXPECT_TRUE(row_with("reload", "{}", "ok"));
  EXPECT_EQ(v.stop(), 0);
  std::error_code ec;
  if (!std::getenv("QD_KEEP_TEST_DIRS")) std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace qd::ops_test
