// Messages and transactions byte for byte against @solana/web3.js 1.x: the same instructions,
// fee payer (seed 1), blockhash and lookup table were compiled with TransactionMessage
// (compileToLegacyMessage / compileToV0Message), signed and serialized there.

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
using test::from_hex;
using test::key;

// ComputeBudget(limit 200000, price 1234) + TransferChecked(1.5 USDC, owner ATA -> payer ATA,
// payer as delegate) + Memo("qd batch 42"), legacy, signed by the payer.
constexpr const char* kLegacyTx =
    "01730ba5362e5a936c82e7957698932bc6628e329821756bdf3136f91d36f07e8b711cdd71e9818f495b700f3bd424"
    "c1"
    "74c91245bfd6b238b3c674921b0609690101000407e4030998cfd5ad1723c169f956aa0b9eb8619b5992bd612c2af4"
    "28"
    "ebc79f8df02359a4f773a8eef99800247e090b5dd650e01253dd3988769bf96ffc083e09dc7415cfb391d015f075d6"
    "0c"
    "13685b945bac2116131fd5064aec9e52469ba152750306466fe5211732ffecadba72c39be7bc8ce5bbc5f7126b2c43"
    "9b"
    "3a4000000006ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9755c4cb9256ca7cdc4ac"
    "fd"
    "c6cfeeda849017e5b9f9514e99191bd67e0b0d4276054a535a992921064d24e87160da387c7c35b5ddbc92bb81e41f"
    "a8"
    "404105448dfffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e00403000502400d030003"
    "00"
    "0903d2040000000000000404010502000a0c60e31600000000000606000b7164206261746368203432";

// The same plus four 0.001 USDC transfers to the ATAs of seeds 11..14, as v0 with one lookup
// table [token program, mint, ATAs of seeds 14..11, owner ATA].
constexpr const char* kV0Tx =
    "01c889cc9c0f05ba9046ac7d4c4fe9dbb61f3c1885d1047ffb2c708d8ba83b22b18afbb2ea325bc81332c04877dd08"
    "40"
    "75ac7286bfdfbf4b38d2a4dbc18360520a8001000305e4030998cfd5ad1723c169f956aa0b9eb8619b5992bd612c2a"
    "f4"
    "28ebc79f8df07415cfb391d015f075d60c13685b945bac2116131fd5064aec9e52469ba152750306466fe5211732ff"
    "ec"
    "adba72c39be7bc8ce5bbc5f7126b2c439b3a4000000006ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a"
    "8c"
    "f5857eff00a9054a535a992921064d24e87160da387c7c35b5ddbc92bb81e41fa8404105448dfffefdfcfbfaf9f8f7"
    "f6"
    "f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e00802000502400d030002000903d2040000000000000304050a"
    "01"
    "000a0c60e31600000000000604000b71642062617463682034320304050a06000a0ce803000000000000060304050a"
    "07"
    "000a0ce803000000000000060304050a08000a0ce803000000000000060304050a09000a0ce8030000000000000601"
    "f6"
    "6f66ab9a54a3109fdd94b931374f0b3049df9a6c559f8e07c90828e449dd650506050403020101";

