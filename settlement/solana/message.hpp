#pragma once
// Compiling instructions into a Solana message, legacy or v0, and its wire format.
//
// Account order: the fee payer first, then writable signers, readonly signers, writable
// non-signers, readonly non-signers. A key used several times appears once with the union of
// its privileges. Within a group keys keep the order of first appearance (payer, then for each
// instruction its program id, then its accounts), which is the order @solana/web3.js's
// TransactionMessage compiler produces, so the bytes can be compared with it exactly.
//
// v0 messages (first byte 0x80) may load writable and readonly non-signer accounts from
// address lookup tables; program ids and signers always stay static. Indexes in compiled
// instructions run over static keys, then every table's writable keys, then every table's
// readonly keys, tables in the order given.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "settlement/solana/instruction.hpp"
#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/result.hpp"

namespace qd::solana {

struct MessageHeader {
  uint8_t num_required_signatures = 0;         ///< signer keys, at the front of account_keys
  uint8_t num_readonly_signed_accounts = 0;    ///< the last ones among the signers
  uint8_t num_readonly_unsigned_accounts = 0;  ///< the last ones among the static keys
  bool operator==(const MessageHeader&) const = default;
};

struct CompiledInstruction {
  uint8_t program_id_index = 0;  ///< index into the message's account list
  Bytes accounts;                ///< one index per account, in the instruction's order
  Bytes data;
  bool operator==(const CompiledInstruction&) const = default;
};

struct MessageAddressTableLookup {
  Pubkey account_key;      ///< the lookup table account
  Bytes writable_indexes;  ///< positions in the table loaded as writable
  Bytes readonly_indexes;  ///< positions in the table loaded as readonly
  bool operator==(const MessageAddressTableLookup&) const = default;
};

/// A lookup table's address and the addresses it holds (as read from chain or just created).
struct AddressLookupTableAccount {
  Pubkey key;
  std::vector<Pubkey> addresses;  ///< at most 256; only the first 256 are ever used
};

enum class MessageVersion : uint8_t { Legacy, V0 };

/// The prefix byte of a versioned message: high bit set, low bits the version.
inline constexpr uint8_t MESSAGE_VERSION_PREFIX = 0x80;

struct Message {
  MessageVersion version = MessageVersion::Legacy;
  MessageHeader header;
  std::vector<Pubkey> account_keys;  ///< static keys (all keys of a legacy message)
  Hash recent_blockhash;
  std::vector<CompiledInstruction> instructions;
  std::vector<MessageAddressTableLookup> address_table_lookups;  ///< v0 only

  /// The bytes that are signed and sent.
  Bytes serialize() const;
  size_t serialized_size() const;
  /// Parses a legacy or v0 message; rejects truncation, trailing bytes, bad compact-u16,
  /// unknown versions, a header inconsistent with the key count and out-of-range indexes.
  static Result<Message> deserialize(std::span<const uint8_t> bytes);

  /// Static keys plus every key loaded from lookup tables: what the runtime locks.
  size_t total_account_count() const;
  /// The fee payer, always the first static key.
  const Pubkey& fee_payer() const { return account_keys.front(); }
  bool operator==(const Message&) const = default;
};

/// Most accounts one transaction may lock (static + looked up), enforced by the runtime.
inline constexpr size_t MAX_TX_ACCOUNT_LOCKS = 64;

/// Compiles a legacy message. Rejects more than 256 distinct keys.
Result<Message> compile_legacy_message(const Pubkey& payer,
                                       std::span<const Instruction> instructions,
                                       const Hash& recent_blockhash);

/// Compiles a v0 message, moving every non-signer, non-program key found in a table (first
/// 256 entries) out of the static keys; tables contributing nothing are left out. Rejects as
/// compile_legacy_message, and more than 256 keys counting looked-up ones.
Result<Message> compile_v0_message(const Pubkey& payer, std::span<const Instruction> instructions,
                                   const Hash& recent_blockhash,
                                   std::span<const AddressLookupTableAccount> tables);

}  // namespace qd::solana
