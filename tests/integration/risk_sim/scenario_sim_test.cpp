// qd-risk-sim: located scenario errors, steps that cannot be carried out, repeatable reports,
// stress branches that leave the main line alone, and orders priced from the oracle.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/risk_sim/scenario_loader.hpp"
#include "app/risk_sim/scenario_runner.hpp"

namespace qd::risk_sim {
namespace {

std::vector<std::string> messages(const ConfigErrors& errors) {
  std::vector<std::string> out;
  for (const ConfigError& e : errors) out.push_back(e.to_string());
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Scenario load_ok(const std::string& yaml) {
  LoadResult r = load_scenario_text(yaml, "test.yaml");
  EXPECT_TRUE(r.scenario.has_value()) << (r.errors.empty() ? "" : r.errors.front().to_string());
  return r.scenario ? *r.scenario : Scenario{};
}

Scenario load_file(const std::string& name) {
  LoadResult r = load_scenario(std::string(QD_SCENARIO_DIR) + "/" + name);
  EXPECT_TRUE(r.scenario.has_value()) << (r.errors.empty() ? "" : r.errors.front().to_string());
  return r.scenario ? *r.scenario : Scenario{};
}

constexpr const char* kOneMarket = R"(name: t
markets:
  - symbol: BTC-PERP
    tick_size: "1"
    lot_size: "0.001"
    oracle_price: "50000"
accounts:
  - id: ALICE
    deposit: "1000000"
  - id: BOB
    deposit: "1000000"
)";

TEST(ScenarioLoader, EveryErrorIsReportedAtItsLineAndColumn) {
  const std::string yaml = R"(name: bad
markets:
  - symbol: BTC-PERP
    tick_size: "1"
    lot_size: "0.001"
    oracle_price: "50000"
    taker_fee_bsp: "10"
  - symbol: ETH-PERP
    tick_size: "0.01"
    lot_size: "0.01"
    oracle_price: "3000.0000001"
accounts:
  - id: ALICE
    deposit: "1000"
steps:
  - at: 10
    fill: {buyer: ALICEE, seller: ALICE, market: BTC-PERP, price: "50000", qty: "1"}
  - at: 5
    oracle: {price: "48000"}
  - order: {account: ALICE, market: BTC-PERP, side: hold, price: "1", qty: "1"}
    cancel: {account: ALICE, id: x}
  - shock: {pct: "-100"}
  - advance: {by: 1h, every: "5 s"}
)";
  const LoadResult r = load_scenario_text(yaml, "bad.yaml");
  EXPECT_FALSE(r.scenario.has_value());
  const std::vector<std::string> want = {
      "bad.yaml:7:5: markets[0]: unknown key 'taker_fee_bsp' (did you mean 'taker_fee_bps'?)",
      "bad.yaml:11:19: markets[1].oracle_price: \"3000.0000001\" has more decimal places than the "
      "unit allows; expected at most 6 (unit 1e-6 USDC)",
      "bad.yaml:17:19: steps[0].fill.buyer: unknown account \"ALICEE\" (did you mean 'ALICE'?)",
      "bad.yaml:18:9: steps[1].at: 5 s is before the previous step (10 s); steps run in time order",
      "bad.yaml:19:13: steps[1].oracle: missing key 'market'; it may be left out only when the "
      "scenario has a single market",
      "bad.yaml:20:53: steps[2].order.side: \"hold\" is not valid; expected one of buy, sell",
      "bad.yaml:21:5: steps[2]: 'cancel' in the same step as 'order'; a step does exactly one "
      "thing",
      "bad.yaml:22:18: steps[3].shock.pct: \"-100\" is not a valid percentage; expected a value "
      "from "
      "-99.99 to 1000 with at most two decimals, like \"-20\" or \"+0.5\"",
      "bad.yaml:23:30: steps[4].advance.every: \"5 s\" is not a time; expected seconds like \"90\" "
      "or \"0.5\", or with a unit: \"30s\", \"15m\", \"2h\"",
  };
  EXPECT_EQ(messages(r.errors), want);
}

TEST(ScenarioLoader, YamlSyntaxErrorsAreLocated) {
  const LoadResult r = load_scenario_text("name: x\nsteps: [\n", "broken.yaml");
  ASSERT_FALSE(r.scenario.has_value());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors.front().file, "broken.yaml");
  EXPECT_GT(r.errors.front().line, 0);
}

TEST(ScenarioLoader, MissingSectionsAndUnknownStepsAreNamed) {
  const LoadResult r =
      load_scenario_text(std::string(kOneMarket) + "steps:\n  - at: 1\n    trade: {}\n", "t.yaml");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].to_string(),
            "t.yaml:13:5: steps[0]: a step needs one action: deposit, withdraw, order, cancel, "
            "cancel_all, fill, oracle, shock, tick, advance, snapshot, stress");
  EXPECT_EQ(r.errors[1].to_string(), "t.yaml:14:5: steps[0]: unknown key 'trade'");
}

