// base58, base64 and compact-u16 against published vectors and the runtime's rejection rules.

#include <gtest/gtest.h>

#include "settlement/solana/base58.hpp"
#include "settlement/solana/base64.hpp"
#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/sha256.hpp"
#include "settlement/solana/short_vec.hpp"
#include "tests/unit/settlement/test_util.hpp"

namespace qd::solana {
namespace {

using test::from_hex;

std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(Base58, BitcoinVectors) {
  // Checked against the bs58 npm package.
  EXPECT_EQ(base58_encode(bytes_of("Hello World!")), "2NEpo7TZRRrLZSi2U");
  EXPECT_EQ(base58_encode(bytes_of("The quick brown fox jumps over the lazy dog")),
            "7DdiPPYtxLjCD3wA1po2rvZHTDYjkZYiEtazrfiwJcwnKCizhGFhBGHeRdx");
  EXPECT_EQ(base58_encode(from_hex("0000287fb4cd")), "11233QC4");
  EXPECT_EQ(base58_encode(from_hex("00eb15231dfceb60925886b67d065299925915aeb172c06647")),
            "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L");
  EXPECT_EQ(base58_encode({}), "");
  EXPECT_EQ(base58_encode(from_hex("00")), "1");
  EXPECT_EQ(base58_encode(from_hex("0000")), "11");
  EXPECT_EQ(base58_encode(from_hex("39")), "z");   // 57, the last digit
  EXPECT_EQ(base58_encode(from_hex("3a")), "21");  // 58 = "10" in base 58
}

TEST(Base58, DecodeRoundTripsWithLeadingZeros) {
  for (auto hex : {"", "00", "000000", "0000287fb4cd", "ff", "00ff00", "0100000000"}) {
    const auto raw = from_hex(hex);
    auto back = base58_decode(base58_encode(raw));
    ASSERT_TRUE(back.ok()) << hex;
    EXPECT_EQ(back.value(), raw) << hex;
  }
}

TEST(Base58, RejectsCharactersOutsideTheAlphabet) {
  for (std::string_view bad : {"0", "O", "I", "l", "abc+", "2NEpo 7", "\xc3\xa9"}) {
    auto r = base58_decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("invalid base58 character"), std::string::npos);
  }
  auto r = base58_decode("11O1");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("0x4f at position 2"), std::string::npos) << r.error().message;
}

TEST(Pubkey, AllZeroKeyIsThirtyTwoOnes) {
  Pubkey zero;
  EXPECT_EQ(zero.to_base58(), "11111111111111111111111111111111");
  auto back = Pubkey::from_base58("11111111111111111111111111111111");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back.value().is_zero());
}

TEST(Pubkey, KnownProgramIdsRoundTrip) {
  for (std::string_view id : {"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
                              "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
                              "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
                              "ComputeBudget111111111111111111111111111111",
                              "AddressLookupTab1e1111111111111111111111111"}) {
    auto k = Pubkey::from_base58(id);
    ASSERT_TRUE(k.ok()) << id;
    EXPECT_EQ(k.value().to_base58(), id);
  }
  // The token program id's bytes, as the SPL sources list them.
  EXPECT_EQ(to_hex(pubkey_literal("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA").span()),
            "06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9");
}

TEST(Pubkey, RejectsWrongLength) {
  auto short_key = Pubkey::from_base58("1111111111111111111111111111111");  // 31 ones
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.error().message.find("31 bytes, expected 32"), std::string::npos);
  EXPECT_FALSE(Signature::from_base58("11111111111111111111111111111111").ok());
  EXPECT_THROW(pubkey_literal("not-base58"), std::logic_error);
}

TEST(CompactU16, EncodesTheReferenceVectors) {
  const std::pair<uint16_t, const char*> cases[] = {
      {0, "00"},          {1, "01"},         {0x7f, "7f"},     {0x80, "8001"},
      {0xff, "ff01"},     {0x100, "8002"},   {0x3fff, "ff7f"}, {0x4000, "808001"},
      {0x7fff, "ffff01"}, {0xffff, "ffff03"}};
  for (auto [value, hex] : cases) {
    std::vector<uint8_t> out;
    compact_u16_append(out, value);
    EXPECT_EQ(to_hex(out), hex) << value;
    EXPECT_EQ(compact_u16_size(value), out.size()) << value;
    auto back = compact_u16_decode(out);
    ASSERT_TRUE(back.ok()) << value;
    EXPECT_EQ(back.value().value, value);
    EXPECT_EQ(back.value().length, out.size());
  }
}

TEST(CompactU16, DecodeStopsAtTheEndOfTheValue) {
  auto r = compact_u16_decode(from_hex("8001ff"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().value, 0x80);
  EXPECT_EQ(r.value().length, 2u);
}

TEST(CompactU16, RejectsMalformedInput) {
  for (auto hex :
       {"", "80", "ff", "8080", "ffff04", "ffff80", "808080", "8000", "808000", "ff8000"}) {
    EXPECT_FALSE(compact_u16_decode(from_hex(hex)).ok()) << hex;
  }
}

TEST(ByteReader, ReportsRunningOffTheEnd) {
  const auto data = from_hex("0203aabb");
  ByteReader r(data);
  EXPECT_EQ(r.u8().value(), 2);
  EXPECT_EQ(r.compact_u16().value(), 3);
  EXPECT_FALSE(r.bytes(3).ok());
  EXPECT_EQ(r.bytes(2).value().size(), 2u);
  EXPECT_FALSE(r.u8().ok());
}

TEST(Base64, RoundTripsAndRejects) {
  EXPECT_EQ(base64_encode(bytes_of("")), "");
  EXPECT_EQ(base64_encode(bytes_of("f")), "Zg==");
  EXPECT_EQ(base64_encode(bytes_of("foob")), "Zm9vYg==");
  EXPECT_EQ(base64_encode(bytes_of("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(from_hex("fbff")), "+/8=");
  EXPECT_EQ(base64_decode("Zm9vYmFy").value(), bytes_of("foobar"));
  EXPECT_EQ(base64_decode("+/8=").value(), from_hex("fbff"));
  EXPECT_EQ(base64_decode("").value(), bytes_of(""));
  EXPECT_FALSE(base64_decode("Zm9vY").ok());     // truncated group
  EXPECT_FALSE(base64_decode("Zm9v!mFy").ok());  // bad character
  EXPECT_FALSE(base64_decode("-_8=").ok());      // URL-safe alphabet is not accepted
}

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(to_hex(sha256(std::string_view("")).span()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(std::string_view("abc")).span()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256().update(std::string_view("a")).update(std::string_view("bc")).finish(),
            sha256(std::string_view("abc")));
}

}  // namespace
}  // namespace qd::solana
