#pragma once
// sha256 through libsodium, and the one-time libsodium initialisation every user shares.

#include <sodium.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "settlement/solana/pubkey.hpp"

namespace qd::solana {

/// Initialises libsodium once per process (thread-safe); throws std::runtime_error if it cannot.
void ensure_sodium();

/// Incremental sha256 over several pieces.
class Sha256 {
 public:
  Sha256();
  Sha256& update(std::span<const uint8_t> bytes);
  Sha256& update(std::string_view text);
  Sha256& update(uint8_t byte);
  /// Finishes the digest; the object must not be updated afterwards.
  Hash finish();

 private:
  crypto_hash_sha256_state state_{};
};

/// sha256 of one byte string.
Hash sha256(std::span<const uint8_t> bytes);
Hash sha256(std::string_view text);

/// Lowercase hex of bytes (for memos, logs of public data and tests).
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace qd::solana
