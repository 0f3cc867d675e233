// settlement.db: what a batch close writes (atomically with the cursor), the part life cycle
// with its guards (a part is signed only when open: never two live versions), booking at
// finalized, dead versions kept, and quarantine returns; all read back after reopening.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "settlement/bridge/settlement_store.hpp"

namespace qd::settlement {
namespace {

class Store : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("qd-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "settlement.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ClosedBatch batch() {
    ClosedBatch b;
    b.from_seq = 0;
    b.to_seq = 12;
    SettlementFill f;
    f.trade_id = {5, 0};
    f.maker_account = 1;
    f.taker_account = 2;
    b.fills = {f};
    b.transfers = {{1, Quote(300)}, {2, Quote(-500)}};
    b.first_event_ts = 42;
    return b;
  }
  std::map<AccountId, AccountLedger> ledgers() {
    return {{1, {Quote(1300), Quote(1000), Quote(0)}}, {2, {Quote(500), Quote(1000), Quote(0)}}};
  }
  PartRow signed_part(uint32_t part, uint32_t version, const std::string& sig) {
    PartRow p;
    p.part = part;
    p.version = version;
    p.signature = sig;
    p.blockhash = "bh";
    p.last_valid_block_height = 150;
    p.tx = {1, 2, 3};
    return p;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(Store, ABatchCloseWritesEverythingWithTheCursor) {
  {
    SettlementStore s(path_);
    EXPECT_EQ(s.cursor(), 0u);
    EXPECT_EQ(s.close_batch(batch(), solana::Hash{}, ledgers(), 1), 1u);
    EXPECT_EQ(s.close_batch(batch(), solana::Hash{}, ledgers(), 2), 2u);
  }
  SettlementStore s(path_);
  EXPECT_EQ(s.cursor(), 12u);
  const auto accounts = s.load_accounts();
  EXPECT_EQ(accounts.at(1).ledger, ledgers().at(1));
  const auto batches = s.load_unfinished();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].state, BatchState::closed);
  EXPECT_EQ(batches[0].fill_count, 1u);
  ASSERT_EQ(batches[0].transfers.size(), 2u);
  EXPECT_EQ(batches[0].transfers[1].amount.raw, -500);
  ASSERT_EQ(s.load_fill_bytes(1).size(), 1u);
  EXPECT_EQ(parse_fill_bytes(s.load_fill_bytes(1)[0])->taker_account, 2u);
}

TEST_F(Store, APartIsSignedOnlyWhileOpenAndBookedOnlyOnceFinalized) {
  SettlementStore s(path_);
  s.close_batch(batch(), solana::Hash{}, ledgers(), 1);
  BatchRow b = s.load_unfinished()[0];
  b.transfers[0].part = 2;  // the credit
  b.transfers[1].part = 1;  // the debit
  PartRow p1, p2;
  p1.part = 1;
  p2.part = 2;
  p2.stage = 1;
  b.parts = {p1, p2};
  s.plan_batch(b, {}, {}, 1);
  s.sign_part(1, signed_part(1, 1, "sigA"), 2);
  // A second version while the first is live is refused by the store itself.
  EXPECT_THROW(s.sign_part(1, signed_part(1, 2, "sigB"), 3), std::runtime_error);
  // The first expires; only then is version 2 accepted, and version 1 is kept as history.
  PartRow dead = signed_part(1, 1, "sigA");
  s.end_version(1, dead, "expired", 4);
  s.sign_part(1, signed_part(1, 2, "sigB"), 5);
  s.finalize_part(1, 1, 777, 6);
  EXPECT_THROW(s.finalize_part(1, 1, 777, 7), std::runtime_error);  // booked once
  const auto accounts = s.load_accounts();
  EXPECT_EQ(accounts.at(2).booked.raw, -500);  // the debit, booked
  EXPECT_EQ(accounts.at(1).booked.raw, 0);     // the credit's part has not landed
  const BatchRow after = s.load_unfinished()[0];
  EXPECT_EQ(after.state, BatchState::planned);
  EXPECT_EQ(after.parts[0].state, PartState::finalized);
  EXPECT_EQ(after.parts[0].version, 2u);
  EXPECT_EQ(after.parts[0].signature, "sigB");
  EXPECT_EQ(after.parts[0].landed_slot, 777u);
  EXPECT_EQ(after.parts[1].state, PartState::open);
  EXPECT_EQ(after.transfers[1].state, TransferState::settled);
}

TEST_F(Store, AReturnedTransferGoesBackToTheAccountWhichIsQuarantined) {
  SettlementStore s(path_);
  s.close_batch(batch(), solana::Hash{}, ledgers(), 1);
  s.return_transfers({{1, 2, Quote(-500)}}, {{2, "allowance exhausted"}}, 9);
  EXPECT_THROW(s.return_transfers({{1, 2, Quote(-500)}}, {}, 10), std::runtime_error);
  auto accounts = s.load_accounts();
  EXPECT_EQ(accounts.at(2).ledger.unsettled.raw, -500);
  EXPECT_TRUE(accounts.at(2).quarantined);
  EXPECT_EQ(accounts.at(2).quarantine_reason, "allowance exhausted");
  EXPECT_EQ(s.load_unfinished()[0].transfers[1].state, TransferState::returned);
  s.release(2, 11);
  accounts = s.load_accounts();
  EXPECT_FALSE(accounts.at(2).quarantined);
  EXPECT_EQ(accounts.at(2).ledger.unsettled.raw, -500);  // still owed, now settleable
}

TEST_F(Store, FinalizedAndAnnouncedBatchesAreNotReloaded) {
  SettlementStore s(path_);
  s.close_batch(batch(), solana::Hash{}, ledgers(), 1);
  s.set_batch_state(1, BatchState::finalized, 2);
  EXPECT_EQ(s.load_unfinished().size(), 1u);  // not yet announced
  s.set_notified(1);
  EXPECT_TRUE(s.load_unfinished().empty());
  s.checkpoint(40, ledgers());
  EXPECT_EQ(s.cursor(), 40u);
  s.set_meta("mint", "abc");
  EXPECT_EQ(s.meta("mint"), "abc");
  EXPECT_FALSE(s.meta("nothing"));
}

}  // namespace
}  // namespace qd::settlement
