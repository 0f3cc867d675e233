// The bridge's read-only view of the engine's journal: committed settlement events in order,
// by seq range, while the writer keeps its connection open.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/sqlite_journal.hpp"
#include "settlement/bridge/journal_reader.hpp"

namespace qd::settlement {
namespace {

TEST(JournalReader, ReadsCommittedSettlementEventsByRange) {
  const auto dir = std::filesystem::temp_directory_path() / ("qd-jr-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "journal.db").string();
  {
    SqliteJournal journal(path);
    JournalReader reader(path);
    EXPECT_EQ(reader.last_seq(), 0u);
    auto append = [&](SeqNo seq, std::vector<EventBody> bodies) {
      const Command c{seq, TimestampNs(seq), Deposit{1, Quote(1)}};
      std::vector<Event> evs;
      for (uint32_t i = 0; i < bodies.size(); ++i)
        evs.push_back({seq, i, TimestampNs(seq), bodies[i]});
      journal.append(std::span(&c, 1), evs);
    };
    append(1, {CollateralChanged{1, Quote(5), Quote(5), CollateralReason::deposit}});
    append(2, {MarkPriceSet{0, Price(7)}});  // not settlement's business
    OrderFilled f;
    f.collateral_after = Quote(9);
    append(3, {f, f, FundingPaid{0, 1, Qty(0), Quote(1), Quote(8)}});
    EXPECT_EQ(reader.last_seq(), 3u);  // sees the writer's commits at once
    std::vector<std::pair<SeqNo, uint32_t>> seen;
    reader.read(0, 3, [&](const Event& e) { seen.push_back({e.seq, e.index}); });
    EXPECT_EQ(seen, (std::vector<std::pair<SeqNo, uint32_t>>{{1, 0}, {3, 0}, {3, 1}, {3, 2}}));
    seen.clear();
    reader.read(1, 2, [&](const Event& e) { seen.push_back({e.seq, e.index}); });
    EXPECT_TRUE(seen.empty());
    reader.read(2, 3, [&](const Event& e) {
      if (e.index == 2) {
        EXPECT_EQ(std::get<FundingPaid>(e.body).collateral_after.raw, 8);
      }
    });
  }
  EXPECT_THROW(JournalReader((dir / "missing.db").string()), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace qd::settlement
