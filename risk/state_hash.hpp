#pragma once
// FNV-1a (64-bit) over integers in a fixed byte order, for replay checks: two engines that saw
// the same commands hash equal, whatever the platform's struct layout.

#include <cstdint>

#include "risk/checked_math.hpp"

namespace qd::risk {

class Fnv1a {
 public:
  static constexpr uint64_t offset_basis = 14695981039346656037ull;
  static constexpr uint64_t prime = 1099511628211ull;

  /// Feeds v as 8 little-endian bytes.
  constexpr void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h_ ^= static_cast<uint8_t>(v >> (8 * i));
      h_ *= prime;
    }
  }
  constexpr void add_signed(int64_t v) { add(static_cast<uint64_t>(v)); }
  constexpr void add_wide(i128 v) {
    const u128 u = static_cast<u128>(v);
    add(static_cast<uint64_t>(u));
    add(static_cast<uint64_t>(u >> 64));
  }
  constexpr uint64_t value() const { return h_; }

 private:
  uint64_t h_ = offset_basis;
};

}  // namespace qd::risk
