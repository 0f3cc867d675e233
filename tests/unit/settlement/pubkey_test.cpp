// The on-curve test and program-derived addresses, against values computed with
// @solana/web3.js 1.x and @solana/spl-token 0.4 (PublicKey.isOnCurve, findProgramAddressSync,
// getAssociatedTokenAddressSync).

#include <gtest/gtest.h>
#include <sodium.h>

#include "settlement/solana/keypair.hpp"
#include "settlement/solana/programs.hpp"
#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/sha256.hpp"
#include "tests/unit/settlement/test_util.hpp"

namespace qd::solana {
namespace {

using test::fixed_seed;
using test::from_hex;
using test::key;

// sha256("curve-<i>") for i = 0..23 and whether web3.js judged it on the curve.
const std::pair<const char*, bool> kCurveVectors[] = {
    {"e35387039eabad1e667a5a3a4588ba76c185557129a07769034fdf1fe4ded510", true},
    {"bf7e66f428893c2a66fe80faba05b7811e97cbba9a9377540db45dc7344cd18e", true},
    {"db3b4b37e2301def6a10cc66d0f09a739fcea0691a30fc5ff06beacbe1857676", true},
    {"141560462eb67898b5d52e82b4d878054321acf21871e33ec6da3e10da442aa8", false},
    {"10f0c17e0a5a34a300d449a3d485048e66ed6ad7c3f939cb9cad9b0c576b7518", false},
    {"0eb96ee1622dda69e3b83df73c2d6449dc14bcba57672c6be3a8eb054f500be9", false},
    {"0cbfb9545eb73983efa1fc07fe112a853ecd7e0007647b8290edfceb2b129683", false},
    {"04b184018272b9fcae78e4491324316527f00fa5d66ac6518d2f11d0a0053829", true},
    {"97ee77628ec24f4b4a8415195d488c36d3545647693dc1f98273ee518cd2127f", true},
    {"36447bebe0bb9d072a0dd88a290048df5e97be33056abe7a0ada36aa107add34", false},
    {"5a981fa80a30ebd0587b9cdaeb4e05ec09b2f1576634fb4b3afe5f5cb7612c2f", true},
    {"c533ac6e97c000d85d819e4979c7f645fdee21b02b0c9931d186df5259c6f592", true},
    {"975026361b769ba8c164a9cfbe65f0d25444a7ead4806c6c0e607df2be48731f", true},
    {"eecd1c98191c9e2f1a4170005ca55015c4812f1877cc9571f0e4b21de2345494", true},
    {"dbdd6a47c91cdc9ff635efcf93d4471a9fc6edf30e923838701df511862954dc", true},
    {"b7c7eb68bba0175ef7ee338c00b80f8928035f50d889288736d6dfe5a765da4f", true},
    {"ddfbe9e22cf6977c4aba5b53d8cd1ce609ea6dbc9121e1a8b2889754dadd8466", true},
    {"70d3c9af4e0ad459742249e8c09ece215ad320859ca0a873f53a10ba2c67cc1e", false},
    {"084fa1414153b7acb73e9d1b661366d2bd8b12cb621d80fd94ab1bbb5ce4c0dd", false},
    {"226670ddced154be5956e0801ca13b29a130a48783b8831d291ba8a50b698783", false},
    {"04148ee18534e054cf2611ccde9966d67e1a3d1edb9fc946644dc1449f53460c", false},
    {"5b9dd855d1a214640a10deba13aaa6e87186933fc3b70c99d33574151ae1a8e0", true},
    {"e6836eb132fd437c4a0d2675ab290875842ee1e8bab2c45d0754e0137d5daca6", true},
    {"a9057522ece69d7ccfbeb22f8300c8bb609b0dc1cbbace566bb2e08c810472e3", false},
};

Pubkey pubkey_of_hex(const char* hex) {
  return Pubkey::from_bytes(from_hex(hex)).value();
}

TEST(Curve, MatchesTheReferenceOnHashedPoints) {
  ensure_sodium();
  int libsodium_disagrees = 0;
  for (auto [hex, on_curve] : kCurveVectors) {
    const Pubkey k = pubkey_of_hex(hex);
    EXPECT_EQ(is_on_curve(k), on_curve) << hex;
    if (crypto_core_ed25519_is_valid_point(k.data()) != (on_curve ? 1 : 0)) ++libsodium_disagrees;
  }
  // libsodium's is_valid_point also demands the prime-order subgroup, so it calls most of
  // these on-curve points invalid: it cannot decide whether an address may be a PDA.
  EXPECT_GT(libsodium_disagrees, 0);
}

TEST(Curve, RealPublicKeysAreOnTheCurve) {
  for (int n = 0; n < 16; ++n) {
    const auto seed = fixed_seed(n);
    EXPECT_TRUE(is_on_curve(Keypair::from_seed(seed).pubkey())) << n;
  }
  Pubkey identity;  // y = 1: the neutral point (0, 1)
  identity.bytes[0] = 1;
  EXPECT_TRUE(is_on_curve(identity));
  Pubkey y2;  // y = 2: (4 - 1) / (4d + 1) is not a square
  y2.bytes[0] = 2;
  EXPECT_FALSE(is_on_curve(y2));
}

TEST(ProgramAddress, AssociatedTokenAccountMatchesSplToken) {
  const Pubkey owner = Keypair::from_seed(fixed_seed(2)).pubkey();
  const Pubkey mint = Keypair::from_seed(fixed_seed(3)).pubkey();
  EXPECT_EQ(owner.to_base58(), "GyfFHe77pcZtdgGnWGw4T1VxCPB6JJyGLfjzMagDdsz3");
  EXPECT_EQ(mint.to_base58(), "8u8LCMQvMKrFxHbn326Ltcqv72HDPEC5FPMgPC3mXvxV");
  EXPECT_EQ(associated_token_address(owner, mint).to_base58(),
            "3NzYyrfhz2KBBovxHKcbWXB4VTitUoMBV3MJeqRkzUm1");

  const std::span<const uint8_t> seeds[] = {owner.span(), token_program_id().span(), mint.span()};
  auto found = find_program_address(seeds, associated_token_program_id());
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value().bump, 251);  // 255..252 landed on the curve
  EXPECT_FALSE(is_on_curve(found.value().address));

