// Operator actions on FIX sessions: logging one out, and a reloaded config's session settings
// that can change without a restart. QuickFIX's own Session::logout()/logon() switch a session
// off and on: a disabled session answers a Logon by disconnecting ("not enabled for logon").

#include <spdlog/spdlog.h>

#include <chrono>

#include "fix/gateway.hpp"

namespace qd::fix {

namespace {

std::string pair_of(const SessionConfig& s) {
  return s.sender_comp_id + "->" + s.target_comp_id;
}

bool same_throttle(const ThrottleConfig& a, const ThrottleConfig& b) {
  return a.messages_per_second == b.messages_per_second && a.burst == b.burst &&
         a.logout_after_breaches == b.logout_after_breaches &&
         a.breach_window_s == b.breach_window_s;
}

int64_t steady_now_ns() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

}  // namespace

std::string Gateway::logout_session(std::string_view sender_comp_id, const std::string& reason) {
  SessionRuntime* s = runtime(session_number(sender_comp_id));
  if (s == nullptr) return "unknown session '" + std::string(sender_comp_id) + "'";
  if (!s->logged_on.load()) return "session '" + std::string(sender_comp_id) + "' is not logged on";
  FIX::Session* session = FIX::Session::lookupSession(s->id);
  if (session == nullptr) return "session '" + std::string(sender_comp_id) + "' has no connection";
  // Session::logout() also disables the session; onLogout enables it again for this case, as
  // after a throttle logout: the operator ends this connection, not the desk's access.
  s->throttle_logout = true;
  spdlog::warn("FIX {}: logged out by the operator: {}", s->id.toString(), reason);
  // Behind the session's queued reports, so the Logout never overtakes them.
  FIX::SessionID id = s->id;
  s->outbox.push([id, reason] {
    if (FIX::Session* q = FIX::Session::lookupSession(id)) q->logout(reason);
  });
  return {};
}

SessionChanges Gateway::apply_session_changes(const VenueConfig& next) {
  SessionChanges out;
  for (const SessionConfig& n : next.sessions) {
    SessionRuntime* s = runtime(session_number(n.sender_comp_id));
    const std::string name = "sessions[" + pair_of(n) + "]";
    if (s == nullptr || s->config.target_comp_id != n.target_comp_id) {
      out.restart.push_back(name +
                            " added: QuickFIX sessions are created when the listeners start");
      continue;
    }
    // Throttle: the bucket restarts full at the new rate. The reject Text quotes the limits the
    // session started with until a restart.
    {
      std::lock_guard lock(s->throttle_mu);
      if (s->throttle && n.throttle) {
        if (!same_throttle(s->throttle->config(), *n.throttle)) {
          s->throttle.emplace(*n.throttle, steady_now_ns());
          out.applied.push_back(name + ".throttle");
        }
      } else if (bool(s->throttle) != bool(n.throttle)) {
        out.restart.push_back(name + ".throttle: adding or removing a throttle needs a restart");
      }
    }
    FIX::Session* session = FIX::Session::lookupSession(s->id);
    if (session == nullptr) continue;  // not started: the config at start() applies
    const bool enabled_now = session->isEnabled() && s->config.enabled;
    if (n.enabled == enabled_now) continue;
    if (!n.enabled) {
      s->throttle_logout = false;  // stays disabled after this Logout
      FIX::SessionID id = s->id;
      s->outbox.push([id] {
        if (FIX::Session* q = FIX::Session::lookupSession(id))
          q->logout("session disabled by the venue");
      });
      spdlog::warn("FIX {}: disabled by a config reload", s->id.toString());
      out.applied.push_back(name + ".enabled");
    } else if (!s->config.enabled) {
      out.restart.push_back(name +
                            ".enabled: the session started disabled; enabling it needs a restart");
    } else {
      session->logon();
      spdlog::info("FIX {}: enabled again by a config reload", s->id.toString());
      out.applied.push_back(name + ".enabled");
    }
  }
  return out;
}

}  // namespace qd::fix
