// The bridge without a chain: start() never fails, set-up problems are reported in status()
// and retried, queries answer sensibly before set-up, and stop() returns promptly.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "settlement/bridge/settlement_bridge.hpp"

namespace qd::settlement {
namespace {

using namespace std::chrono_literals;

TEST(BridgeLifecycle, ReportsAMissingManifestAndStopsPromptly) {
  BridgeOptions o;
  o.journal_path = "/nonexistent/journal.db";
  o.store_path = "/nonexistent/settlement.db";
  o.manifest_path = "/nonexistent/manifest.json";
  o.accounts = {{1, "DESK-A"}};
  SettlementBridge bridge(o);
  bridge.set_batch_limits(10, 0);  // accepted before or while running
  bridge.start();
  SettlementStatus s;
  for (int i = 0; i < 100 && s.last_error.empty(); ++i) {
    std::this_thread::sleep_for(20ms);
    s = bridge.status();
  }
  EXPECT_TRUE(s.running);
  EXPECT_FALSE(s.ready);
  EXPECT_FALSE(s.idle);
  EXPECT_NE(s.last_error.find("/nonexistent/manifest.json"), std::string::npos) << s.last_error;
  EXPECT_FALSE(bridge.release(1));  // nothing is quarantined
  const ReconcileReport rep = bridge.reconcile();
  EXPECT_FALSE(rep.ok);
  EXPECT_FALSE(rep.error.empty());
  const auto t0 = std::chrono::steady_clock::now();
  bridge.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_FALSE(bridge.status().running);
}

}  // namespace
}  // namespace qd::settlement
