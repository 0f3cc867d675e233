#pragma once
// ed25519 keys through libsodium, and the standard Solana keypair file: a JSON array of 64
// integers, the 32-byte seed followed by the 32-byte public key. Secret bytes are zeroed when a
// Keypair dies and are never formatted, logged or put in an error message.

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "settlement/solana/pubkey.hpp"
#include "settlement/solana/result.hpp"

namespace qd::solana {

class Keypair {
 public:
  /// A fresh random keypair.
  static Keypair generate();
  /// The keypair of a 32-byte ed25519 seed (RFC 8032 private key).
  static Keypair from_seed(std::span<const uint8_t, 32> seed);
  /// From the 64-byte secret||public form; rejects another length or a public half that does
  /// not belong to the secret half.
  static Result<Keypair> from_bytes(std::span<const uint8_t> secret_and_public);
  /// Loads a Solana JSON keypair file. Refuses a file that group or others may read or write
  /// (mode & 077, checked on the file actually opened); rejects malformed JSON, a length
  /// other than 64, values outside 0..255 and a mismatched public half. Messages name the file.
  static Result<Keypair> load_file(const std::string& path);

  Keypair(Keypair&& other) noexcept;
  Keypair& operator=(Keypair&& other) noexcept;
  Keypair(const Keypair&) = delete;
  Keypair& operator=(const Keypair&) = delete;
  ~Keypair();

  /// Writes this keypair as a new JSON file with mode 0600; refuses to replace an existing file.
  Status save_file(const std::string& path) const;

  const Pubkey& pubkey() const { return pubkey_; }
  /// Detached ed25519 signature of message.
  Signature sign(std::span<const uint8_t> message) const;

 private:
  Keypair() = default;
  std::array<uint8_t, 64> secret_{};  // libsodium's form: seed || public key
  Pubkey pubkey_;
};

/// Checks a detached ed25519 signature (libsodium: rejects non-canonical and small-order input).
bool verify_signature(const Pubkey& key, std::span<const uint8_t> message,
                      const Signature& signature);

}  // namespace qd::solana
