#include "settlement/solana/base64.hpp"

#include <sodium.h>

#include "settlement/solana/sha256.hpp"

namespace qd::solana {

std::string base64_encode(std::span<const uint8_t> bytes) {
  ensure_sodium();
  const size_t cap = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(cap - 1);  // drop the terminating NUL libsodium writes
  return out;
}

Result<std::vector<uint8_t>> base64_decode(std::string_view text) {
  ensure_sodium();
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    const size_t at = end != nullptr ? static_cast<size_t>(end - text.data()) : 0;
    return Error{"invalid base64 at position " + std::to_string(at)};
  }
  out.resize(len);
  return out;
}

}  // namespace qd::solana
