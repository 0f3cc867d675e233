#pragma once
// Base58 with the Bitcoin alphabet, the text form of Solana keys, signatures and blockhashes.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "settlement/solana/result.hpp"

namespace qd::solana {

/// Encodes bytes; each leading zero byte becomes a leading '1'. Empty input gives "".
std::string base58_encode(std::span<const uint8_t> bytes);

/// Decodes text; rejects any character outside the alphabet (0, O, I, l, spaces, non-ASCII),
/// naming the character and its position.
Result<std::vector<uint8_t>> base58_decode(std::string_view text);

}  // namespace qd::solana
