// Includes: relative paths, list concatenation, map merging, overrides and conflicts.

#include <gtest/gtest.h>

#include "app/config/config_loader.hpp"
#include "config_test_files.hpp"

namespace qd {
namespace {

const std::string kMarket =
    "markets:\n"
    "  - { symbol: \"BTC-PERP\", tick_size: \"0.1\", lot_size: \"0.0001\", oracle: { "
    "initial_price: \"50000\" } }\n";
const std::string kListener = "listeners:\n  - { name: \"plain\", port: 9876 }\n";

std::vector<std::string> lines(const ConfigResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors()) out.push_back(e.to_string());
  return out;
}

TEST(Includes, SplitExampleMergesRelativeToTheIncludingFile) {
  ConfigResult r = load_config(test::repo_file("config/examples/split/venue.yaml"));
  for (const ConfigError& e : r.errors()) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->markets.size(), 2u);
  EXPECT_EQ(r->markets[0].symbol, "BTC-PERP");
  EXPECT_EQ(r->markets[1].symbol, "ETH-PERP");
  EXPECT_EQ(r->markets[1].id, 1u);
  ASSERT_EQ(r->accounts.size(), 1u);
  ASSERT_EQ(r->sessions.size(), 1u);
  EXPECT_EQ(r->sessions[0].accounts, std::vector<std::string>{"DESK-A"});
  EXPECT_EQ(r->logging.level, LogLevel::debug);  // the including file overrides
  EXPECT_EQ(r->logging.max_files, 3u);           // the rest of the included mapping stays
  EXPECT_EQ(r->venue.data_dir, "data/split");
}

TEST(Includes, ListsConcatenateIncludedFirst) {
  test::ScratchDir dir;
  dir.write("more.yaml",
            "markets:\n"
            "  - { symbol: \"ETH-PERP\", tick_size: \"0.01\", lot_size: \"0.001\", oracle: { "
            "initial_price: \"3000\" } }\n");
  std::string main = dir.write("main.yaml", "include: \"more.yaml\"\n" + kListener + kMarket);
  ConfigResult r = load_config(main);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->markets.size(), 2u);
  EXPECT_EQ(r->markets[0].symbol, "ETH-PERP");
  EXPECT_EQ(r->markets[0].id, 0u);
  EXPECT_EQ(r->markets[1].symbol, "BTC-PERP");
}

TEST(Includes, NestedDirectoriesResolveFromEachFile) {
  test::ScratchDir dir;
  dir.write("a/b/markets.yaml", kMarket);
  dir.write("a/mid.yaml", "include: [\"b/markets.yaml\"]\n");
  std::string main = dir.write("main.yaml", "include: [\"a/mid.yaml\"]\n" + kListener);
  ConfigResult r = load_config(main);
  for (const ConfigError& e : r.errors()) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->markets.at(0).symbol, "BTC-PERP");
}

TEST(Includes, TwoIncludedFilesSettingOneValueConflict) {
  test::ScratchDir dir;
  std::string a = dir.write("a.yaml", "logging:\n  level: \"warn\"\n");
  std::string b = dir.write("b.yaml", "logging:\n  level: \"debug\"\n");
  std::string main =
      dir.write("main.yaml", "include: [\"a.yaml\", \"b.yaml\"]\n" + kListener + kMarket);
  EXPECT_EQ(lines(load_config(main)),
            std::vector<std::string>{b + ":2:3: 'logging.level' is also set at " + a +
                                     ":2:3; set it in one included file, or override it in the "
                                     "including file"});
}

TEST(Includes, ErrorsInIncludedFilesNameThatFile) {
  test::ScratchDir dir;
  std::string part = dir.write("parts/risk.yaml", "risk:\n  liquidation_fee_pct: \"11\"\n");
  std::string main = dir.write("main.yaml", "include: \"parts/risk.yaml\"\n" + kListener + kMarket);
  EXPECT_EQ(lines(load_config(main)),
            std::vector<std::string>{part + ":2:24: risk.liquidation_fee_pct: \"11\" is out of "
                                            "range; expected a value from 0 to 10"});
}

TEST(Includes, SelfIncludeIsACycle) {
  test::ScratchDir dir;
  std::string main = dir.write("main.yaml", "include: \"main.yaml\"\n" + kListener + kMarket);
  EXPECT_EQ(lines(load_config(main)),
            std::vector<std::string>{main + ":1:10: include cycle: " + main + " -> " + main +
                                     "; a file cannot include itself"});
}

TEST(Includes, AFileIncludedTwiceIsReported) {
  test::ScratchDir dir;
  std::string m = dir.write("markets.yaml", kMarket);
  std::string a = dir.write("a.yaml", "include: \"markets.yaml\"\n");
  std::string main =
      dir.write("main.yaml", "include: [\"a.yaml\", \"markets.yaml\"]\n" + kListener);
  EXPECT_EQ(lines(load_config(main)),
            std::vector<std::string>{main + ":1:21: '" + m + "' is already included at " + a +
                                     ":1:10; include each file once"});
}

TEST(Includes, IncludeMustNameFiles) {
  test::ScratchDir dir;
  std::string main = dir.write("main.yaml", "include: { a: 1 }\n" + kListener + kMarket);
  EXPECT_EQ(lines(load_config(main)),
            std::vector<std::string>{main + ":1:10: include: expected a file name or a list of "
                                            "file names, got a mapping"});
}

}  // namespace
}  // namespace qd
