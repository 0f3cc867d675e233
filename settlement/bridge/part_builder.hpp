#pragma once
// Turning a batch's netted transfers into Solana transactions ("parts"): compute budget, the
// batch memo, then one TransferChecked per account, debits (desk -> vault, signed by the
// settlement authority as the desk's delegate) and credits (vault -> desk, signed by the
// authority as the vault's owner) never mixed in one part. Legacy messages, or v0 through the
// venue's address lookup table when a batch has more accounts than a legacy part holds.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "settlement/solana/message.hpp"
#include "settlement/solana/transaction.hpp"

namespace qd::settlement {

/// The chain-side constants every part uses.
struct SettlementKeys {
  solana::Pubkey authority;  ///< fee payer, delegate of each desk, owner of the vault
  solana::Pubkey mint;
  solana::Pubkey vault;
  uint8_t decimals = 6;
};

/// One transfer leg: the desk's token account and the signed amount in base units
/// (+ credit: vault -> desk, - debit: desk -> vault). Never zero.
struct TransferLeg {
  solana::Pubkey token_account;
  int64_t amount = 0;
};

struct PartHeader {
  uint64_t batch_id = 0;
  uint32_t part = 1;   ///< 1-based
  uint32_t parts = 1;  ///< parts in the batch
  uint64_t fill_count = 0;
  solana::Hash root;  ///< merkle root of the batch's fills
};

/// Instructions before the first transfer: compute unit limit, compute unit price, memo. The
/// failing instruction index a simulation or landing reports minus this is the transfer's.
inline constexpr size_t FIRST_TRANSFER_INSTRUCTION = 3;
/// Most transfers per part: legacy (keys inline) and v0 with every desk in the lookup table.
inline constexpr size_t LEGACY_PART_CAPACITY = 16;
inline constexpr size_t V0_PART_CAPACITY = 45;
/// Compute unit limit used to simulate before the real one is known (the runtime's maximum).
inline constexpr uint32_t SIMULATION_COMPUTE_LIMIT = 1'400'000;

/// "qd-settle v1 batch=<id> part=<p>/<n> fills=<count> root=<64 hex>".
std::string batch_memo(const PartHeader& header);

/// The part's instructions, in order: limit, price, memo, transfers.
std::vector<solana::Instruction> part_instructions(const SettlementKeys& keys,
                                                   const PartHeader& header,
                                                   std::span<const TransferLeg> legs,
                                                   uint32_t compute_unit_limit,
                                                   uint64_t micro_lamports_per_cu);

/// The unsigned transaction of a part; v0 when table is given. Rejects a zero amount and what
/// the message compiler rejects; does not check the size (see fits()).
solana::Result<solana::Transaction> build_part(const SettlementKeys& keys, const PartHeader& header,
                                               std::span<const TransferLeg> legs,
                                               uint32_t compute_unit_limit,
                                               uint64_t micro_lamports_per_cu,
                                               const solana::Hash& blockhash,
                                               const solana::AddressLookupTableAccount* table);

/// Splits legs (all debits or all credits) into consecutive groups that each fit one packet
/// and the account-lock limit, measured with the largest memo the batch can have (part and
/// parts written with `max_parts` digits). Every group holds at least one leg.
std::vector<std::vector<TransferLeg>> split_parts(const SettlementKeys& keys, uint64_t batch_id,
                                                  uint64_t fill_count,
                                                  std::span<const TransferLeg> legs,
                                                  const solana::AddressLookupTableAccount* table,
                                                  uint32_t max_parts = 999);

/// The compute unit limit for a measured consumption: +10%, rounded up, at least 1000.
uint32_t compute_limit_for(uint64_t units_consumed);

/// The priority fee from recent prioritization fees (micro-lamports per CU): the 75th
/// percentile of the samples, capped at `cap`; 0 with no samples.
uint64_t priority_fee_from(std::vector<uint64_t> samples, uint64_t cap);

}  // namespace qd::settlement
