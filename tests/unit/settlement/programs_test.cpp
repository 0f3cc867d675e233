// Instruction layouts against @solana/web3.js 1.x and @solana/spl-token 0.4 builders.

#include <gtest/gtest.h>

#include "settlement/solana/keypair.hpp"
#include "settlement/solana/programs.hpp"
#include "settlement/solana/sha256.hpp"
#include "tests/unit/settlement/test_util.hpp"

namespace qd::solana {
namespace {

using test::fixed_seed;
using test::key;

const Pubkey kPayer = key("GM4eCsQuaLNXApYz6YYUQVMxajTaJ7dB4TbroFGBaou9");
const Pubkey kOwner = key("GyfFHe77pcZtdgGnWGw4T1VxCPB6JJyGLfjzMagDdsz3");
const Pubkey kMint = key("8u8LCMQvMKrFxHbn326Ltcqv72HDPEC5FPMgPC3mXvxV");
const Pubkey kOwnerAta = key("3NzYyrfhz2KBBovxHKcbWXB4VTitUoMBV3MJeqRkzUm1");
const Pubkey kPayerAta = key("8p9apCDRrs2A32HJG1RwtC7Ywm4sqptSRLA3xnX5CCBn");

TEST(Programs, WellKnownIds) {
  EXPECT_EQ(system_program_id().to_base58(), "11111111111111111111111111111111");
  EXPECT_TRUE(system_program_id().is_zero());
  EXPECT_EQ(token_program_id().to_base58(), "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
  EXPECT_EQ(associated_token_program_id().to_base58(),
            "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
  EXPECT_EQ(memo_program_id().to_base58(), "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
  EXPECT_EQ(compute_budget_program_id().to_base58(), "ComputeBudget111111111111111111111111111111");
  EXPECT_EQ(address_lookup_table_program_id().to_base58(),
            "AddressLookupTab1e1111111111111111111111111");
}

TEST(Programs, TokenTransferChecked) {
  const Instruction ix = token_transfer_checked(kOwnerAta, kMint, kPayerAta, kPayer, 1'500'000, 6);
  EXPECT_EQ(ix.program_id, token_program_id());
  EXPECT_EQ(to_hex(ix.data), "0c60e316000000000006");  // 12, 1500000 u64 LE, decimals 6
  EXPECT_EQ(ix.accounts,
            (std::vector<AccountMeta>{
                AccountMeta::writable(kOwnerAta), AccountMeta::readonly(kMint),
                AccountMeta::writable(kPayerAta), AccountMeta::readonly(kPayer, true)}));
}

TEST(Programs, TokenApproveAndSetup) {
  const Instruction approve = token_approve(kOwnerAta, kPayer, kOwner, 5'000'000);
  EXPECT_EQ(to_hex(approve.data), "04404b4c0000000000");
  EXPECT_EQ(approve.accounts, (std::vector<AccountMeta>{AccountMeta::writable(kOwnerAta),
                                                        AccountMeta::readonly(kPayer),
                                                        AccountMeta::readonly(kOwner, true)}));
  const Instruction checked = token_approve_checked(kOwnerAta, kMint, kPayer, kOwner, 5'000'000, 6);
  EXPECT_EQ(to_hex(checked.data), "0d404b4c000000000006");
  EXPECT_EQ(checked.accounts.size(), 4u);
  EXPECT_EQ(checked.accounts[1], AccountMeta::readonly(kMint));
  EXPECT_EQ(to_hex(token_revoke(kOwnerAta, kOwner).data), "05");

  EXPECT_EQ(to_hex(token_initialize_mint2(kMint, 6, kPayer, std::nullopt).data),
            "1406e4030998cfd5ad1723c169f956aa0b9eb8619b5992bd612c2af428ebc79f8df000");
  EXPECT_EQ(to_hex(token_initialize_mint2(kMint, 6, kPayer, kOwner).data),
            "1406e4030998cfd5ad1723c169f956aa0b9eb8619b5992bd612c2af428ebc79f8df001ed63130feea84741"
            "fa8851b93eadff95eb6cd11db819f8650c1259b4118a30f4");
  EXPECT_EQ(to_hex(token_mint_to_checked(kMint, kPayerAta, kPayer, 77, 6).data),
            "0e4d0000000000000006");
}

TEST(Programs, SystemInstructions) {
  const Instruction t = system_transfer(kPayer, kOwner, 1'000'000'000);
  EXPECT_EQ(to_hex(t.data), "0200000000ca9a3b00000000");
  EXPECT_EQ(t.accounts, (std::vector<AccountMeta>{AccountMeta::writable(kPayer, true),
                                                  AccountMeta::writable(kOwner)}));
  EXPECT_EQ(
      to_hex(system_create_account(kPayer, kMint, 1'461'600, 82, token_program_id()).data),
      "00000000604d160000000000520000000000000006ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b3791"
      "3a8cf5857eff00a9");
}

TEST(Programs, CreateAssociatedTokenAccountIdempotent) {
  const Instruction ix = create_associated_token_account_idempotent(kPayer, kPayer, kMint);
  EXPECT_EQ(ix.program_id, associated_token_program_id());
  EXPECT_EQ(to_hex(ix.data), "01");
  EXPECT_EQ(ix.accounts, (std::vector<AccountMeta>{
                             AccountMeta::writable(kPayer, true), AccountMeta::writable(kPayerAta),
                             AccountMeta::readonly(kPayer), AccountMeta::readonly(kMint),
                             AccountMeta::readonly(system_program_id()),
                             AccountMeta::readonly(token_program_id())}));
}

TEST(Programs, Memo) {
  auto m = memo("qd batch 42");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().program_id, memo_program_id());
  EXPECT_EQ(to_hex(m.value().data), "7164206261746368203432");
  EXPECT_TRUE(m.value().accounts.empty());

  const Pubkey signers[] = {kPayer, kOwner};
  auto signed_memo = memo("caf\xc3\xa9", signers);  // UTF-8 e-acute
  ASSERT_TRUE(signed_memo.ok());
  EXPECT_EQ(signed_memo.value().accounts,
            (std::vector<AccountMeta>{AccountMeta::readonly(kPayer, true),
                                      AccountMeta::readonly(kOwner, true)}));
  for (std::string_view bad : {"\xff", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    auto r = memo(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("UTF-8"), std::string::npos);
  }
}

TEST(Programs, ComputeBudget) {
  const Instruction limit = set_compute_unit_limit(200'000);
  EXPECT_EQ(limit.program_id, compute_budget_program_id());
  EXPECT_EQ(to_hex(limit.data), "02400d0300");
  EXPECT_TRUE(limit.accounts.empty());
  EXPECT_EQ(to_hex(set_compute_unit_price(1234).data), "03d204000000000000");
}

TEST(Programs, AddressLookupTable) {
  const CreateLookupTable create = create_lookup_table(kPayer, kPayer, 123'456'789);
  EXPECT_EQ(create.table.to_base58(), "7oczVGbfTshAhYmd1JpFzt78xpqyGYVAhqvfmqFHEni8");
  EXPECT_EQ(create.bump, 0xfe);
  EXPECT_EQ(to_hex(create.instruction.data), "0000000015cd5b0700000000fe");
  const std::vector<AccountMeta> keys = {
      AccountMeta::writable(create.table), AccountMeta::readonly(kPayer, true),
      AccountMeta::writable(kPayer, true), AccountMeta::readonly(system_program_id())};
  EXPECT_EQ(create.instruction.accounts, keys);

  std::vector<Pubkey> owners;
  for (int n = 11; n <= 14; ++n) owners.push_back(Keypair::from_seed(fixed_seed(n)).pubkey());
  auto extend = extend_lookup_table(create.table, kPayer, kPayer, owners);
  ASSERT_TRUE(extend.ok());
  EXPECT_EQ(extend.value().accounts, keys);
  EXPECT_EQ(to_hex(extend.value().data),
            "020000000400000000000000d785b49583ee736c66cf55dc87474f4f337c971bfc3d69cba1e21e67763653"
            "af31749a4392cf7d9842121bddbc6106ec6c089b283b6867c59d1eac03b13ef5329c7aba247d4b9a8b79b5"
            "6eab182574e5f8cd9540289a1f895a069e005b58b3cae26f6fa991ddf37b2e5e9622b6baaf92d81ef89de2"
            "2980754ff0bcec48d4b46e");
  EXPECT_FALSE(extend_lookup_table(create.table, kPayer, kPayer, {}).ok());
  EXPECT_FALSE(
      extend_lookup_table(create.table, kPayer, kPayer, std::vector<Pubkey>(257, kOwner)).ok());

  EXPECT_EQ(to_hex(deactivate_lookup_table(create.table, kPayer).data), "03000000");
  EXPECT_EQ(to_hex(close_lookup_table(create.table, kPayer, kOwner).data), "04000000");
}

}  // namespace
}  // namespace qd::solana
