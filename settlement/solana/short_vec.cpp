#include "settlement/solana/short_vec.hpp"

#include <string>

namespace qd::solana {

void compact_u16_append(std::vector<uint8_t>& out, uint16_t value) {
  uint32_t rest = value;
  while (true) {
    const auto low = static_cast<uint8_t>(rest & 0x7f);
    rest >>= 7;
    if (rest == 0) {
      out.push_back(low);
      return;
    }
    out.push_back(static_cast<uint8_t>(low | 0x80));
  }
}

size_t compact_u16_size(uint16_t value) {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  return 3;
}

Result<CompactU16> compact_u16_decode(std::span<const uint8_t> input) {
  uint32_t value = 0;
  for (size_t i = 0; i < COMPACT_U16_MAX_BYTES; ++i) {
    if (i >= input.size()) {
      return Error{"compact-u16 truncated after " + std::to_string(i) + " bytes"};
    }
    const uint8_t b = input[i];
    if (b == 0 && i != 0) return Error{"compact-u16 has a non-minimal encoding (zero byte)"};
    const bool done = (b & 0x80) == 0;
    if (i == COMPACT_U16_MAX_BYTES - 1 && !done) {
      return Error{"compact-u16 continues past its third byte"};
    }
    value |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if (value > 0xffff) return Error{"compact-u16 value exceeds 0xffff"};
    if (done) return CompactU16{static_cast<uint16_t>(value), i + 1};
  }
  return Error{"compact-u16 continues past its third byte"};  // unreachable: loop returns
}

Result<uint8_t> ByteReader::u8() {
  if (remaining() < 1) return Error{"unexpected end of input at byte " + std::to_string(pos_)};
  return input_[pos_++];
}

Result<uint16_t> ByteReader::compact_u16() {
  auto r = compact_u16_decode(input_.subspan(pos_));
  if (!r) return Error{r.error().message + " at byte " + std::to_string(pos_)};
  pos_ += r.value().length;
  return r.value().value;
}

Result<std::span<const uint8_t>> ByteReader::bytes(size_t n) {
  if (remaining() < n) {
    return Error{"need " + std::to_string(n) + " bytes at byte " + std::to_string(pos_) +
                 ", only " + std::to_string(remaining()) + " left"};
  }
  auto out = input_.subspan(pos_, n);
  pos_ += n;
  return out;
}

}  // namespace qd::solana
