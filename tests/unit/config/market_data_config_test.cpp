// The market_data section: defaults, values, and range errors at the key's file:line:column.

#include <gtest/gtest.h>

#include "app/config/config_loader.hpp"

namespace qd {
namespace {

ConfigResult with_section(const std::string& section) {
  return load_config_text(std::string(embedded_quickstart_yaml()) + "\n" + section, "md.yaml");
}

TEST(MarketDataConfig, DefaultsWhenAbsent) {
  ConfigResult r = load_embedded_quickstart();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->market_data.max_depth, 0u);
  EXPECT_EQ(r->market_data.conflation_interval_ms, 0u);
  EXPECT_EQ(r->market_data.session_queue_limit, 10000u);
  EXPECT_EQ(r->market_data.max_subscriptions, 100u);
}

TEST(MarketDataConfig, ReadsEveryKey) {
  ConfigResult r = with_section(
      "market_data:\n  max_depth: 25\n  conflation_interval_ms: 50\n  session_queue_limit: 500\n"
      "  max_subscriptions: 8\n");
  ASSERT_TRUE(r.has_value()) << r.errors().front().to_string();
  EXPECT_EQ(r->market_data.max_depth, 25u);
  EXPECT_EQ(r->market_data.conflation_interval_ms, 50u);
  EXPECT_EQ(r->market_data.session_queue_limit, 500u);
  EXPECT_EQ(r->market_data.max_subscriptions, 8u);
}

TEST(MarketDataConfig, ErrorsPointAtTheKey) {
  const int base = 1 + int(std::count(embedded_quickstart_yaml().begin(),
                                      embedded_quickstart_yaml().end(), '\n'));
  ConfigResult r = with_section(
      "market_data:\n  session_queue_limit: 5\n  max_subscriptions: 0\n  max_depth: lots\n"
      "  conflation_ms: 10\n");
  ASSERT_FALSE(r.has_value());
  std::vector<std::string> lines;
  for (const ConfigError& e : r.errors()) lines.push_back(e.to_string());
  ASSERT_EQ(lines.size(), 4u);
  const std::string at = "md.yaml:";
  EXPECT_EQ(
      lines[0].rfind(at + std::to_string(base + 2) + ":24: market_data.session_queue_limit", 0), 0u)
      << lines[0];
  EXPECT_NE(lines[0].find("10"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind(at + std::to_string(base + 3) + ":22: market_data.max_subscriptions", 0),
            0u)
      << lines[1];
  EXPECT_EQ(lines[2].rfind(at + std::to_string(base + 4) + ":14: market_data.max_depth", 0), 0u)
      << lines[2];
  EXPECT_EQ(lines[3].rfind(at + std::to_string(base + 5) + ":3: market_data: unknown key", 0), 0u)
      << lines[3];
}

}  // namespace
}  // namespace qd
