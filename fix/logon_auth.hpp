#pragma once
// Logon authentication, done on the raw Logon text before QuickFIX acts on it (see
// session_guard.hpp for why). Credentials:
//  - Username (553) must equal the session's configured username.
//  - Password (554) is checked against the argon2id hash (libsodium crypto_pwhash_str_verify).
//  - When the session has an ed25519 public key, RawData (96) must carry the base64 (RFC 4648,
//    padded, 88 characters; RawDataLength 95 = 88) of the 64-byte Ed25519 signature of
//        SendingTime(52) SOH MsgType(35) SOH MsgSeqNum(34) SOH SenderCompID(49) SOH
//        TargetCompID(56)
//    i.e. the five values exactly as sent, joined by the byte 0x01, no trailing separator.
//    The SendingTime must be within MaxLatency of the venue's clock and later than the last
//    signed Logon accepted on the session, so a captured Logon cannot be replayed.
// Every configured credential is required. Secrets never leave this file: reasons name what
// failed, never a value.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/config/venue_config.hpp"
#include "core/ids.hpp"

namespace qd::fix {

/// The Logon fields authentication needs, copied from the wire text.
struct LogonFields {
  std::string begin_string;
  std::string msg_type;
  std::string msg_seq_num;
  std::string sender_comp_id;
  std::string target_comp_id;
  std::string sending_time;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> raw_data;
  std::string heart_bt_int;
  bool reset_seq_num_flag = false;  ///< 141=Y
};

/// Splits a raw FIX message (SOH separated) and returns its Logon fields, or nullopt when it is
/// not a Logon (35=A) or the header cannot be read. RawData is read using RawDataLength.
std::optional<LogonFields> parse_logon(std::string_view raw);

/// The byte string an Ed25519 Logon signature covers (see the file comment).
std::string signed_logon_payload(const LogonFields& logon);

struct AuthResult {
  bool ok = false;
  std::string reason;           ///< for the Logout Text and the log; never contains a secret
  TimestampNs signed_time = 0;  ///< the SendingTime a valid signature covered (replay guard)
};

/// Checks every credential `auth` configures. `now_ns` is the wall clock; `max_latency_s` the
/// session's MaxLatency; `last_signed_ns` the SendingTime of the last accepted signed Logon.
/// Slow when a password is configured (argon2id, tens to hundreds of milliseconds).
AuthResult authenticate(const AuthConfig& auth, const LogonFields& logon, TimestampNs now_ns,
                        uint32_t max_latency_s, TimestampNs last_signed_ns);

/// Replaces the values of Password (554) and NewPassword (925) with "***" in any text that may
/// hold a raw FIX message, so logs never see a secret.
std::string redact_secrets(std::string_view text);
/// False when `text` holds neither field redact_secrets masks (most messages: no copy needed).
bool may_hold_secrets(std::string_view text);

/// Base64 (RFC 4648, padded) of an Ed25519 signature of `payload` by a 64-byte libsodium secret
/// key: what an initiator puts in RawData.
std::string sign_logon_payload(std::string_view payload, const std::array<uint8_t, 64>& secret_key);

/// Initialises libsodium once; safe to call from any thread, any number of times.
void ensure_sodium();

}  // namespace qd::fix
