#pragma once
// Standard base64 (RFC 4648, '+' '/', padded), the encoding RPC uses for transactions and data.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "settlement/solana/result.hpp"

namespace qd::solana {

std::string base64_encode(std::span<const uint8_t> bytes);
/// Rejects characters outside the alphabet, bad padding and a truncated final group.
Result<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace qd::solana
