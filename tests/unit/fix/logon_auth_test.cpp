#include "fix/logon_auth.hpp"

#include <gtest/gtest.h>

#include "fix/fix_time.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

std::string raw(const std::string& fields) {
  std::string s = fields;
  for (char& c : s)
    if (c == '|') c = '\x01';
  return s;
}

LogonFields logon_at(TimestampNs t, const std::string& user, const std::string& password) {
  LogonFields f;
  f.msg_type.push_back('A');
  f.msg_seq_num = "7";
  f.sender_comp_id = "DESK_X";
  f.target_comp_id = "QUANTDESK";
  f.sending_time = format_utc_timestamp(t, 6);
  f.username = user;
  f.password = password;
  return f;
}

TEST(LogonAuth, ParsesTheLogonFieldsFromWireText) {
  auto f =
      parse_logon(raw("8=FIX.4.4|9=99|35=A|34=12|49=DESK_X|52=20240101-00:00:00.000|"
                      "56=QUANTDESK|98=0|108=30|141=Y|553=DESK_X|554=s3cret|10=000|"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->msg_seq_num, "12");
  EXPECT_EQ(f->sender_comp_id, "DESK_X");
  EXPECT_EQ(f->target_comp_id, "QUANTDESK");
  EXPECT_EQ(f->sending_time, "20240101-00:00:00.000");
  EXPECT_EQ(f->username, "DESK_X");
  EXPECT_EQ(f->password, "s3cret");
  EXPECT_EQ(f->heart_bt_int, "30");
  EXPECT_TRUE(f->reset_seq_num_flag);
  EXPECT_FALSE(parse_logon(raw("8=FIX.4.4|9=5|35=D|49=A|56=B|10=000|")));
  EXPECT_FALSE(parse_logon("garbage"));
}

TEST(LogonAuth, RawDataIsReadByItsLength) {
  // RawData may hold the separator byte when its length says so.
  std::string s = raw("8=FIX.4.4|35=A|49=A|56=B|95=3|96=") + std::string("a\x01z") + raw("|10=0|");
  auto f = parse_logon(s);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->raw_data, std::string("a\x01z"));
}

TEST(LogonAuth, PasswordCheckedAgainstTheArgon2idHash) {
  AuthConfig auth;
  auth.username = "DESK_X";
  auth.password_hash = test::hash_password("right horse");
  TimestampNs now = wall_clock_ns();
  EXPECT_TRUE(authenticate(auth, logon_at(now, "DESK_X", "right horse"), now, 120, 0).ok);
  AuthResult wrong = authenticate(auth, logon_at(now, "DESK_X", "wrong horse"), now, 120, 0);
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.reason, "invalid username or password");
  EXPECT_EQ(wrong.reason.find("horse"), std::string::npos);  // never echoes the secret
  EXPECT_FALSE(authenticate(auth, logon_at(now, "OTHER", "right horse"), now, 120, 0).ok);
  LogonFields missing = logon_at(now, "DESK_X", "");
  missing.password.reset();
  EXPECT_EQ(authenticate(auth, missing, now, 120, 0).reason, "Password (554) required");
}

TEST(LogonAuth, Ed25519SignatureOverTheDocumentedBytes) {
  test::Ed25519Keys keys = test::make_keys();
  AuthConfig auth;
  auth.ed25519_public_key = keys.public_key;
  TimestampNs now = wall_clock_ns();
  LogonFields f = logon_at(now, "", "");
  f.username.reset();
  f.password.reset();
  EXPECT_EQ(signed_logon_payload(f), f.sending_time +
                                         "\x01"
                                         "A\x01"
                                         "7\x01"
                                         "DESK_X\x01"
                                         "QUANTDESK");
  f.raw_data = sign_logon_payload(signed_logon_payload(f), keys.secret_key);
  EXPECT_EQ(f.raw_data->size(), 88u);
  AuthResult ok = authenticate(auth, f, now, 120, 0);
  ASSERT_TRUE(ok.ok) << ok.reason;
  EXPECT_EQ(ok.signed_time, *parse_utc_timestamp(f.sending_time));

  // Replay of the same Logon: its SendingTime is not later than the last accepted one.
  EXPECT_FALSE(authenticate(auth, f, now, 120, ok.signed_time).ok);
  // Any covered field changed: the signature no longer verifies.
  LogonFields tampered = f;
  tampered.msg_seq_num = "8";
  EXPECT_EQ(authenticate(auth, tampered, now, 120, 0).reason, "invalid Ed25519 signature");
  // Signed too long ago.
  EXPECT_EQ(authenticate(auth, f, now + 121'000'000'000, 120, 0).reason,
            "signed SendingTime outside MaxLatency");
  // Another key.
  test::Ed25519Keys other = test::make_keys();
  LogonFields forged = f;
  forged.raw_data = sign_logon_payload(signed_logon_payload(f), other.secret_key);
  EXPECT_FALSE(authenticate(auth, forged, now, 120, 0).ok);
  LogonFields unsigned_logon = f;
  unsigned_logon.raw_data.reset();
  EXPECT_EQ(authenticate(auth, unsigned_logon, now, 120, 0).reason,
            "signature required in RawData (96)");
}

TEST(LogonAuth, RedactsPasswordsInAnyLogText) {
  std::string m = raw("8=FIX.4.4|35=A|553=u|554=hunter2|925=next-secret|10=1|");
  std::string r = redact_secrets(m);
  EXPECT_EQ(r.find("hunter2"), std::string::npos);
  EXPECT_EQ(r.find("next-secret"), std::string::npos);
  EXPECT_NE(r.find("554=***"), std::string::npos);
  EXPECT_EQ(redact_secrets("Session not found for incoming message: 8=FIX.4.4|554=pw|10=1|"),
            "Session not found for incoming message: 8=FIX.4.4|554=***|10=1|");
  // A longer tag ending in 554 is not the password.
  EXPECT_EQ(redact_secrets(raw("20554=x|")), raw("20554=x|"));
  // The log skips the copy only for text without either tag.
  EXPECT_TRUE(may_hold_secrets(raw("35=A|554=pw|")));
  EXPECT_TRUE(may_hold_secrets(raw("35=A|925=new|")));
  EXPECT_FALSE(may_hold_secrets(raw("35=D|11=a|55=BTC-PERP|")));
}

}  // namespace
}  // namespace qd::fix
