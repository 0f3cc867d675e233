#pragma once
// A plain-TCP session's application messages written by the venue itself, with QuickFIX's
// session protocol intact.
//
// QuickFIX gives each outgoing message its sequence number, stored copy and log line in
// Session::sendRaw, under a lock of its own that nothing outside it can take. For a session
// carried by a SocketConnection every such call comes from one of two threads: the connection's
// own (Session::next: Logon, heartbeats, resends, session Rejects, Logout) and the session's
// outbox. The connection holds this wire's mutex around each of its calls into the session, and
// send() holds it while it does what sendRaw does, so the two never number a message alike.
//
// The outbox sends ExecutionReports here (fix/wire_message.hpp) instead of building a QuickFIX
// Message for each; every other message still goes through Session::send. TLS sessions are run
// by QuickFIX's own acceptor threads, which know nothing of this mutex, and never use it.

#include <functional>
#include <memory>
#include <mutex>

#include "fix/quickfix.hpp"
#include "fix/wire_message.hpp"

namespace qd::fix {

class SessionWire {
 public:
  /// Held by the session's connection thread around every call into the session.
  std::mutex& mutex() { return mu_; }

  /// The connection carrying the session, or nullptr when none does (mutex() held).
  void set_connection(std::shared_ptr<FIX::Responder> connection) {
    connection_ = std::move(connection);
  }

  /// Numbers and stores `message` as Session::sendRaw does for an application message, then
  /// logs it and writes it to the connection if the session is logged on. True when written.
  /// Throws FIX::IOException when the store fails (the message then has no number).
  bool send(FIX::Session& session, const WireMessage& message);

 private:
  std::mutex mu_;
  std::shared_ptr<FIX::Responder> connection_;
};

/// The wire of a session, nullptr for sessions that have none.
using WireLookup = std::function<SessionWire*(const FIX::SessionID&)>;

}  // namespace qd::fix
