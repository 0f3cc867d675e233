#include "settlement/solana/sha256.hpp"

#include <mutex>
#include <stdexcept>

namespace qd::solana {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

Sha256::Sha256() {
  ensure_sodium();
  crypto_hash_sha256_init(&state_);
}

Sha256& Sha256::update(std::span<const uint8_t> bytes) {
  crypto_hash_sha256_update(&state_, bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::update(std::string_view text) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(text.data()),
                            text.size());
  return *this;
}

Sha256& Sha256::update(uint8_t byte) {
  crypto_hash_sha256_update(&state_, &byte, 1);
  return *this;
}

Hash Sha256::finish() {
  Hash out;
  crypto_hash_sha256_final(&state_, out.bytes.data());
  return out;
}

Hash sha256(std::span<const uint8_t> bytes) {
  return Sha256().update(bytes).finish();
}

Hash sha256(std::string_view text) {
  return Sha256().update(text).finish();
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace qd::solana
