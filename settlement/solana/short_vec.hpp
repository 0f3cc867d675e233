#pragma once
// compact-u16 ("shortvec"): the length prefix of every array in a Solana message. Seven bits per
// byte, least significant first, high bit = more bytes follow, at most 3 bytes, values to 0xffff.
// Decoding is as strict as the runtime: truncated input, a fourth byte, a value past 0xffff and
// non-minimal encodings (a zero byte after the first, e.g. 80 00) are all rejected.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "settlement/solana/result.hpp"

namespace qd::solana {

/// Largest encoding of a compact-u16, in bytes.
inline constexpr size_t COMPACT_U16_MAX_BYTES = 3;

/// Appends the encoding of value (1 to 3 bytes) to out.
void compact_u16_append(std::vector<uint8_t>& out, uint16_t value);

/// Bytes the encoding of value takes (1, 2 or 3).
size_t compact_u16_size(uint16_t value);

struct CompactU16 {
  uint16_t value = 0;
  size_t length = 0;  ///< bytes consumed
};

/// Decodes from the start of input; rejects as described above.
Result<CompactU16> compact_u16_decode(std::span<const uint8_t> input);

/// Bounds-checked cursor over serialized bytes; every read reports running off the end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> input) : input_(input) {}

  Result<uint8_t> u8();
  Result<uint16_t> compact_u16();
  /// The next n bytes, which stay owned by the input.
  Result<std::span<const uint8_t>> bytes(size_t n);

  size_t position() const { return pos_; }
  size_t remaining() const { return input_.size() - pos_; }

 private:
  std::span<const uint8_t> input_;
  size_t pos_ = 0;
};

}  // namespace qd::solana