struct Fixture {
  Keypair payer = Keypair::from_seed(fixed_seed(1));
  Pubkey owner = Keypair::from_seed(fixed_seed(2)).pubkey();
  Pubkey mint = Keypair::from_seed(fixed_seed(3)).pubkey();
  Pubkey owner_ata = associated_token_address(owner, mint);
  Pubkey payer_ata = associated_token_address(payer.pubkey(), mint);
  Hash blockhash = [] {
    Hash h;
    for (size_t i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(255 - i);
    return h;
  }();

  std::vector<Instruction> base_instructions() const {
    return {set_compute_unit_limit(200'000), set_compute_unit_price(1234),
            token_transfer_checked(owner_ata, mint, payer_ata, payer.pubkey(), 1'500'000, 6),
            memo("qd batch 42").value()};
  }
  std::vector<Pubkey> extra_atas() const {
    std::vector<Pubkey> out;
    for (int n = 11; n <= 14; ++n) {
      out.push_back(associated_token_address(Keypair::from_seed(fixed_seed(n)).pubkey(), mint));
    }
    return out;
  }
};

Transaction sign(Message m, const Keypair& k) {
  Transaction tx = Transaction::unsigned_of(std::move(m));
  const Keypair* signers[] = {&k};
  EXPECT_TRUE(tx.sign(signers).ok());
  return tx;
}

TEST(Message, LegacyTransactionMatchesWeb3Exactly) {
  Fixture f;
  EXPECT_EQ(f.blockhash.to_base58(), "JEJUoGfGEPTZ1XTwN39dYdFxYxDiDaSKVNy5qYWJmZt3");
  auto m = compile_legacy_message(f.payer.pubkey(), f.base_instructions(), f.blockhash);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().header, (MessageHeader{1, 0, 4}));
  const Transaction tx = sign(m.value(), f.payer);
  EXPECT_EQ(to_hex(tx.serialize()), kLegacyTx);
  EXPECT_EQ(tx.serialized_size(), std::string_view(kLegacyTx).size() / 2);
  EXPECT_TRUE(tx.verify_signatures());
  EXPECT_TRUE(tx.is_fully_signed());
  EXPECT_TRUE(tx.check_limits().ok());
}

TEST(Message, V0TransactionWithLookupTableMatchesWeb3Exactly) {
  Fixture f;
  auto ixs = f.base_instructions();
  const auto extras = f.extra_atas();
  for (const auto& ata : extras) {
    ixs.push_back(token_transfer_checked(f.owner_ata, f.mint, ata, f.payer.pubkey(), 1000, 6));
  }
  AddressLookupTableAccount table{Keypair::from_seed(fixed_seed(20)).pubkey(),
                                  {token_program_id(), f.mint}};
  table.addresses.insert(table.addresses.end(), extras.rbegin(), extras.rend());
  table.addresses.push_back(f.owner_ata);
  EXPECT_EQ(table.key.to_base58(), "HaypQRaQuLbCPMKUmiyiqFy2rwJuqhRff7GnrXfJhYE8");

  auto m = compile_v0_message(f.payer.pubkey(), ixs, f.blockhash, std::span(&table, 1));
  ASSERT_TRUE(m.ok()) << m.error().message;
  const Message& msg = m.value();
  EXPECT_EQ(msg.version, MessageVersion::V0);
  ASSERT_EQ(msg.address_table_lookups.size(), 1u);
  // The token program is invoked, so it stays static although the table holds it.
  EXPECT_EQ(msg.address_table_lookups[0].writable_indexes, (Bytes{6, 5, 4, 3, 2}));
  EXPECT_EQ(msg.address_table_lookups[0].readonly_indexes, (Bytes{1}));
  EXPECT_EQ(msg.account_keys.size(), 5u);
  EXPECT_EQ(msg.total_account_count(), 11u);

  const Transaction tx = sign(msg, f.payer);
  EXPECT_EQ(to_hex(tx.serialize()), kV0Tx);
  EXPECT_EQ(tx.serialized_size(), std::string_view(kV0Tx).size() / 2);
  EXPECT_TRUE(tx.verify_signatures());
}

TEST(Message, TablesThatContributeNothingAreLeftOut) {
  Fixture f;
  AddressLookupTableAccount useless{key("HaypQRaQuLbCPMKUmiyiqFy2rwJuqhRff7GnrXfJhYE8"),
                                    {f.payer.pubkey(), token_program_id()}};
  auto m = compile_v0_message(f.payer.pubkey(), f.base_instructions(), f.blockhash,
                              std::span(&useless, 1));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m.value().address_table_lookups.empty());  // payer signs, token program invoked
  auto legacy = compile_legacy_message(f.payer.pubkey(), f.base_instructions(), f.blockhash);
  EXPECT_EQ(m.value().account_keys, legacy.value().account_keys);
  EXPECT_EQ(m.value().serialized_size(), legacy.value().serialized_size() + 2);  // 0x80 + count
}

