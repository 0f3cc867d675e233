// How many TransferChecked instructions fit in one settlement transaction, legacy and v0 with a
// lookup table. The shape is the batch the settlement service sends: the venue's settlement key
// pays the fee and signs every transfer (as owner of the vault token account, or as the approved
// delegate of a desk's token account), one vault account and one mint shared by all transfers,
// one distinct desk token account per transfer, two compute-budget instructions and a memo
// carrying the batch id, fill count and merkle root.
//
// @solana/web3.js 1.x, given the same batch, fits the same counts (16 legacy, 45 v0), both
// serializing to 1223 bytes.

#include <gtest/gtest.h>

#include "settlement/solana/keypair.hpp"
#include "settlement/solana/message.hpp"
#include "settlement/solana/programs.hpp"
#include "settlement/solana/sha256.hpp"
#include "settlement/solana/transaction.hpp"
#include "tests/unit/settlement/test_util.hpp"

namespace qd::solana {
namespace {

using test::fixed_seed;

// A worst-case memo: 20-digit batch id, 6-digit fill count, 64 hex digits of root (107 bytes).
std::string batch_memo() {
  return "qd-settle v1 batch=18446744073709551615 fills=999999 root=" +
         to_hex(sha256(std::string_view("root")).span());
}

struct Batch {
  Keypair authority = Keypair::from_seed(fixed_seed(1));
  Pubkey mint = Keypair::from_seed(fixed_seed(3)).pubkey();
  Pubkey vault = associated_token_address(authority.pubkey(), mint);
  Hash blockhash = sha256(std::string_view("blockhash"));

  Pubkey desk_account(size_t i) const {
    Pubkey k;
    k.bytes = sha256(std::string_view("desk-" + std::to_string(i))).bytes;
    return k;
  }

  std::vector<Instruction> instructions(size_t transfers) const {
    std::vector<Instruction> ixs = {set_compute_unit_limit(1'400'000),
                                    set_compute_unit_price(1'000'000), memo(batch_memo()).value()};
    for (size_t i = 0; i < transfers; ++i) {
      // Alternate payouts (vault -> desk) and collections (desk -> vault, as delegate).
      const Pubkey desk = desk_account(i);
      ixs.push_back(i % 2 == 0 ? token_transfer_checked(vault, mint, desk, authority.pubkey(),
                                                        1'000'000'000'000, 6)
                               : token_transfer_checked(desk, mint, vault, authority.pubkey(),
                                                        1'000'000'000'000, 6));
    }
    return ixs;
  }

  Transaction signed_tx(const Message& m) const {
    Transaction tx = Transaction::unsigned_of(m);
    const Keypair* signers[] = {&authority};
    EXPECT_TRUE(tx.sign(signers).ok());
    return tx;
  }

  AddressLookupTableAccount table(size_t transfers) const {
    AddressLookupTableAccount t{Keypair::from_seed(fixed_seed(20)).pubkey(), {vault, mint}};
    for (size_t i = 0; i < transfers; ++i) t.addresses.push_back(desk_account(i));
    return t;
  }
};

size_t legacy_capacity(const Batch& b) {
  size_t n = 0;
  while (true) {
    auto m = compile_legacy_message(b.authority.pubkey(), b.instructions(n + 1), b.blockhash);
    if (!m.ok() || !b.signed_tx(m.value()).check_limits().ok()) return n;
    ++n;
  }
}

size_t v0_capacity(const Batch& b) {
  size_t n = 0;
  while (true) {
    const auto t = b.table(n + 1);
    auto m = compile_v0_message(b.authority.pubkey(), b.instructions(n + 1), b.blockhash,
                                std::span(&t, 1));
    if (!m.ok() || !b.signed_tx(m.value()).check_limits().ok()) return n;
    ++n;
  }
}

TEST(Capacity, LegacyTransferCheckedPerTransaction) {
  const Batch b;
  ASSERT_EQ(batch_memo().size(), 122u);
  const size_t n = legacy_capacity(b);
  EXPECT_EQ(n, 16u);
  // One more goes over the packet limit, and the error says by how much.
  auto m = compile_legacy_message(b.authority.pubkey(), b.instructions(n + 1), b.blockhash);
  auto over = b.signed_tx(m.value()).check_limits();
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("over the 1232-byte packet limit"), std::string::npos);
  auto fits = compile_legacy_message(b.authority.pubkey(), b.instructions(n), b.blockhash);
  EXPECT_EQ(b.signed_tx(fits.value()).serialized_size(), 1223u);
  EXPECT_TRUE(b.signed_tx(fits.value()).fits_packet());
}

TEST(Capacity, V0WithLookupTableTransferCheckedPerTransaction) {
  const Batch b;
  const size_t n = v0_capacity(b);
  EXPECT_EQ(n, 45u);
  const auto t = b.table(n + 1);
  auto m = compile_v0_message(b.authority.pubkey(), b.instructions(n + 1), b.blockhash,
                              std::span(&t, 1));
  ASSERT_TRUE(m.ok());
  // Every desk account, the vault and the mint come from the table; static: the payer and the
  // compute budget, memo and token programs.
  EXPECT_EQ(m.value().account_keys.size(), 4u);
  EXPECT_EQ(m.value().total_account_count(), 4u + 2 + n + 1);
  EXPECT_FALSE(b.signed_tx(m.value()).check_limits().ok());
  const auto fits_table = b.table(n);
  auto fits = compile_v0_message(b.authority.pubkey(), b.instructions(n), b.blockhash,
                                 std::span(&fits_table, 1));
  EXPECT_EQ(b.signed_tx(fits.value()).serialized_size(), 1223u);
}

TEST(Capacity, AccountLockLimitIsEnforced) {
  // Tiny instructions with many distinct accounts hit the 64-lock limit before the size limit.
  const Batch b;
  std::vector<Instruction> ixs;
  std::vector<Pubkey> keys;
  for (size_t i = 0; i < 70; ++i) keys.push_back(b.desk_account(i));
  Instruction touch{memo_program_id(), {}, {}};
  for (const auto& k : keys) touch.accounts.push_back(AccountMeta::readonly(k));
  ixs.push_back(touch);
  AddressLookupTableAccount t{Keypair::from_seed(fixed_seed(20)).pubkey(), keys};
  auto m = compile_v0_message(b.authority.pubkey(), ixs, b.blockhash, std::span(&t, 1));
  ASSERT_TRUE(m.ok());
  const Transaction tx = b.signed_tx(m.value());
  EXPECT_TRUE(tx.fits_packet());
  auto r = tx.check_limits();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("locks 72 accounts"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace qd::solana
