// The SPL token account layout as the pre-check reads it, and the reasons it gives.

#include <gtest/gtest.h>

#include "settlement/bridge/token_account.hpp"

namespace qd::settlement {
namespace {

solana::Pubkey key(uint8_t n) {
  solana::Pubkey k;
  k.bytes.fill(n);
  return k;
}

void put_u64(solana::Bytes& d, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) d[at + i] = uint8_t(v >> (8 * i));
}

solana::Bytes account(uint64_t amount, std::optional<solana::Pubkey> delegate, uint64_t delegated,
                      uint8_t state = 1) {
  solana::Bytes d(165, 0);
  const solana::Pubkey mint = key(1), owner = key(2);
  std::copy(mint.bytes.begin(), mint.bytes.end(), d.begin());
  std::copy(owner.bytes.begin(), owner.bytes.end(), d.begin() + 32);
  put_u64(d, 64, amount);
  if (delegate) {
    d[72] = 1;
    std::copy(delegate->bytes.begin(), delegate->bytes.end(), d.begin() + 76);
  }
  d[108] = state;
  put_u64(d, 121, delegated);
  return d;
}

TEST(TokenAccount, DecodesBalanceDelegateAndAllowance) {
  const auto t = decode_token_account(account(5'000'000, key(9), 3'000'000));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->mint, key(1));
  EXPECT_EQ(t->owner, key(2));
  EXPECT_EQ(t->amount, 5'000'000u);
  EXPECT_EQ(t->delegate, key(9));
  EXPECT_EQ(t->delegated_amount, 3'000'000u);
  EXPECT_EQ(t->state, TokenAccountState::initialized);
  EXPECT_FALSE(decode_token_account(solana::Bytes(82, 0)));  // a mint, not an account
  auto bad = account(1, std::nullopt, 0);
  bad[72] = 2;  // COption tag
  EXPECT_FALSE(decode_token_account(bad));
}

TEST(TokenAccount, NamesWhyATransferWouldFail) {
  const solana::Pubkey mint = key(1), venue = key(9);
  auto check = [&](const solana::Bytes& d, uint64_t amount, bool debit) {
    return transfer_problem(decode_token_account(d), mint, venue, amount, debit);
  };
  EXPECT_EQ(check(account(100, venue, 100), 100, true), "");
  EXPECT_NE(check(account(100, venue, 99), 100, true).find("allowance exhausted"),
            std::string::npos);
  EXPECT_NE(check(account(99, venue, 100), 100, true).find("insufficient balance"),
            std::string::npos);
  EXPECT_NE(check(account(100, std::nullopt, 0), 100, true).find("delegation revoked"),
            std::string::npos);
  EXPECT_NE(check(account(100, key(7), 100), 100, true).find("delegation revoked"),
            std::string::npos);
  EXPECT_NE(check(account(100, venue, 100, 2), 100, true).find("frozen"), std::string::npos);
  // A credit needs only a live account of the mint.
  EXPECT_EQ(check(account(0, std::nullopt, 0), 100, false), "");
  EXPECT_NE(transfer_problem(std::nullopt, mint, venue, 0, false).find("missing"),
            std::string::npos);
  EXPECT_NE(
      transfer_problem(decode_token_account(account(0, std::nullopt, 0)), key(5), venue, 0, false)
          .find("another mint"),
      std::string::npos);
}

}  // namespace
}  // namespace qd::settlement