  const Pubkey payer = Keypair::from_seed(fixed_seed(1)).pubkey();
  EXPECT_EQ(associated_token_address(payer, mint).to_base58(),
            "8p9apCDRrs2A32HJG1RwtC7Ywm4sqptSRLA3xnX5CCBn");
}

TEST(ProgramAddress, CustomSeedsMatchWeb3) {
  const Pubkey program = key("BANuz2mQUw89pgNVBwA8jWtsXLcH6393vAyRcmVceAY2");
  const std::string_view tag = "qd-vault";
  const uint8_t extra[] = {1, 2, 3};
  const std::span<const uint8_t> seeds[] = {
      {reinterpret_cast<const uint8_t*>(tag.data()), tag.size()}, extra};
  auto found = find_program_address(seeds, program);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value().address.to_base58(), "FPswUAoVpMf2P1qhksZ7aw1yPVy43gH46E2LXt5s3pcC");
  EXPECT_EQ(found.value().bump, 255);

  auto plain = create_program_address(std::span(seeds, 1), program);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value().to_base58(), "EHjhSS7eEMaRHs77fLL53xuF7r9RRnKFDwiZQqyaqcJw");
}

TEST(ProgramAddress, RejectsBadSeeds) {
  const Pubkey program = token_program_id();
  const std::array<uint8_t, 33> long_seed{};
  const std::span<const uint8_t> too_long[] = {long_seed};
  auto r = find_program_address(too_long, program);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("33 bytes"), std::string::npos);

  const uint8_t one[] = {1};
  std::vector<std::span<const uint8_t>> sixteen(16, std::span<const uint8_t>(one));
  EXPECT_FALSE(find_program_address(sixteen, program).ok());   // no room left for the bump
  auto sixteen_ok = create_program_address(sixteen, program);  // allowed count: only the
  if (!sixteen_ok.ok()) {                                      // curve may refuse it
    EXPECT_NE(sixteen_ok.error().message.find("curve"), std::string::npos);
  }
  std::vector<std::span<const uint8_t>> seventeen(17, std::span<const uint8_t>(one));
  auto many = create_program_address(seventeen, program);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.error().message.find("too many"), std::string::npos);
}

TEST(ProgramAddress, OnCurveDigestIsRejected) {
  // With the ATA seeds, bumps 255..252 give on-curve digests (find_program_address skipped
  // them), so create_program_address with bump 255 must refuse.
  const Pubkey owner = Keypair::from_seed(fixed_seed(2)).pubkey();
  const Pubkey mint = Keypair::from_seed(fixed_seed(3)).pubkey();
  const uint8_t bump[] = {255};
  const std::span<const uint8_t> seeds[] = {owner.span(), token_program_id().span(), mint.span(),
                                            bump};
  auto r = create_program_address(seeds, associated_token_program_id());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("on the ed25519 curve"), std::string::npos);
}

}  // namespace
}  // namespace qd::solana
