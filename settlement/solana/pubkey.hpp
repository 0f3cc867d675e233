#pragma once
// Fixed-size byte strings with a base58 text form: public keys, hashes (blockhashes and
// sha256 digests) and ed25519 signatures. Program-derived addresses live here too.

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "settlement/solana/base58.hpp"
#include "settlement/solana/result.hpp"

namespace qd::solana {

using Bytes = std::vector<uint8_t>;

/// N raw bytes; Tag keeps keys, hashes and signatures from mixing.
template <size_t N, class Tag>
struct FixedBytes {
  static constexpr size_t size = N;
  std::array<uint8_t, N> bytes{};

  constexpr auto operator<=>(const FixedBytes&) const = default;

  /// Parses base58; rejects bad characters and any decoded length other than N.
  static Result<FixedBytes> from_base58(std::string_view text) {
    auto decoded = base58_decode(text);
    if (!decoded) return decoded.error();
    if (decoded.value().size() != N) {
      return Error{"base58 value '" + std::string(text) + "' decodes to " +
                   std::to_string(decoded.value().size()) + " bytes, expected " +
                   std::to_string(N)};
    }
    FixedBytes out;
    std::copy(decoded.value().begin(), decoded.value().end(), out.bytes.begin());
    return out;
  }
  /// Copies exactly N bytes; rejects any other length.
  static Result<FixedBytes> from_bytes(std::span<const uint8_t> raw) {
    if (raw.size() != N) {
      return Error{"expected " + std::to_string(N) + " bytes, got " + std::to_string(raw.size())};
    }
    FixedBytes out;
    std::copy(raw.begin(), raw.end(), out.bytes.begin());
    return out;
  }
  std::string to_base58() const { return base58_encode(bytes); }
  std::span<const uint8_t, N> span() const { return bytes; }
  const uint8_t* data() const { return bytes.data(); }
  bool is_zero() const {
    return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
  }
};

struct PubkeyTag {};
struct HashTag {};
struct SignatureTag {};

/// A 32-byte ed25519 public key or program-derived address.
using Pubkey = FixedBytes<32, PubkeyTag>;
/// A 32-byte sha256 digest; a recent blockhash is one.
using Hash = FixedBytes<32, HashTag>;
/// A 64-byte ed25519 signature; the first signature of a transaction is its id.
using Signature = FixedBytes<64, SignatureTag>;

/// Parses a base58 constant known at build time; throws std::logic_error if it is malformed
/// (a programmer error, so well-known ids can be written as text).
Pubkey pubkey_literal(std::string_view base58);

/// True when the 32 bytes decompress to a point on the ed25519 curve (any subgroup), exactly
/// the test the Solana runtime applies; a program-derived address must be off the curve.
bool is_on_curve(const Pubkey& key);

/// Most seeds a PDA may have, and the most bytes in one seed (runtime limits).
inline constexpr size_t MAX_SEEDS = 16;
inline constexpr size_t MAX_SEED_LEN = 32;

/// sha256(seeds... || program_id || "ProgramDerivedAddress"); rejects too many or too long
/// seeds and a result that lies on the curve (no private key may exist for a PDA).
Result<Pubkey> create_program_address(std::span<const std::span<const uint8_t>> seeds,
                                      const Pubkey& program_id);

struct ProgramAddress {
  Pubkey address;
  uint8_t bump = 0;  ///< the extra seed byte that took the address off the curve
};

/// Tries bump 255 down to 0 as an extra last seed and returns the first off-curve address;
/// rejects seeds as create_program_address does (at most 15 caller seeds).
Result<ProgramAddress> find_program_address(std::span<const std::span<const uint8_t>> seeds,
                                            const Pubkey& program_id);

}  // namespace qd::solana
