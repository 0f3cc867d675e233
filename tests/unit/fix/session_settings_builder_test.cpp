#include "fix/session_settings_builder.hpp"

#include <gtest/gtest.h>

#include "fix/gateway.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix {
namespace {

class SettingsTest : public ::testing::Test {
 protected:
  test::Ed25519Keys keys_ = test::make_keys();
  VenueConfig config_ = test::make_config(9999, "/var/qd", keys_);
};

TEST_F(SettingsTest, EverySessionBecomesAnAcceptorSessionWithItsSettings) {
  SessionConfig& s = config_.sessions[0];
  s.quickfix.heart_bt_int = 15;
  s.quickfix.start_time = TimeOfDay{7, 30, 0};
  s.quickfix.end_time = TimeOfDay{22, 0, 5};
  s.quickfix.start_day = Weekday::monday;
  s.quickfix.end_day = Weekday::friday;
  s.quickfix.reset_on_logon = true;
  s.quickfix.validate_fields_out_of_order = false;
  s.quickfix.timestamp_precision = 9;
  s.quickfix.max_latency = 30;
  s.quickfix.logout_timeout = 4;
  s.quickfix.file_store_path = "/custom/store";
  std::vector<ListenerPlan> plans = build_session_settings(config_, "/dict.xml");
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].sessions.size(), config_.sessions.size());
  const FIX::Dictionary& d = plans[0].settings.get(session_id_of(s));
  EXPECT_EQ(d.getString("ConnectionType"), "acceptor");
  EXPECT_EQ(d.getString("BeginString"), "FIX.4.4");
  EXPECT_EQ(d.getString("SenderCompID"), "QUANTDESK");
  EXPECT_EQ(d.getString("TargetCompID"), "DESK_A");
  EXPECT_EQ(d.getInt("SocketAcceptPort"), 9999);
  EXPECT_EQ(d.getInt("HeartBtInt"), 15);
  EXPECT_EQ(d.getString("StartTime"), "07:30:00");
  EXPECT_EQ(d.getString("EndTime"), "22:00:05");
  EXPECT_EQ(d.getString("StartDay"), "Monday");
  EXPECT_EQ(d.getString("EndDay"), "Friday");
  EXPECT_EQ(d.getString("ResetOnLogon"), "Y");
  EXPECT_EQ(d.getString("ResetOnLogout"), "N");
  EXPECT_EQ(d.getString("ValidateFieldsOutOfOrder"), "N");
  EXPECT_EQ(d.getInt("TimestampPrecision"), 9);
  EXPECT_EQ(d.getInt("MaxLatency"), 30);
  EXPECT_EQ(d.getInt("LogoutTimeout"), 4);
  EXPECT_EQ(d.getString("FileStorePath"), "/custom/store");
  EXPECT_EQ(d.getString("FileLogPath"), "/var/qd/fix/log");
  EXPECT_EQ(d.getString("DataDictionary"), "/dict.xml");
  EXPECT_EQ(d.getString("UseDataDictionary"), "Y");
  // Unknown fields reach the gateway, which answers with a reject naming the order.
  EXPECT_EQ(d.getString("ValidateUserDefinedFields"), "N");
  EXPECT_EQ(d.getString("AllowUnknownMsgFields"), "Y");
  const FIX::Dictionary& other = plans[0].settings.get(session_id_of(config_.sessions[1]));
  EXPECT_FALSE(other.has("StartDay"));
  EXPECT_EQ(other.getString("FileStorePath"), "/var/qd/fix/store");
}

TEST_F(SettingsTest, TheHttpAdminPortIsNeverEnabled) {
  for (const ListenerPlan& p : build_session_settings(config_, "/dict.xml")) {
    EXPECT_FALSE(p.settings.get().has("HttpAcceptPort"));
    for (const FIX::SessionID& id : p.settings.getSessions())
      EXPECT_FALSE(p.settings.get(id).has("HttpAcceptPort")) << id.toString();
  }
}

TEST_F(SettingsTest, TlsListenersCarryTheirCertificates) {
  ListenerConfig tls;
  tls.name = "tls";
  tls.port = 9443;
  tls.tls = TlsConfig{"/c.pem", "/k.pem", "/ca.pem", true};
  config_.listeners.push_back(tls);
  config_.sessions[1].listener = "tls";
  std::vector<ListenerPlan> plans = build_session_settings(config_, "/dict.xml");
  ASSERT_EQ(plans.size(), 2u);
  const ListenerPlan& p = plans[1];
  EXPECT_EQ(p.listener->name, "tls");
  ASSERT_EQ(p.sessions.size(), 1u);
  EXPECT_EQ(p.settings.get().getString("ServerCertificateFile"), "/c.pem");
  EXPECT_EQ(p.settings.get().getString("ServerCertificateKeyFile"), "/k.pem");
  EXPECT_EQ(p.settings.get().getString("CertificationAuthoritiesFile"), "/ca.pem");
  EXPECT_EQ(p.settings.get().getInt("CertificateVerifyLevel"), 1);
  EXPECT_EQ(p.settings.get().getInt("SocketAcceptPort"), 9443);
  EXPECT_FALSE(plans[0].settings.get().has("ServerCertificateFile"));
}

TEST_F(SettingsTest, UnknownListenerIsAnError) {
  config_.sessions[0].listener = "nope";
  EXPECT_THROW(build_session_settings(config_, "/dict.xml"), std::runtime_error);
}

}  // namespace
}  // namespace qd::fix
