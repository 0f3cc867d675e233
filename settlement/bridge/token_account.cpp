#include "settlement/bridge/token_account.hpp"

namespace qd::settlement {

namespace {

uint64_t u64_at(std::span<const uint8_t> d, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t(d[at + i]) << (8 * i);
  return v;
}
uint32_t u32_at(std::span<const uint8_t> d, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t(d[at + i]) << (8 * i);
  return v;
}

}  // namespace

std::optional<TokenAccount> decode_token_account(std::span<const uint8_t> d) {
  if (d.size() != 165) return std::nullopt;
  TokenAccount t;
  t.mint = solana::Pubkey::from_bytes(d.subspan(0, 32)).value();
  t.owner = solana::Pubkey::from_bytes(d.subspan(32, 32)).value();
  t.amount = u64_at(d, 64);
  const uint32_t delegate_tag = u32_at(d, 72);
  if (delegate_tag > 1) return std::nullopt;
  if (delegate_tag == 1) t.delegate = solana::Pubkey::from_bytes(d.subspan(76, 32)).value();
  if (d[108] > 2) return std::nullopt;
  t.state = static_cast<TokenAccountState>(d[108]);
  if (u32_at(d, 109) > 1 || u32_at(d, 129) > 1) return std::nullopt;
  t.delegated_amount = u64_at(d, 121);
  return t;
}

std::string transfer_problem(const std::optional<TokenAccount>& a, const solana::Pubkey& mint,
                             const solana::Pubkey& authority, uint64_t amount, bool debit) {
  if (!a) return "token account missing or not a token account";
  if (a->mint != mint) return "token account of another mint";
  if (a->state == TokenAccountState::frozen) return "token account frozen";
  if (a->state != TokenAccountState::initialized) return "token account not initialized";
  if (!debit) return "";
  if (!a->delegate || *a->delegate != authority)
    return "delegation revoked (delegate is not the settlement authority)";
  if (a->delegated_amount < amount) {
    return "allowance exhausted (" + std::to_string(a->delegated_amount) + " approved, " +
           std::to_string(amount) + " needed)";
  }
  if (a->amount < amount) {
    return "insufficient balance (" + std::to_string(a->amount) + " held, " +
           std::to_string(amount) + " needed)";
  }
  return "";
}

}  // namespace qd::settlement