TEST(ScenarioRun, ADirectFillTheBookWouldNotRouteToItsCounterpartyIsAnErrorAtItsStep) {
  const Scenario s = load_ok(std::string(kOneMarket) + R"(steps:
  - order: {account: BOB, side: buy, price: "50010", qty: "1"}
  - at: 1
    fill: {buyer: ALICE, seller: BOB, price: "50000", qty: "1"}
)");
  const RunResult r = run_scenario(s);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "test.yaml:15:5: steps[1].fill: the maker's order at 50000 would trade with the bid at "
            "50010 already on the book; cancel it or fill at another price");
}

TEST(ScenarioRun, ARefusedTakerLeavesNoMakerOrderBehind) {
  // ALICE's 1,000 USDC cannot carry 10 BTC: the taker is refused, BOB's order is taken back.
  const Scenario s = load_ok(R"(name: t
markets:
  - {symbol: BTC-PERP, tick_size: "1", lot_size: "0.001", oracle_price: "50000"}
accounts:
  - {id: ALICE, deposit: "1000"}
  - {id: BOB, deposit: "1000000"}
steps:
  - fill: {buyer: ALICE, seller: BOB, price: "50000", qty: "10"}
)");
  const RunResult r = run_scenario(s);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> types;
  for (const Json& e : r.report["events"]) types.push_back(e["type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"deposit", "deposit", "order_rejected", "order_canceled"}));
  EXPECT_EQ(r.report["final"]["accounts"][1]["open_orders"].size(), 0u);
  EXPECT_EQ(r.report["final"]["markets"][0]["best_ask"], nullptr);
}

TEST(ScenarioRun, TheSameScenarioPrintsTheSameBytes) {
  const Scenario s = load_file("liquidation_through_book.yaml");
  const std::string first = run_scenario(s).report.dump(2);
  const std::string second = run_scenario(s).report.dump(2);
  EXPECT_EQ(first, second);
  EXPECT_NE(first.find("\"type\": \"liquidation\""), std::string::npos);
}

TEST(ScenarioRun, StressBranchesLeaveTheMainLineUntouched) {
  Scenario with = load_file("stress.yaml");
  ASSERT_FALSE(with.steps.empty());
  ASSERT_TRUE(std::holds_alternative<StressStep>(with.steps.back().action));
  Scenario without = with;
  without.steps.back().action = SnapshotStep{"instead of the stress"};
  const RunResult a = run_scenario(with);
  const RunResult b = run_scenario(without);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a.report["final"], b.report["final"]);
  EXPECT_EQ(a.report["events"], b.report["events"]);
  // ... while the branches did something: the -16% branch liquidated accounts.
  bool liquidated = false;
  for (const Json& branch : a.report["stress"][0]["results"]) {
    if (branch["shock_pct"] == "-16") liquidated = branch["summary"]["liquidations"] > 0;
  }
  EXPECT_TRUE(liquidated);
}

TEST(ScenarioRun, OrdersPricedFromTheOracleLandOnTheTickGridInsideTheOffset) {
  const Scenario s = load_ok(R"(name: t
markets:
  - {symbol: BTC-PERP, tick_size: "1", lot_size: "0.001", oracle_price: "50001"}
accounts:
  - {id: LP, deposit: "1000000"}
steps:
  - order: {account: LP, side: buy, oracle_offset_pct: "-0.5", qty: "1", id: bid}
  - order: {account: LP, side: sell, oracle_offset_pct: "+0.5", qty: "1", id: ask}
)");
  const RunResult r = run_scenario(s);
  ASSERT_TRUE(r.ok());
  const Json& orders = r.report["final"]["accounts"][0]["open_orders"];
  ASSERT_EQ(orders.size(), 2u);
  // 50,001 x 0.995 = 49,750.995 -> bid 49,750; 50,001 x 1.005 = 50,251.005 -> ask 50,252.
  EXPECT_EQ(orders[0]["order"], "bid");
  EXPECT_EQ(orders[0]["price"], "49750");
  EXPECT_EQ(orders[1]["order"], "ask");
  EXPECT_EQ(orders[1]["price"], "50252");
}

TEST(ScenarioRun, WithoutTheKeeperTheOracleGoesStaleAndRiskIncreasingOrdersAreRefused) {
  const std::string steps = R"(steps:
  - at: 120
    order: {account: ALICE, side: buy, price: "50000", qty: "1"}
)";
  const RunResult fresh = run_scenario(load_ok(std::string(kOneMarket) + steps));
  const RunResult stale =
      run_scenario(load_ok(std::string(kOneMarket) + "keep_oracles_fresh: false\n" + steps));
  EXPECT_EQ(fresh.report["summary"]["rejected_orders"], 0);
  EXPECT_EQ(stale.report["summary"]["rejected_orders"], 1);
  EXPECT_EQ(stale.report["final"]["markets"][0]["oracle_validity"], "stale for margin");
}

TEST(ScenarioReadme, TheDocumentedExampleIsTheGoldenTestedFile) {
  const std::string readme = read_file(std::string(QD_SCENARIO_DIR) + "/README.md");
  const std::string open = "```yaml\n";
  const size_t start = readme.find(open);
  ASSERT_NE(start, std::string::npos);
  const size_t end = readme.find("```", start + open.size());
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(readme.substr(start + open.size(), end - start - open.size()),
            read_file(std::string(QD_SCENARIO_DIR) + "/example.yaml"));
}

}  // namespace
}  // namespace qd::risk_sim
