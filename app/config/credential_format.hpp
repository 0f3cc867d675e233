#pragma once
// Format checks for the credentials a session config carries. No secret is verified here (the
// FIX logon does that): the loader only makes sure what is stored is a hash, not a password.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qd {

/// True when `s` is an argon2id PHC string
/// "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" with unpadded base64 salt (>= 8
/// bytes) and hash (>= 16 bytes), as libsodium's crypto_pwhash_str writes it. Otherwise false and
/// `why` says what is off.
bool is_argon2id_phc(std::string_view s, std::string& why);

/// Bitcoin/Solana base58; nullopt on a character outside the alphabet.
std::optional<std::vector<uint8_t>> decode_base58(std::string_view s);
/// RFC 4648 base64, padding optional; nullopt on anything else.
std::optional<std::vector<uint8_t>> decode_base64(std::string_view s);

/// An ed25519 public key written as base58 (the Solana form) or "base64:<text>". nullopt and
/// `why` when it does not decode to exactly 32 bytes.
std::optional<std::array<uint8_t, 32>> decode_ed25519_public_key(std::string_view s,
                                                                 std::string& why);

}  // namespace qd
