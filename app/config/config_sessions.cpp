// FIX sessions: identity, role, accounts, credentials, throttle and QuickFIX settings.

#include "app/config/config_parse.hpp"
#include "app/config/credential_format.hpp"

namespace qd {

namespace {

constexpr std::string_view kPasswordAdvice =
    "clear-text passwords are not accepted; store an argon2id hash in auth.password_hash "
    "(qdctl hash-password)";

bool valid_comp_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

void read_comp_id(MapReader& r, std::string_view key, std::string& out) {
  r.require(key);
  if (r.text(key, out) && !valid_comp_id(out)) {
    r.error(key, '"' + out +
                     "\" is not a valid CompID; expected 1-64 printable characters "
                     "without spaces");
  }
}

bool read_time(MapReader& r, std::string_view key, TimeOfDay& out) {
  std::string s;
  if (!r.text(key, s)) return false;
  auto two = [&](size_t i, int max, uint8_t& v) {
    if (s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9') return false;
    int x = (s[i] - '0') * 10 + (s[i + 1] - '0');
    v = uint8_t(x);
    return x <= max;
  };
  TimeOfDay t;
  if (s.size() == 8 && s[2] == ':' && s[5] == ':' && two(0, 23, t.hour) && two(3, 59, t.minute) &&
      two(6, 59, t.second)) {
    out = t;
    return true;
  }
  r.error(key, '"' + s + "\" is not a time; expected \"HH:MM:SS\", like \"00:00:00\"");
  return false;
}

void parse_quickfix(const ConfigNode& n, const std::string& path, QuickFixSettings& q,
                    ConfigErrors& errors) {
  MapReader r(n, path, errors);
  r.integer_as("HeartBtInt", q.heart_bt_int, 1, 300);
  read_time(r, "StartTime", q.start_time);
  read_time(r, "EndTime", q.end_time);
  const std::vector<std::string_view> days = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};
  size_t d = 0;
  if (r.choice("StartDay", days, d)) q.start_day = Weekday(d);
  if (r.choice("EndDay", days, d)) q.end_day = Weekday(d);
  if (r.has("StartDay") != r.has("EndDay")) {
    r.error(r.has("StartDay") ? "StartDay" : "EndDay",
            "a weekly session needs both StartDay and EndDay; a daily session neither");
  }
  size_t tz = 0;
  if (r.choice("TimeZone", {"UTC", "local"}, tz)) q.time_zone = SessionTimeZone(tz);
  r.boolean("ResetOnLogon", q.reset_on_logon);
  r.boolean("ResetOnLogout", q.reset_on_logout);
  r.boolean("ResetOnDisconnect", q.reset_on_disconnect);
  r.boolean("RefreshOnLogon", q.refresh_on_logon);
  r.boolean("ValidateFieldsOutOfOrder", q.validate_fields_out_of_order);
  r.boolean("ValidateFieldsHaveValues", q.validate_fields_have_values);
  r.boolean("ValidateUserDefinedFields", q.validate_user_defined_fields);
  r.boolean("AllowUnknownMsgFields", q.allow_unknown_msg_fields);
  if (r.integer_as("TimestampPrecision", q.timestamp_precision, 0, 9) &&
      q.timestamp_precision % 3 != 0) {
    r.error("TimestampPrecision", std::to_string(q.timestamp_precision) +
                                      " is not supported; expected 0, 3, 6 or 9 digits");
  }
  r.integer_as("MaxLatency", q.max_latency, 1, 3600);
  r.boolean("CheckLatency", q.check_latency);
  r.integer_as("LogoutTimeout", q.logout_timeout, 1, 60);
  r.integer_as("LogonTimeout", q.logon_timeout, 1, 60);
  r.boolean("PersistMessages", q.persist_messages);
  r.text("FileStorePath", q.file_store_path);
  r.text("FileLogPath", q.file_log_path);
  r.finish();
}

void parse_throttle(const ConfigNode& n, const std::string& path, ThrottleConfig& t,
                    ConfigErrors& errors) {
  MapReader r(n, path, errors);
  r.integer_as("messages_per_second", t.messages_per_second, 1, 100'000);
  if (r.integer_as("burst", t.burst, 1, 1'000'000) && t.burst < t.messages_per_second) {
    r.error("burst", std::to_string(t.burst) + " is below messages_per_second (" +
                         std::to_string(t.messages_per_second) +
                         "); the bucket must hold at least one second of messages");
  }
  r.integer_as("logout_after_breaches", t.logout_after_breaches, 0, 1'000'000);
  r.integer_as("breach_window_s", t.breach_window_s, 1, 3600);
  r.finish();
}

void parse_auth(const ConfigNode& n, const std::string& path, AuthConfig& a, NameIndex& usernames,
                ConfigErrors& errors) {
  MapReader r(n, path, errors);
  if (!r.ok()) return;
  r.require("username");
  if (r.text("username", a.username)) {
    SourceLoc first;
    if (!usernames.add(a.username, r.loc("username"), first)) {
      r.error("username", '"' + a.username + "\" is already used at " + where(first) +
                              "; each session has its own username");
    }
  }
  bool clear_text = r.get("password") != nullptr;
  if (clear_text) r.error("password", std::string(kPasswordAdvice));
  if (!clear_text) r.require("password_hash");
  // The value is never echoed: a password pasted into the wrong key must not reach a log.
  std::string hash, why;
  if (r.text("password_hash", hash)) {
    if (is_argon2id_phc(hash, why)) {
      a.password_hash = hash;
    } else {
      r.error("password_hash", why +
                                   "; expected an argon2id PHC string like "
                                   "\"$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>\" "
                                   "(qdctl hash-password)");
    }
  }
  std::string key_text;
  if (r.text("ed25519_public_key", key_text)) {
    a.ed25519_public_key = decode_ed25519_public_key(key_text, why);
    if (!a.ed25519_public_key) r.error("ed25519_public_key", why);
  }
  r.finish();
}

void parse_session_accounts(MapReader& r, SessionConfig& s, const NameIndex& accounts) {
  const ConfigEntry* e = r.get("accounts");
  if (s.role == SessionRole::market_data) {
    if (e) r.error("accounts", "market_data sessions trade for no account; remove accounts");
    return;
  }
  if (e == nullptr) {
    r.error_here(std::string("missing required key 'accounts' (") +
                 (s.role == SessionRole::drop_copy ? "a list of account ids, or \"all\")"
                                                   : "the account ids it trades for)"));
    return;
  }
  const ConfigNode& v = e->value;
  if (v.kind == ConfigNode::Kind::scalar && v.scalar == "all") {
    if (s.role == SessionRole::drop_copy) {
      s.all_accounts = true;
    } else {
      r.error("accounts",
              "\"all\" is for drop_copy sessions; an order_entry session lists the "
              "accounts it trades for");
    }
    return;
  }
  if (v.kind != ConfigNode::Kind::sequence || v.items.empty()) {
    r.error("accounts", "expected a non-empty list of account ids" +
                            std::string(s.role == SessionRole::drop_copy ? " or \"all\"" : "") +
                            ", got " + describe(v));
    return;
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    const ConfigNode& item = v.items[i];
    std::string where_ = r.path("accounts") + '[' + std::to_string(i) + "]: ";
    if (item.kind != ConfigNode::Kind::scalar) {
      r.errors().push_back(
          make_error(item.loc, where_ + "expected an account id, got " + describe(item)));
      continue;
    }
    if (accounts.find(item.scalar) == nullptr) {
      std::string near = nearest_name(item.scalar, accounts.names());
      r.errors().push_back(
          make_error(item.loc, where_ + "unknown account \"" + item.scalar + "\"" +
                                   (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                                   "; expected an id from accounts"));
      continue;
    }
    bool dup = false;
    for (const std::string& a : s.accounts) dup = dup || a == item.scalar;
    if (dup) {
      r.errors().push_back(
          make_error(item.loc, where_ + "\"" + item.scalar + "\" is listed twice"));
      continue;
    }
    s.accounts.push_back(item.scalar);
  }
}

/// A key that makes no sense for this role: reported instead of parsed.
bool reject_for_role(MapReader& r, std::string_view key, const std::string& why) {
  if (r.get(key) == nullptr) return false;
  r.error(key, why);
  return true;
}

void parse_session(const ConfigNode& n, const std::string& path, SessionConfig& s,
                   const NameIndex& accounts, const NameIndex& listeners, NameIndex& pairs,
                   NameIndex& usernames, ConfigErrors& errors) {
  MapReader r(n, path, errors);
  if (!r.ok()) return;
  read_comp_id(r, "sender_comp_id", s.sender_comp_id);
  read_comp_id(r, "target_comp_id", s.target_comp_id);
  if (!s.sender_comp_id.empty() && !s.target_comp_id.empty()) {
    SourceLoc first;
    if (!pairs.add(s.sender_comp_id + '\x01' + s.target_comp_id, r.loc("sender_comp_id"), first)) {
      r.error("sender_comp_id", "session " + s.sender_comp_id + " -> " + s.target_comp_id +
                                    " is already defined at " + where(first) +
                                    "; each (sender_comp_id, target_comp_id) pair is one session");
    }
  }
  r.require("role");
  size_t role = 0;
  bool role_ok = r.choice("role", {"order_entry", "drop_copy", "market_data"}, role);
  s.role = SessionRole(role);
  if (r.text("listener", s.listener) && listeners.find(s.listener) == nullptr) {
    std::string near = nearest_name(s.listener, listeners.names());
    r.error("listener", "unknown listener \"" + s.listener + "\"" +
                            (near.empty() ? "" : " (did you mean \"" + near + "\"?)") +
                            "; expected a name from listeners");
  }
  if (role_ok)
    parse_session_accounts(r, s, accounts);
  else
    r.get("accounts");

  if (r.get("password") != nullptr) r.error("password", std::string(kPasswordAdvice));
  r.require("auth");
  if (const ConfigNode* a = r.map("auth"))
    parse_auth(*a, r.path("auth"), s.auth, usernames, errors);

  bool drop = role_ok && s.role == SessionRole::drop_copy;
  bool order_entry = role_ok && s.role == SessionRole::order_entry;
  if (drop) {
    reject_for_role(r, "throttle", "drop_copy sessions send no orders; remove throttle");
  } else {
    s.throttle = ThrottleConfig{};
    if (const ConfigNode* t = r.map("throttle"))
      parse_throttle(*t, r.path("throttle"), *s.throttle, errors);
  }
  if (role_ok && !order_entry) {
    reject_for_role(r, "cancel_on_disconnect",
                    "only order_entry sessions have orders to cancel; remove it");
    reject_for_role(r, "allow_market_data",
                    "only order_entry sessions need this; market_data sessions always may");
  } else {
    s.cancel_on_disconnect = true;
    r.boolean("cancel_on_disconnect", s.cancel_on_disconnect);
    r.boolean("allow_market_data", s.allow_market_data);
  }
  if (role_ok && !drop) {
    reject_for_role(r, "trade_capture_reports",
                    "only drop_copy sessions receive trade capture "
                    "reports; remove it");
  } else {
    r.boolean("trade_capture_reports", s.trade_capture_reports);
  }
  r.boolean("enabled", s.enabled);
  if (const ConfigNode* q = r.map("quickfix")) {
    parse_quickfix(*q, r.path("quickfix"), s.quickfix, errors);
    if (drop && !s.quickfix.persist_messages) {
      MapReader qr(*q, r.path("quickfix"), errors);
      qr.error("PersistMessages",
               "a drop_copy session must persist messages so missed copies "
               "can be resent; set it to true");
    }
  }
  r.finish();
}

}  // namespace

void parse_sessions(const ConfigNode& list, const NameIndex& accounts, const NameIndex& listeners,
                    std::vector<SessionConfig>& out, ConfigErrors& errors) {
  NameIndex pairs, usernames;
  for (size_t i = 0; i < list.items.size(); ++i) {
    SessionConfig s;
    parse_session(list.items[i], "sessions[" + std::to_string(i) + "]", s, accounts, listeners,
                  pairs, usernames, errors);
    out.push_back(std::move(s));
  }
}

}  // namespace qd
