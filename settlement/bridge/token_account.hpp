#pragma once
// The SPL Token account layout (165 bytes) as settlement's pre-check reads it: balance, delegate
// and the delegate's remaining allowance, and whether the account can move tokens at all.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "settlement/solana/pubkey.hpp"

namespace qd::settlement {

enum class TokenAccountState : uint8_t { uninitialized = 0, initialized = 1, frozen = 2 };

struct TokenAccount {
  solana::Pubkey mint;
  solana::Pubkey owner;
  uint64_t amount = 0;                     ///< balance, base units (1e-6 USDC)
  std::optional<solana::Pubkey> delegate;  ///< who may move delegated_amount for the owner
  TokenAccountState state = TokenAccountState::uninitialized;
  uint64_t delegated_amount = 0;  ///< allowance left to the delegate, base units
};

/// Decodes a token account's data; empty when it is not 165 bytes or a COption tag is not 0/1.
std::optional<TokenAccount> decode_token_account(std::span<const uint8_t> data);

/// Why a transfer out of (debit) or into (credit) this account would fail, or "" when it would
/// not: checked against the mint, the settlement authority as delegate and the amount.
std::string transfer_problem(const std::optional<TokenAccount>& account, const solana::Pubkey& mint,
                             const solana::Pubkey& authority, uint64_t debit_amount, bool debit);

}  // namespace qd::settlement
