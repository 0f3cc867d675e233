// journal.snapshot_every_commands: the quickstart's value, 0 = off, and errors at file:line:column.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "app/config/config_loader.hpp"

namespace qd {
namespace {

const std::string quickstart_key = "snapshot_every_commands: 100000";

/// The quickstart with the key's value replaced, and the 1-based line it is on.
std::pair<std::string, int> quickstart_with(const std::string& value) {
  std::string yaml(embedded_quickstart_yaml());
  const size_t at = yaml.find(quickstart_key);
  EXPECT_NE(at, std::string::npos);
  yaml.replace(at, quickstart_key.size(), "snapshot_every_commands: " + value);
  return {yaml, 1 + int(std::count(yaml.begin(), yaml.begin() + long(at), '\n'))};
}

TEST(SnapshotConfig, QuickstartSnapshotsEvery100kCommands) {
  ConfigResult r = load_embedded_quickstart();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->journal.snapshot_every_commands, 100'000u);
}

TEST(SnapshotConfig, ZeroTurnsSnapshotsOff) {
  ConfigResult r = load_config_text(quickstart_with("0").first, "s.yaml");
  ASSERT_TRUE(r.has_value()) << r.errors().front().to_string();
  EXPECT_EQ(r->journal.snapshot_every_commands, 0u);
  r = load_config_text(quickstart_with("5000000").first, "s.yaml");
  ASSERT_TRUE(r.has_value()) << r.errors().front().to_string();
  EXPECT_EQ(r->journal.snapshot_every_commands, 5'000'000u);
}

TEST(SnapshotConfig, ErrorsPointAtTheKey) {
  for (const std::string value : {"999", "-1", "often"}) {
    const auto [yaml, line] = quickstart_with(value);
    ConfigResult r = load_config_text(yaml, "s.yaml");
    ASSERT_FALSE(r.has_value()) << value;
    ASSERT_EQ(r.errors().size(), 1u) << value;
    const std::string msg = r.errors().front().to_string();
    EXPECT_EQ(
        msg.rfind("s.yaml:" + std::to_string(line) + ":28: journal.snapshot_every_commands", 0), 0u)
        << msg;
  }
}

TEST(SnapshotConfig, ViewSnapshotsAreOffUnlessSetAndNotMoreOftenThan1000Commands) {
  EXPECT_EQ(JournalConfig{}.view_snapshot_every_commands, 0u);
  ConfigResult r = load_embedded_quickstart();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->journal.view_snapshot_every_commands, 1'000'000u);
  std::string yaml(embedded_quickstart_yaml());
  const std::string key = "view_snapshot_every_commands: 1000000";
  const size_t at = yaml.find(key);
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, key.size(), "view_snapshot_every_commands: 10");
  r = load_config_text(yaml, "s.yaml");
  ASSERT_FALSE(r.has_value());
  const int line = 1 + int(std::count(yaml.begin(), yaml.begin() + long(at), '\n'));
  const std::string msg = r.errors().front().to_string();
  EXPECT_EQ(
      msg.rfind("s.yaml:" + std::to_string(line) + ":33: journal.view_snapshot_every_commands", 0),
      0u)
      << msg;
}

}  // namespace
}  // namespace qd
