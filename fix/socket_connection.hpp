#pragma once
// One desk's TCP connection to a SocketAcceptor: reads FIX messages off the socket into the
// QuickFIX session they name, and is that session's Responder (what QuickFIX sends through).
//
// Why not QuickFIX's ThreadedSocketConnection: it writes every message with its own send(),
// and a loopback send is the largest single cost of an ExecutionReport on this machine. Here the
// first message handed over inside an OutboundBatch (the outbox's pass) is written at once (a
// desk waiting on a lone order gets its answer first) and the pass's later ones together in one
// send() when it ends (at most 64 KiB are held back: past that the batch's
// writer blocks on a desk that does not read, as without batches); any other send first writes
// what is held back, so the bytes on the wire are always in QuickFIX's sequence order.
//
// The session protocol is QuickFIX's: the first message names the session (Session::
// lookupSession), which is registered to this connection; every message then goes to
// Session::next, and a second without input drives the session's timers (heartbeats, test
// requests, logon and logout timeouts). Every call into the session holds the session's wire
// (fix/session_wire.hpp), through which the outbox numbers and writes reports itself.

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "fix/outbound_batch.hpp"
#include "fix/quickfix.hpp"
#include "fix/session_wire.hpp"

namespace qd::fix {

class SocketConnection final : public FIX::Responder,
                               public DeferredWriter,
                               public std::enable_shared_from_this<SocketConnection> {
 public:
  /// `fd` is a connected socket, owned (closed) by the connection; `sessions` are the ones its
  /// listener serves; `acceptor_log` hears of messages that name no such session; `wires`
  /// gives each session's wire (none: the session has no wire).
  SocketConnection(int fd, std::set<FIX::SessionID> sessions, FIX::Log& acceptor_log,
                   WireLookup wires = {});
  ~SocketConnection() override;
  SocketConnection(const SocketConnection&) = delete;
  SocketConnection& operator=(const SocketConnection&) = delete;

  /// Reads until the desk or the session closes the connection (or shutdown()), then detaches
  /// from the session. Runs on the connection's own thread.
  void run();

  /// Ends run() from outside (the acceptor stopping): the reader sees the socket close.
  void shutdown();

  // FIX::Responder: called by QuickFIX under the session's lock.
  bool send(const std::string& message) override;
  void disconnect() override;

  void write_deferred() override;

 private:
  /// Hands every whole message read so far to the session; false once the connection is done.
  bool deliver(FIX::Parser& parser);
  /// Registers the session the first message names to this connection.
  bool attach(const std::string& first_message);
  /// The reader's end: the socket failed or the desk closed it.
  void lost(const std::string& reason);
  /// Holds the session's wire (when it has one) for a call into the session.
  std::unique_lock<std::mutex> hold_wire();
  /// Writes pending_ (mu_ held); false when the socket failed.
  bool write_pending();
  /// Closes the socket for both directions; the reader then ends.
  void close_socket();

  const int fd_;
  const std::set<FIX::SessionID> sessions_;
  FIX::Log& acceptor_log_;
  const WireLookup wires_;
  FIX::Session* session_ = nullptr;  // set once by the reader
  SessionWire* wire_ = nullptr;      // the session's wire, set with session_
  size_t unframed_ = 0;              // bytes read since the last whole message (reader only)

  std::mutex mu_;
  std::string pending_;   // bytes held back by a batch, in sequence order
  bool closing_ = false;  // closed, or a write failed: nothing more is sent
  // Set when the connection closed the socket itself: the reader's end is then expected.
  std::atomic<bool> we_closed_{false};
  // Set when QuickFIX let go of this connection (Session::disconnect, the only caller of
  // disconnect()): the session no longer points at it.
  std::atomic<bool> session_let_go_{false};
};

}  // namespace qd::fix