TEST(Message, DeduplicatesKeysAndMergesPrivileges) {
  const Pubkey payer = key("GM4eCsQuaLNXApYz6YYUQVMxajTaJ7dB4TbroFGBaou9");
  const Pubkey a = key("FWJuUc8JMhsvinUGc5KxxZ2e9cDcobu2nePqWGQfszDc");
  const Pubkey b = key("4L46s9nU9JtXBcqTTzmaHQbtRfULopwuv6uN33oKCrhf");
  const Pubkey c = key("BXq9CTas4DpibqUMCSbMHD5Q3rrNTx3JXekqC4GrKKHb");
  const Pubkey program = key("GEuhH2CsrrhXe7enFSheGwP1R6Ms7qYzmgJWA3bkw7Am");
  // a: readonly then writable -> writable; b: signer readonly then writable non-signer ->
  // writable signer; c: readonly signer; payer repeated as readonly stays a writable signer.
  const std::vector<Instruction> ixs = {
      Instruction{program,
                  {AccountMeta::readonly(a), AccountMeta::readonly(b, true),
                   AccountMeta::readonly(c, true), AccountMeta::readonly(payer)},
                  {1}},
      Instruction{program, {AccountMeta::writable(a), AccountMeta::writable(b)}, {2}},
  };
  auto m = compile_legacy_message(payer, ixs, Hash{});
  ASSERT_TRUE(m.ok());
  const Message& msg = m.value();
  EXPECT_EQ(msg.account_keys, (std::vector<Pubkey>{payer, b, c, a, program}));
  EXPECT_EQ(msg.header, (MessageHeader{3, 1, 1}));
  ASSERT_EQ(msg.instructions.size(), 2u);
  EXPECT_EQ(msg.instructions[0].program_id_index, 4);
  EXPECT_EQ(msg.instructions[0].accounts, (Bytes{3, 1, 2, 0}));
  EXPECT_EQ(msg.instructions[1].accounts, (Bytes{3, 1}));
}

TEST(Message, RoundTripsThroughDeserialize) {
  Fixture f;
  auto legacy = compile_legacy_message(f.payer.pubkey(), f.base_instructions(), f.blockhash);
  auto back = Message::deserialize(legacy.value().serialize());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value(), legacy.value());

  auto tx = Transaction::deserialize(from_hex(kV0Tx));
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  EXPECT_EQ(tx.value().message.version, MessageVersion::V0);
  EXPECT_TRUE(tx.value().verify_signatures());
  EXPECT_EQ(to_hex(tx.value().serialize()), kV0Tx);
}

TEST(Message, DeserializeRejectsDamagedInput) {
  const auto good = from_hex(kLegacyTx);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{65}, size_t{100}, good.size() - 1}) {
    EXPECT_FALSE(Transaction::deserialize(std::span(good).first(cut)).ok()) << cut;
  }
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(Transaction::deserialize(trailing).ok());

  auto two_sigs = good;
  two_sigs[0] = 2;  // claims two signatures: the message then starts inside the first one
  EXPECT_FALSE(Transaction::deserialize(two_sigs).ok());

  auto message = std::vector<uint8_t>(good.begin() + 65, good.end());
  auto bad_version = message;
  bad_version.insert(bad_version.begin(), 0x81);
  auto r = Message::deserialize(bad_version);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("version 1"), std::string::npos);

  auto bad_header = message;
  bad_header[2] = 7;  // 7 readonly unsigned of 7 keys with 1 signer
  EXPECT_FALSE(Message::deserialize(bad_header).ok());
}

TEST(Transaction, SignRejectsNonSigners) {
  Fixture f;
  auto m = compile_legacy_message(f.payer.pubkey(), f.base_instructions(), f.blockhash);
  Transaction tx = Transaction::unsigned_of(m.value());
  EXPECT_FALSE(tx.is_fully_signed());
  EXPECT_FALSE(tx.verify_signatures());
  const Keypair stranger = Keypair::from_seed(fixed_seed(9));
  const Keypair* signers[] = {&stranger};
  auto r = tx.sign(signers);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a signer"), std::string::npos);
}

TEST(Transaction, SignaturesFollowSignerOrder) {
  // Delegated transfer where the fee payer and the delegate differ: two signatures.
  Fixture f;
  const Keypair delegate = Keypair::from_seed(fixed_seed(7));
  const std::vector<Instruction> ixs = {
      token_transfer_checked(f.owner_ata, f.mint, f.payer_ata, delegate.pubkey(), 5, 6)};
  auto m = compile_legacy_message(f.payer.pubkey(), ixs, f.blockhash);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().header, (MessageHeader{2, 1, 2}));
  EXPECT_EQ(m.value().account_keys[1], delegate.pubkey());
  Transaction tx = Transaction::unsigned_of(m.value());
  const Keypair* signers[] = {&delegate, &f.payer};
  ASSERT_TRUE(tx.sign(signers).ok());
  EXPECT_TRUE(tx.verify_signatures());
  EXPECT_EQ(tx.id(), f.payer.sign(tx.message.serialize()));
  std::swap(tx.signatures[0], tx.signatures[1]);
  EXPECT_FALSE(tx.verify_signatures());
}

}  // namespace
}  // namespace qd::solana
