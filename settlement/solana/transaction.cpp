#include "settlement/solana/transaction.hpp"

#include <algorithm>
#include <string>

#include "settlement/solana/short_vec.hpp"

namespace qd::solana {

Transaction Transaction::unsigned_of(Message message) {
  Transaction tx;
  tx.signatures.resize(message.header.num_required_signatures);
  tx.message = std::move(message);
  return tx;
}

Result<Transaction> Transaction::deserialize(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  auto count = r.compact_u16();
  if (!count) return count.error();
  Transaction tx;
  for (size_t i = 0; i < count.value(); ++i) {
    auto raw = r.bytes(Signature::size);
    if (!raw) return raw.error();
    tx.signatures.push_back(Signature::from_bytes(raw.value()).value());
  }
  auto message = Message::deserialize(bytes.subspan(r.position()));
  if (!message) return message.error();
  tx.message = std::move(message).value();
  if (tx.signatures.size() != tx.message.header.num_required_signatures) {
    return Error{"transaction carries " + std::to_string(tx.signatures.size()) +
                 " signatures, its message requires " +
                 std::to_string(tx.message.header.num_required_signatures)};
  }
  return tx;
}

Status Transaction::sign(std::span<const Keypair* const> keypairs) {
  const size_t signers = message.header.num_required_signatures;
  signatures.resize(signers);
  const Bytes payload = message.serialize();
  for (const Keypair* k : keypairs) {
    const auto end = message.account_keys.begin() + static_cast<ptrdiff_t>(signers);
    const auto it = std::find(message.account_keys.begin(), end, k->pubkey());
    if (it == end) {
      return Error{"key " + k->pubkey().to_base58() + " is not a signer of this transaction"};
    }
    signatures[static_cast<size_t>(it - message.account_keys.begin())] = k->sign(payload);
  }
  return ok_status();
}

bool Transaction::verify_signatures() const {
  const size_t signers = message.header.num_required_signatures;
  if (signatures.size() != signers || message.account_keys.size() < signers) return false;
  const Bytes payload = message.serialize();
  for (size_t i = 0; i < signers; ++i) {
    if (!verify_signature(message.account_keys[i], payload, signatures[i])) return false;
  }
  return true;
}

bool Transaction::is_fully_signed() const {
  return signatures.size() == message.header.num_required_signatures &&
         std::none_of(signatures.begin(), signatures.end(),
                      [](const Signature& s) { return s.is_zero(); });
}

Bytes Transaction::serialize() const {
  Bytes out;
  out.reserve(serialized_size());
  compact_u16_append(out, static_cast<uint16_t>(signatures.size()));
  for (const auto& s : signatures) out.insert(out.end(), s.bytes.begin(), s.bytes.end());
  const Bytes m = message.serialize();
  out.insert(out.end(), m.begin(), m.end());
  return out;
}

size_t Transaction::serialized_size() const {
  return compact_u16_size(static_cast<uint16_t>(signatures.size())) +
         Signature::size * signatures.size() + message.serialized_size();
}

Status Transaction::check_limits() const {
  const size_t size = serialized_size();
  if (size > PACKET_DATA_SIZE) {
    return Error{"transaction is " + std::to_string(size) + " bytes, " +
                 std::to_string(size - PACKET_DATA_SIZE) + " over the " +
                 std::to_string(PACKET_DATA_SIZE) + "-byte packet limit"};
  }
  const size_t locks = message.total_account_count();
  if (locks > MAX_TX_ACCOUNT_LOCKS) {
    return Error{"transaction locks " + std::to_string(locks) + " accounts, over the limit of " +
                 std::to_string(MAX_TX_ACCOUNT_LOCKS)};
  }
  return ok_status();
}

}  // namespace qd::solana
