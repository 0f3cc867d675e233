#include "app/config/credential_format.hpp"

#include <charconv>

namespace qd {

namespace {

constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool parse_param(std::string_view field, char name, uint64_t& out) {
  if (field.size() < 3 || field[0] != name || field[1] != '=') return false;
  auto [p, ec] = std::from_chars(field.data() + 2, field.data() + field.size(), out);
  return ec == std::errc() && p == field.data() + field.size();
}

}  // namespace

std::optional<std::vector<uint8_t>> decode_base64(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  if (s.size() % 4 == 1) return std::nullopt;
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    size_t v = kBase64.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return out;
}

std::optional<std::vector<uint8_t>> decode_base58(std::string_view s) {
  // Big-endian base-256 number, multiplied by 58 and added to per character.
  std::vector<uint8_t> num;
  size_t zeros = 0;
  while (zeros < s.size() && s[zeros] == '1') ++zeros;
  for (char c : s) {
    size_t v = kBase58.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    uint32_t carry = uint32_t(v);
    for (auto it = num.rbegin(); it != num.rend(); ++it) {
      carry += uint32_t(*it) * 58;
      *it = uint8_t(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      num.insert(num.begin(), uint8_t(carry & 0xff));
      carry >>= 8;
    }
  }
  // Leading '1's are leading zero bytes; the number itself has no leading zeros.
  size_t lead = 0;
  while (lead < num.size() && num[lead] == 0) ++lead;
  std::vector<uint8_t> out(zeros, 0);
  out.insert(out.end(), num.begin() + std::ptrdiff_t(lead), num.end());
  return out;
}

bool is_argon2id_phc(std::string_view s, std::string& why) {
  if (s.substr(0, 10) != "$argon2id$") {
    why = "the value is not an argon2id hash";
    return false;
  }
  std::vector<std::string_view> parts = split(s, '$');
  if (parts.size() != 6) {
    why = "the argon2id hash is incomplete (expected version, parameters, salt and hash)";
    return false;
  }
  if (parts[2] != "v=19") {
    why = "the argon2id hash has version '" + std::string(parts[2]) + "'; expected v=19";
    return false;
  }
  std::vector<std::string_view> params = split(parts[3], ',');
  uint64_t m = 0, t = 0, p = 0;
  if (params.size() != 3 || !parse_param(params[0], 'm', m) || !parse_param(params[1], 't', t) ||
      !parse_param(params[2], 'p', p) || t < 1 || p < 1 || m < 8 * p) {
    why = "the argon2id hash has invalid parameters '" + std::string(parts[3]) +
          "'; expected m=<KiB>,t=<n>,p=<n>";
    return false;
  }
  auto salt = decode_base64(parts[4]);
  auto hash = decode_base64(parts[5]);
  if (!salt || salt->size() < 8 || !hash || hash->size() < 16 ||
      parts[4].find('=') != std::string_view::npos) {
    why = "the argon2id hash has a malformed salt or hash";
    return false;
  }
  return true;
}

std::optional<std::array<uint8_t, 32>> decode_ed25519_public_key(std::string_view s,
                                                                 std::string& why) {
  constexpr std::string_view prefix = "base64:";
  bool b64 = s.substr(0, prefix.size()) == prefix;
  auto bytes = b64 ? decode_base64(s.substr(prefix.size())) : decode_base58(s);
  if (!bytes) {
    why = b64 ? "the key is not valid base64"
              : "the key is not valid base58 (write \"base64:...\" for base64)";
    return std::nullopt;
  }
  if (bytes->size() != 32) {
    why = "the key decodes to " + std::to_string(bytes->size()) +
          " bytes; an ed25519 public key has 32";
    return std::nullopt;
  }
  std::array<uint8_t, 32> key{};
  for (size_t i = 0; i < 32; ++i) key[i] = (*bytes)[i];
  return key;
}

}  // namespace qd
