#include "settlement/solana/base58.hpp"

#include <array>

namespace qd::solana {
namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int8_t, 128> make_index() {
  std::array<int8_t, 128> index{};
  for (auto& v : index) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i)
    index[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return index;
}
constexpr auto kIndex = make_index();

}  // namespace

std::string base58_encode(std::span<const uint8_t> bytes) {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  // Base-58 digits, least significant first; log(256)/log(58) < 1.37 digits per byte.
  std::vector<uint8_t> digits;
  digits.reserve((bytes.size() - zeros) * 137 / 100 + 1);
  for (size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = bytes[i];
    for (auto& d : digits) {
      carry += static_cast<uint32_t>(d) << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<std::vector<uint8_t>> base58_decode(std::string_view text) {
  size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  // Bytes, least significant first; log(58)/log(256) < 0.74 bytes per digit.
  std::vector<uint8_t> bytes;
  bytes.reserve((text.size() - ones) * 74 / 100 + 1);
  for (size_t i = ones; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int digit = c < 128 ? kIndex[c] : -1;
    if (digit < 0) {
      return Error{"invalid base58 character 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                   std::string(1, "0123456789abcdef"[c & 15]) + " at position " +
                   std::to_string(i)};
    }
    uint32_t carry = static_cast<uint32_t>(digit);
    for (auto& b : bytes) {
      carry += static_cast<uint32_t>(b) * 58;
      b = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  std::vector<uint8_t> out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

}  // namespace qd::solana
