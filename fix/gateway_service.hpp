#pragma once
// The seam between the gateway's session plumbing and the application services that sit on it
// (drop copy, reference data and account reports, market data). The Gateway owns the sessions
// (QuickFIX, authentication, throttle, outbox); a service answers the MsgTypes it declares and
// follows the engine's committed events. Order entry stays inside the Gateway itself.
//
// Threads: on_request runs on the session's QuickFIX connection thread; on_events runs on the
// engine's publisher thread, in sequence order, and must never block on a socket (queue on the
// session's Outbox instead); on_logon/on_logout run on the connection thread.

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "app/config/venue_config.hpp"
#include "core/event.hpp"
#include "core/ids.hpp"
#include "core/serialization.hpp"
#include "fix/directory.hpp"
#include "fix/outbox.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

/// What a service may know of and do with one configured session.
struct SessionHandle {
  SessionId number;                        ///< 1-based position in VenueConfig::sessions
  const SessionConfig& config;             ///< role, accounts, QuickFIX settings
  const FIX::SessionID& id;                ///< the QuickFIX session
  const std::vector<AccountId>& accounts;  ///< accounts it may act for / watch (resolved)
  Outbox& outbox;                          ///< ordered sends that never block the caller

  bool may_act_for(AccountId account) const;
  bool logged_on() const;
};

/// Everything the gateway shares with its services; outlives them.
struct GatewayContext {
  const VenueConfig& config;
  const Directory& directory;
  const FIX::DataDictionary& dictionary;
  /// Every configured session, index = number - 1.
  std::span<SessionHandle* const> sessions;
};

class GatewayService {
 public:
  virtual ~GatewayService() = default;

  /// True when this service answers inbound application messages of this MsgType (35).
  virtual bool handles(std::string_view msg_type) const = 0;
  /// Whether a session of this role may send msg_type (only asked for types it handles).
  /// Refused messages get a BusinessMessageReject (35=j) from the gateway; nothing else happens.
  virtual bool permitted(SessionRole role, std::string_view msg_type) const = 0;
  /// An inbound message it handles, already throttled, size- and role-checked.
  virtual void on_request(const FIX::Message& msg, SessionHandle& session) = 0;

  /// Committed events in sequence order. `live` is false while the journal is replayed before
  /// the gateway starts: rebuild state only, send nothing.
  virtual void on_events(std::span<const Event> events, bool live) = 0;

  /// What on_events built, for restart snapshots (app/gateway/venue_views.hpp): save_view on the
  /// publisher thread between batches, restore_view before any event. A service whose state is
  /// not built from events writes and reads nothing. restore_view throws std::runtime_error on
  /// malformed input.
  virtual void save_view(ByteWriter&) const {}
  virtual void restore_view(ByteReader&) {}

  /// Called by Gateway::start() before the listeners bind, and by stop() after they close.
  virtual void start() {}
  virtual void stop() {}

  virtual void on_logon(SessionHandle&) {}
  virtual void on_logout(SessionHandle&) {}
};

}  // namespace qd::fix
