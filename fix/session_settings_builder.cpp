#include "fix/session_settings_builder.hpp"

#include <stdexcept>

namespace qd::fix {

namespace {

const char* weekday_name(Weekday d) {
  switch (d) {
    case Weekday::sunday:
      return "Sunday";
    case Weekday::monday:
      return "Monday";
    case Weekday::tuesday:
      return "Tuesday";
    case Weekday::wednesday:
      return "Wednesday";
    case Weekday::thursday:
      return "Thursday";
    case Weekday::friday:
      return "Friday";
    case Weekday::saturday:
      return "Saturday";
  }
  return "Sunday";
}

const char* yn(bool b) {
  return b ? "Y" : "N";
}

FIX::Dictionary listener_defaults(const ListenerConfig& l, const std::string& dictionary_path) {
  FIX::Dictionary d;
  d.setString(FIX::CONNECTION_TYPE, "acceptor");
  d.setInt(FIX::SOCKET_ACCEPT_PORT, l.port);
  d.setString(FIX::SOCKET_REUSE_ADDRESS, "Y");
  d.setString(FIX::SOCKET_NODELAY, "Y");
  d.setString(FIX::USE_DATA_DICTIONARY, "Y");
  d.setString(FIX::DATA_DICTIONARY, dictionary_path);
  if (l.tls) {
    d.setString(FIX::SERVER_CERT_FILE, l.tls->cert);
    d.setString(FIX::SERVER_CERT_KEY_FILE, l.tls->key);
    // TLS 1.2 and newer only (QuickFIX has no switch for 1.3: it stays enabled).
    d.setString(FIX::SSL_PROTOCOL, "-all +TLSv1_2");
    if (!l.tls->ca.empty()) d.setString(FIX::CERT_AUTH_FILE, l.tls->ca);
    // CertificateVerifyLevel: 1 = a client certificate is required, 0 = none asked for.
    d.setInt(FIX::VERIFY_LEVEL, l.tls->require_client_cert ? 1 : 0);
  }
  return d;
}

}  // namespace

FIX::SessionID session_id_of(const SessionConfig& s) {
  return FIX::SessionID("FIX.4.4", s.target_comp_id, s.sender_comp_id);
}

std::string store_path_of(const VenueConfig& venue, const SessionConfig& s) {
  return s.quickfix.file_store_path.empty() ? venue.venue.data_dir + "/fix/store"
                                            : s.quickfix.file_store_path;
}

std::string log_path_of(const VenueConfig& venue, const SessionConfig& s) {
  return s.quickfix.file_log_path.empty() ? venue.venue.data_dir + "/fix/log"
                                          : s.quickfix.file_log_path;
}

std::vector<ListenerPlan> build_session_settings(const VenueConfig& venue,
                                                 const std::string& dictionary_path) {
  std::vector<ListenerPlan> plans;
  for (const ListenerConfig& l : venue.listeners) {
    ListenerPlan p;
    p.listener = &l;
    p.settings.set(listener_defaults(l, dictionary_path));
    plans.push_back(std::move(p));
  }
  for (size_t i = 0; i < venue.sessions.size(); ++i) {
    const SessionConfig& s = venue.sessions[i];
    ListenerPlan* plan = nullptr;
    for (ListenerPlan& p : plans)
      if (s.listener.empty() ? &p == &plans.front() : p.listener->name == s.listener) plan = &p;
    if (!plan)
      throw std::runtime_error("session " + s.sender_comp_id + " names unknown listener '" +
                               s.listener + "'");
    const QuickFixSettings& q = s.quickfix;
    FIX::Dictionary d = listener_defaults(*plan->listener, dictionary_path);
    d.setString(FIX::BEGINSTRING, "FIX.4.4");
    d.setString(FIX::SENDERCOMPID, s.target_comp_id);
    d.setString(FIX::TARGETCOMPID, s.sender_comp_id);
    d.setInt(FIX::HEARTBTINT, int(q.heart_bt_int));
    d.setString(FIX::START_TIME, q.start_time.to_string());
    d.setString(FIX::END_TIME, q.end_time.to_string());
    if (q.start_day && q.end_day) {
      d.setString(FIX::START_DAY, weekday_name(*q.start_day));
      d.setString(FIX::END_DAY, weekday_name(*q.end_day));
    }
    d.setString(FIX::USE_LOCAL_TIME, yn(q.time_zone == SessionTimeZone::local));
    d.setString(FIX::RESET_ON_LOGON, yn(q.reset_on_logon));
    d.setString(FIX::RESET_ON_LOGOUT, yn(q.reset_on_logout));
    d.setString(FIX::RESET_ON_DISCONNECT, yn(q.reset_on_disconnect));
    d.setString(FIX::REFRESH_ON_LOGON, yn(q.refresh_on_logon));
    d.setString(FIX::VALIDATE_FIELDS_OUT_OF_ORDER, yn(q.validate_fields_out_of_order));
    d.setString(FIX::VALIDATE_FIELDS_HAVE_VALUES, yn(q.validate_fields_have_values));
    // The gateway applies ValidateUserDefinedFields and AllowUnknownMsgFields itself on
    // application messages, answering with a reject that names the order (ClOrdID) instead of
    // a session-level Reject the desk's order manager may not tie back to it. QuickFIX is told
    // to let such fields through to the gateway.
    d.setString(FIX::VALIDATE_USER_DEFINED_FIELDS, "N");
    d.setString(FIX::ALLOW_UNKNOWN_MSG_FIELDS, "Y");
    d.setString(FIX::VALIDATE_LENGTH_AND_CHECKSUM, "Y");
    d.setString(FIX::CHECK_COMPID, "Y");
    d.setInt(FIX::TIMESTAMP_PRECISION, q.timestamp_precision);
    d.setString(FIX::CHECK_LATENCY, yn(q.check_latency));
    d.setInt(FIX::MAX_LATENCY, int(q.max_latency));
    d.setInt(FIX::LOGOUT_TIMEOUT, int(q.logout_timeout));
    d.setInt(FIX::LOGON_TIMEOUT, int(q.logon_timeout));
    d.setString(FIX::PERSIST_MESSAGES, yn(q.persist_messages));
    d.setString(FIX::FILE_STORE_PATH, store_path_of(venue, s));
    d.setString(FIX::FILE_LOG_PATH, log_path_of(venue, s));
    plan->settings.set(session_id_of(s), d);
    plan->sessions.push_back(i);
  }
  std::vector<ListenerPlan> used;
  for (ListenerPlan& p : plans)
    if (!p.sessions.empty()) used.push_back(std::move(p));
  return used;
}

}  // namespace qd::fix
