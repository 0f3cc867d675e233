// Parts: the memo text, the instruction order (the failing index names the transfer), the
// direction of debits and credits, how many transfers fit a legacy or v0 part, and the fee and
// compute-limit rules.

#include <gtest/gtest.h>

#include "settlement/bridge/part_builder.hpp"
#include "settlement/solana/programs.hpp"

namespace qd::settlement {
namespace {

solana::Pubkey key(uint8_t n) {
  solana::Pubkey k;
  k.bytes.fill(n);
  k.bytes[0] = 0xA0;
  return k;
}

class Parts : public ::testing::Test {
 protected:
  SettlementKeys keys{key(1), key(2), key(3), 6};
  PartHeader header{1234, 1, 2, 64, solana::Hash{}};
  std::vector<TransferLeg> legs(size_t n, int sign) {
    std::vector<TransferLeg> out;
    for (size_t i = 0; i < n; ++i) out.push_back({key(uint8_t(10 + i)), sign * int64_t(1000 + i)});
    return out;
  }
  solana::AddressLookupTableAccount table(size_t desks) {
    solana::AddressLookupTableAccount t{key(200), {keys.vault, keys.mint}};
    for (size_t i = 0; i < desks; ++i) t.addresses.push_back(key(uint8_t(10 + i)));
    return t;
  }
};

TEST_F(Parts, TheMemoNamesBatchPartFillsAndRoot) {
  header.root.bytes.fill(0xAB);
  std::string root;
  for (int i = 0; i < 32; ++i) root += "ab";
  EXPECT_EQ(batch_memo(header), "qd-settle v1 batch=1234 part=1/2 fills=64 root=" + root);
}

TEST_F(Parts, TransfersFollowTheBudgetAndMemoInOrderAndDirection) {
  std::vector<TransferLeg> l = {{key(10), -500}, {key(11), 700}};
  const auto ixs = part_instructions(keys, header, l, 5000, 7);
  ASSERT_EQ(ixs.size(), FIRST_TRANSFER_INSTRUCTION + 2);
  EXPECT_EQ(ixs[0], solana::set_compute_unit_limit(5000));
  EXPECT_EQ(ixs[1], solana::set_compute_unit_price(7));
  EXPECT_EQ(ixs[2].program_id, solana::memo_program_id());
  // A debit: desk -> vault, the authority signing as the desk's delegate.
  EXPECT_EQ(ixs[3],
            solana::token_transfer_checked(key(10), keys.mint, keys.vault, keys.authority, 500, 6));
  // A credit: vault -> desk, the authority signing as the vault's owner.
  EXPECT_EQ(ixs[4],
            solana::token_transfer_checked(keys.vault, keys.mint, key(11), keys.authority, 700, 6));
  std::vector<TransferLeg> zero = {{key(10), 0}};
  EXPECT_FALSE(build_part(keys, header, zero, 1, 0, solana::Hash{}, nullptr).ok());
}

TEST_F(Parts, SixteenTransfersFitALegacyPartAndFortyFiveAV0Part) {
  header = PartHeader{12345678901234, 1, 2, 640, solana::Hash{}};
  ASSERT_EQ(batch_memo(header).size(), 122u);  // the memo size the capacity is quoted for
  auto l16 = legs(16, -1), l17 = legs(17, -1);
  auto tx =
      build_part(keys, header, l16, SIMULATION_COMPUTE_LIMIT, UINT64_MAX, solana::Hash{}, nullptr);
  ASSERT_TRUE(tx.ok());
  EXPECT_TRUE(tx.value().check_limits().ok());
  tx = build_part(keys, header, l17, SIMULATION_COMPUTE_LIMIT, UINT64_MAX, solana::Hash{}, nullptr);
  ASSERT_TRUE(tx.ok());
  EXPECT_FALSE(tx.value().check_limits().ok());
  const auto t = table(60);
  auto l45 = legs(45, 1), l46 = legs(46, 1);
  tx = build_part(keys, header, l45, SIMULATION_COMPUTE_LIMIT, UINT64_MAX, solana::Hash{}, &t);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(tx.value().message.version, solana::MessageVersion::V0);
  EXPECT_TRUE(tx.value().check_limits().ok()) << tx.value().check_limits().error().message;
  tx = build_part(keys, header, l46, SIMULATION_COMPUTE_LIMIT, UINT64_MAX, solana::Hash{}, &t);
  ASSERT_TRUE(tx.ok());
  EXPECT_FALSE(tx.value().check_limits().ok());
}

TEST_F(Parts, SplittingFillsEachPartAsFarAsItGoes) {
  auto l40 = legs(40, -1);
  auto groups = split_parts(keys, 99, 1000, l40, nullptr);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].size(), 16u);
  EXPECT_EQ(groups[1].size(), 16u);
  EXPECT_EQ(groups[2].size(), 8u);
  EXPECT_EQ(groups[2].back().token_account, l40.back().token_account);  // order kept
  const auto t = table(100);
  auto l100 = legs(100, 1);
  groups = split_parts(keys, 99, 1000, l100, &t);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].size(), 45u);
  EXPECT_EQ(groups[2].size(), 10u);
  // Desks missing from the table travel as static keys: fewer fit.
  const auto small = table(5);
  groups = split_parts(keys, 99, 1000, l100, &small);
  EXPECT_GT(groups.size(), 3u);
  EXPECT_TRUE(split_parts(keys, 1, 0, {}, nullptr).empty());
}

TEST(PartFees, ComputeLimitIsTheSimulationPlusTenPercent) {
  EXPECT_EQ(compute_limit_for(100'000), 110'000u);
  EXPECT_EQ(compute_limit_for(12'345), 13'580u);  // 13,579.5 rounded up
  EXPECT_EQ(compute_limit_for(10), 1000u);        // floor
  EXPECT_EQ(compute_limit_for(5'000'000), SIMULATION_COMPUTE_LIMIT);
}

TEST(PartFees, PriorityFeeIsTheSeventyFifthPercentileCapped) {
  EXPECT_EQ(priority_fee_from({}, 100), 0u);
  EXPECT_EQ(priority_fee_from({5}, 100), 5u);
  EXPECT_EQ(priority_fee_from({40, 10, 30, 20, 50}, 1000), 40u);
  EXPECT_EQ(priority_fee_from({0, 0, 0, 0}, 1000), 0u);
  EXPECT_EQ(priority_fee_from({10, 5000, 6000, 7000}, 1000), 1000u);
}

}  // namespace
}  // namespace qd::settlement
