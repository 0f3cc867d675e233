#include "fix/logon_auth.hpp"

#include <sodium.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "fix/fix_time.hpp"

namespace qd::fix {

namespace {

constexpr char SOH = '\x01';

bool parse_uint(std::string_view s, size_t& out) {
  if (s.empty() || s.size() > 9) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + size_t(c - '0');
  }
  out = v;
  return true;
}

}  // namespace

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

std::optional<LogonFields> parse_logon(std::string_view raw) {
  LogonFields f;
  size_t pos = 0;
  size_t raw_data_len = 0;
  bool have_raw_len = false;
  while (pos < raw.size()) {
    size_t eq = raw.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string_view tag = raw.substr(pos, eq - pos);
    size_t tag_num = 0;
    if (!parse_uint(tag, tag_num)) return std::nullopt;
    size_t value_begin = eq + 1;
    size_t end;
    if (tag_num == 96 && have_raw_len) {
      end = value_begin + raw_data_len;
      if (end > raw.size() || (end < raw.size() && raw[end] != SOH)) return std::nullopt;
    } else {
      end = raw.find(SOH, value_begin);
      if (end == std::string_view::npos) end = raw.size();
    }
    std::string value(raw.substr(value_begin, end - value_begin));
    switch (tag_num) {
      case 8:
        f.begin_string = value;
        break;
      case 35:
        // Every inbound message passes through here: anything but a Logon stops at its third
        // field instead of copying all of them.
        if (value != "A") return std::nullopt;
        f.msg_type = value;
        break;
      case 34:
        f.msg_seq_num = value;
        break;
      case 49:
        f.sender_comp_id = value;
        break;
      case 56:
        f.target_comp_id = value;
        break;
      case 52:
        f.sending_time = value;
        break;
      case 553:
        f.username = value;
        break;
      case 554:
        f.password = value;
        break;
      case 95:
        have_raw_len = parse_uint(value, raw_data_len);
        break;
      case 96:
        f.raw_data = value;
        break;
      case 108:
        f.heart_bt_int = value;
        break;
      case 141:
        f.reset_seq_num_flag = value == "Y";
        break;
      default:
        break;
    }
    pos = end + 1;
  }
  if (f.msg_type != "A" || f.sender_comp_id.empty() || f.target_comp_id.empty())
    return std::nullopt;
  return f;
}

std::string signed_logon_payload(const LogonFields& l) {
  std::string s;
  s.reserve(96);
  s += l.sending_time;
  s += SOH;
  s += l.msg_type;
  s += SOH;
  s += l.msg_seq_num;
  s += SOH;
  s += l.sender_comp_id;
  s += SOH;
  s += l.target_comp_id;
  return s;
}

AuthResult authenticate(const AuthConfig& auth, const LogonFields& logon, TimestampNs now_ns,
                        uint32_t max_latency_s, TimestampNs last_signed_ns) {
  ensure_sodium();
  AuthResult r;
  if (!auth.username.empty()) {
    if (!logon.username) {
      r.reason = "Username (553) required";
      return r;
    }
    if (*logon.username != auth.username) {
      r.reason = "invalid username or password";
      return r;
    }
  }
  if (!auth.password_hash.empty()) {
    if (!logon.password || logon.password->empty()) {
      r.reason = "Password (554) required";
      return r;
    }
    if (crypto_pwhash_str_verify(auth.password_hash.c_str(), logon.password->data(),
                                 logon.password->size()) != 0) {
      r.reason = "invalid username or password";
      return r;
    }
  }
  if (auth.ed25519_public_key) {
    if (!logon.raw_data || logon.raw_data->empty()) {
      r.reason = "signature required in RawData (96)";
      return r;
    }
    std::array<uint8_t, crypto_sign_BYTES> sig{};
    size_t sig_len = 0;
    if (sodium_base642bin(sig.data(), sig.size(), logon.raw_data->data(), logon.raw_data->size(),
                          nullptr, &sig_len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        sig_len != sig.size()) {
      r.reason = "RawData (96) is not a base64 Ed25519 signature";
      return r;
    }
    std::optional<TimestampNs> sent = parse_utc_timestamp(logon.sending_time);
    if (!sent) {
      r.reason = "SendingTime (52) unreadable";
      return r;
    }
    TimestampNs skew = *sent > now_ns ? *sent - now_ns : now_ns - *sent;
    if (skew > TimestampNs(max_latency_s) * 1'000'000'000) {
      r.reason = "signed SendingTime outside MaxLatency";
      return r;
    }
    if (*sent <= last_signed_ns) {
      r.reason = "signed SendingTime not later than the last accepted Logon (replay)";
      return r;
    }
    std::string payload = signed_logon_payload(logon);
    if (crypto_sign_verify_detached(sig.data(), reinterpret_cast<const uint8_t*>(payload.data()),
                                    payload.size(), auth.ed25519_public_key->data()) != 0) {
      r.reason = "invalid Ed25519 signature";
      return r;
    }
    r.signed_time = *sent;
  }
  r.ok = true;
  return r;
}

bool may_hold_secrets(std::string_view text) {
  return text.find("554=") != std::string_view::npos || text.find("925=") != std::string_view::npos;
}

std::string redact_secrets(std::string_view text) {
  std::string out(text);
  for (std::string_view key : {std::string_view("554="), std::string_view("925=")}) {
    size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      // Only a tag at the start of the text or after a separator is the field itself.
      bool at_field = pos == 0 || out[pos - 1] == SOH || out[pos - 1] == '|' || out[pos - 1] == ' ';
      size_t value = pos + key.size();
      if (!at_field) {
        pos = value;
        continue;
      }
      size_t end = out.find_first_of(std::string_view("\x01|", 2), value);
      if (end == std::string::npos) end = out.size();
      out.replace(value, end - value, "***");
      pos = value + 3;
    }
  }
  return out;
}

std::string sign_logon_payload(std::string_view payload,
                               const std::array<uint8_t, 64>& secret_key) {
  ensure_sodium();
  std::array<uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(payload.data()),
                       payload.size(), secret_key.data());
  std::string b64(sodium_base64_ENCODED_LEN(sig.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), sig.data(), sig.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::char_traits<char>::length(b64.c_str()));
  return b64;
}

}  // namespace qd::fix
