#pragma once
// Helpers shared by the settlement unit tests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "settlement/solana/pubkey.hpp"

namespace qd::solana::test {

inline std::vector<uint8_t> from_hex(std::string_view hex) {
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    return static_cast<uint8_t>(c - 'A' + 10);
  };
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

/// The fixed seeds the reference vectors were made from: byte i = (7 * i + n) mod 256.
inline std::array<uint8_t, 32> fixed_seed(int n) {
  std::array<uint8_t, 32> s{};
  for (int i = 0; i < 32; ++i) s[static_cast<size_t>(i)] = static_cast<uint8_t>((i * 7 + n) & 0xff);
  return s;
}

inline Pubkey key(std::string_view base58) {
  return pubkey_literal(base58);
}

}  // namespace qd::solana::test
