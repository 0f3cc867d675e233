#pragma once
// A transaction: a compact array of 64-byte signatures, then the message they sign. Each
// signature belongs to the signer key at the same position in the message's account keys.

#include <cstdint>
#include <span>
#include <vector>

#include "settlement/solana/keypair.hpp"
#include "settlement/solana/message.hpp"

namespace qd::solana {

/// Largest serialized transaction the network accepts: an IPv6 packet (1280) minus the IPv6
/// (40) and UDP (8) headers.
inline constexpr size_t PACKET_DATA_SIZE = 1232;

struct Transaction {
  std::vector<Signature> signatures;  ///< one per required signer, in account-key order
  Message message;

  /// A transaction with all-zero signatures, one per required signer.
  static Transaction unsigned_of(Message message);
  /// Parses the wire form; rejects bad lengths, a signature count different from the header's
  /// and anything Message::deserialize rejects.
  static Result<Transaction> deserialize(std::span<const uint8_t> bytes);

  /// Signs the message with each keypair at its signer position. Rejects a keypair that is not
  /// a required signer; signatures of signers not given are left as they are.
  Status sign(std::span<const Keypair* const> keypairs);
  /// True when every required signature verifies against its key.
  bool verify_signatures() const;
  /// True when every required signature is set (non-zero).
  bool is_fully_signed() const;

  Bytes serialize() const;
  size_t serialized_size() const;
  /// True when the serialized form fits PACKET_DATA_SIZE.
  bool fits_packet() const { return serialized_size() <= PACKET_DATA_SIZE; }
  /// Rejects a transaction over PACKET_DATA_SIZE or locking more than MAX_TX_ACCOUNT_LOCKS
  /// accounts, saying by how much.
  Status check_limits() const;

  /// The transaction id: the fee payer's signature.
  const Signature& id() const { return signatures.front(); }
  bool operator==(const Transaction&) const = default;
};

}  // namespace qd::solana
