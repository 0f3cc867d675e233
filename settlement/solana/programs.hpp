#pragma once
// Well-known program ids and builders for the instructions settlement uses. Layouts follow each
// program's published instruction format; integers are little-endian.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "settlement/solana/instruction.hpp"
#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/result.hpp"

namespace qd::solana {

const Pubkey& system_program_id();                ///< 11111111111111111111111111111111
const Pubkey& token_program_id();                 ///< TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA
const Pubkey& associated_token_program_id();      ///< ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL
const Pubkey& memo_program_id();                  ///< MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr
const Pubkey& compute_budget_program_id();        ///< ComputeBudget111111111111111111111111111111
const Pubkey& address_lookup_table_program_id();  ///< AddressLookupTab1e1111111111111111111111111
const Pubkey& sysvar_rent_id();                   ///< SysvarRent111111111111111111111111111111111

// ---- System program -------------------------------------------------------------------------

/// Moves lamports (1e-9 SOL) from a system account (signer, writable) to another (writable).
Instruction system_transfer(const Pubkey& from, const Pubkey& to, uint64_t lamports);

/// Creates new_account (which must sign) with space bytes owned by owner, funded by from.
Instruction system_create_account(const Pubkey& from, const Pubkey& new_account, uint64_t lamports,
                                  uint64_t space, const Pubkey& owner);

// ---- SPL Token ------------------------------------------------------------------------------

/// Size of an SPL Token mint account and of a token account, in bytes.
inline constexpr uint64_t TOKEN_MINT_SIZE = 82;
inline constexpr uint64_t TOKEN_ACCOUNT_SIZE = 165;

/// TransferChecked (12): amount in the mint's base units, decimals must match the mint.
/// Accounts: source (writable), mint, destination (writable), authority (signer): the owner,
/// or the approved delegate for a delegated transfer.
Instruction token_transfer_checked(const Pubkey& source, const Pubkey& mint,
                                   const Pubkey& destination, const Pubkey& authority,
                                   uint64_t amount, uint8_t decimals);

/// Approve (4): lets delegate move up to amount base units out of source; owner signs.
Instruction token_approve(const Pubkey& source, const Pubkey& delegate, const Pubkey& owner,
                          uint64_t amount);

/// ApproveChecked (13): Approve that also checks the mint and its decimals.
Instruction token_approve_checked(const Pubkey& source, const Pubkey& mint, const Pubkey& delegate,
                                  const Pubkey& owner, uint64_t amount, uint8_t decimals);

/// Revoke (5): removes source's delegate; owner signs.
Instruction token_revoke(const Pubkey& source, const Pubkey& owner);

/// InitializeMint2 (20): mint must already exist with TOKEN_MINT_SIZE bytes owned by the token
/// program; no freeze authority when freeze_authority is empty.
Instruction token_initialize_mint2(const Pubkey& mint, uint8_t decimals,
                                   const Pubkey& mint_authority,
                                   const std::optional<Pubkey>& freeze_authority);

/// MintToChecked (14): mints amount base units into destination; mint_authority signs.
Instruction token_mint_to_checked(const Pubkey& mint, const Pubkey& destination,
                                  const Pubkey& mint_authority, uint64_t amount, uint8_t decimals);

// ---- Associated token accounts --------------------------------------------------------------

/// The associated token account of (owner, mint): the PDA of [owner, token program, mint]
/// under the associated token program.
Pubkey associated_token_address(const Pubkey& owner, const Pubkey& mint,
                                const Pubkey& token_program = token_program_id());

/// CreateIdempotent (1): creates owner's associated token account for mint if it is missing.
Instruction create_associated_token_account_idempotent(const Pubkey& payer, const Pubkey& owner,
                                                       const Pubkey& mint);

// ---- Memo -----------------------------------------------------------------------------------

/// A memo (SPL Memo v2): the text is the data; each signer must sign the transaction. Rejects
/// text that is not valid UTF-8 (the program would fail the transaction).
Result<Instruction> memo(std::string_view text, std::span<const Pubkey> signers = {});

// ---- Compute budget -------------------------------------------------------------------------

/// SetComputeUnitLimit (2): the most compute units the transaction may use.
Instruction set_compute_unit_limit(uint32_t units);
/// SetComputeUnitPrice (3): priority fee per compute unit, in micro-lamports (1e-6 lamport).
Instruction set_compute_unit_price(uint64_t micro_lamports);

// ---- Address lookup tables ------------------------------------------------------------------

/// Most addresses one lookup table holds.
inline constexpr size_t LOOKUP_TABLE_MAX_ADDRESSES = 256;

struct CreateLookupTable {
  Instruction instruction;
  Pubkey table;  ///< PDA of [authority, recent_slot as u64 LE] under the lookup table program
  uint8_t bump = 0;
};

/// CreateLookupTable (0): recent_slot must be a recent slot the chain has seen; the payer
/// (signer, writable) funds the table and the authority (signer) may extend it.
CreateLookupTable create_lookup_table(const Pubkey& authority, const Pubkey& payer,
                                      uint64_t recent_slot);

/// ExtendLookupTable (2): appends addresses; the payer funds the extra rent. Rejects an empty
/// list and more than LOOKUP_TABLE_MAX_ADDRESSES addresses.
Result<Instruction> extend_lookup_table(const Pubkey& table, const Pubkey& authority,
                                        const Pubkey& payer, std::span<const Pubkey> addresses);

/// DeactivateLookupTable (3) and CloseLookupTable (4, after deactivation cools down).
Instruction deactivate_lookup_table(const Pubkey& table, const Pubkey& authority);
Instruction close_lookup_table(const Pubkey& table, const Pubkey& authority,
                               const Pubkey& recipient);

}  // namespace qd::solana
