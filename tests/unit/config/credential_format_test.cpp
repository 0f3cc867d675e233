// Base58/base64 decoding and the argon2id PHC shape check.

#include <gtest/gtest.h>

#include "app/config/credential_format.hpp"

namespace qd {
namespace {

TEST(Base58, KnownVectors) {
  // "1" is a zero byte; "2g" = 0x61 ('a'); "5Q" = 0xff; Bitcoin's "abc" = "ZiCa".
  EXPECT_EQ(decode_base58("1"), (std::vector<uint8_t>{0}));
  EXPECT_EQ(decode_base58("2g"), (std::vector<uint8_t>{0x61}));
  EXPECT_EQ(decode_base58("5Q"), (std::vector<uint8_t>{0xff}));
  EXPECT_EQ(decode_base58("ZiCa"), (std::vector<uint8_t>{'a', 'b', 'c'}));
  EXPECT_EQ(decode_base58("11ZiCa"), (std::vector<uint8_t>{0, 0, 'a', 'b', 'c'}));
  EXPECT_FALSE(decode_base58("0OIl").has_value());  // not in the alphabet
}

TEST(Base64, WithAndWithoutPadding) {
  EXPECT_EQ(decode_base64("YWJj"), (std::vector<uint8_t>{'a', 'b', 'c'}));
  EXPECT_EQ(decode_base64("YWI="), (std::vector<uint8_t>{'a', 'b'}));
  EXPECT_EQ(decode_base64("YWI"), (std::vector<uint8_t>{'a', 'b'}));
  EXPECT_FALSE(decode_base64("Y").has_value());
  EXPECT_FALSE(decode_base64("YW-j").has_value());
}

TEST(Ed25519Key, Base58AndBase64FormsOfThirtyTwoBytes) {
  std::string why;
  // The same 32 bytes 959bc5e9...8ffe in base64 (checked with libsodium's encoder).
  auto k = decode_ed25519_public_key("base64:lZvF6RO7ZPSxtCFnDL7N4SEKXjrFlaHAyeBVn23qj/4=", why);
  ASSERT_TRUE(k.has_value()) << why;
  EXPECT_EQ((*k)[0], 0x95);
  EXPECT_EQ((*k)[1], 0x9b);
  EXPECT_EQ((*k)[31], 0xfe);
  // 32 zero bytes are 32 '1's in base58.
  auto zero = decode_ed25519_public_key(std::string(32, '1'), why);
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(*zero, (std::array<uint8_t, 32>{}));
  EXPECT_FALSE(decode_ed25519_public_key(std::string(31, '1'), why).has_value());
  EXPECT_EQ(why, "the key decodes to 31 bytes; an ed25519 public key has 32");
}

TEST(Argon2idPhc, AcceptsLibsodiumOutput) {
  std::string why;
  EXPECT_TRUE(
      is_argon2id_phc("$argon2id$v=19$m=65536,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$"
                      "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI",
                      why))
      << why;
}

TEST(Argon2idPhc, RejectsOtherSchemesAndBrokenStrings) {
  std::string why;
  EXPECT_FALSE(is_argon2id_phc("hunter2", why));
  EXPECT_EQ(why, "the value is not an argon2id hash");
  EXPECT_FALSE(
      is_argon2id_phc("$argon2i$v=19$m=65536,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$"
                      "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI",
                      why));
  EXPECT_FALSE(
      is_argon2id_phc("$argon2id$v=16$m=65536,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$"
                      "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI",
                      why));
  EXPECT_EQ(why, "the argon2id hash has version 'v=16'; expected v=19");
  EXPECT_FALSE(
      is_argon2id_phc("$argon2id$v=19$m=4,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$"
                      "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI",
                      why));  // m below 8 KiB per lane
  EXPECT_FALSE(
      is_argon2id_phc("$argon2id$v=19$m=65536,t=0,p=1$NAWO3CPLUGSoqqDw8umEVA$"
                      "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI",
                      why));
  EXPECT_FALSE(
      is_argon2id_phc("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$"
                      "SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI",
                      why));  // 4-byte salt
  EXPECT_EQ(why, "the argon2id hash has a malformed salt or hash");
  EXPECT_FALSE(is_argon2id_phc("$argon2id$v=19$m=65536,t=2,p=1$...", why));
}

}  // namespace
}  // namespace qd
