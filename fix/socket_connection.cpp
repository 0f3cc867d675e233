#include "fix/socket_connection.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace qd::fix {
namespace {

// QuickFIX's own idle tick: a session's timers run once a second without input.
constexpr int kIdleTickMs = 1000;
// A desk reconnecting after a drop may find its old connection not yet gone: QuickFIX waits up
// to five seconds for the session to free up before refusing the new one.
constexpr int kAttachAttempts = 5;
constexpr size_t kReadChunk = 64 * 1024;
// A connection that names no session within this long is closed: each holds a thread, and one
// that never speaks would hold it for good.
constexpr auto kFirstMessageTimeout = std::chrono::seconds(10);
// A peer whose bytes never make a whole message (a BodyLength of gigabytes, a stream of junk)
// would otherwise have them buffered without bound. The gateway refuses messages far smaller
// than this (max_message_bytes) with a reject; this only bounds memory.
constexpr size_t kMaxUnframedBytes = 1 << 20;
// A batch writes at once past this many bytes: the sender then blocks on a desk that does not
// read, as it would without batches, so its queues grow and are conflated (market data) instead
// of this buffer.
constexpr size_t kMaxHeldBackBytes = 64 * 1024;

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

SocketConnection::SocketConnection(int fd, std::set<FIX::SessionID> sessions,
                                   FIX::Log& acceptor_log, WireLookup wires)
    : fd_(fd),
      sessions_(std::move(sessions)),
      acceptor_log_(acceptor_log),
      wires_(std::move(wires)) {}

SocketConnection::~SocketConnection() {
  ::close(fd_);
}

void SocketConnection::run() {
  FIX::Parser parser;
  std::vector<char> chunk(kReadChunk);
  const auto opened = std::chrono::steady_clock::now();
  try {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, kIdleTickMs);
      if (ready < 0) {
        if (errno == EINTR) continue;
        lost(errno_text("poll failed"));
        break;
      }
      if (ready == 0) {
        if (session_) {
          auto wire = hold_wire();
          session_->next();
        } else if (std::chrono::steady_clock::now() - opened > kFirstMessageTimeout) {
          acceptor_log_.onEvent("a connection sent no whole FIX message in " +
                                std::to_string(kFirstMessageTimeout.count()) + " s; closed");
          close_socket();
        }
        if (we_closed_) break;
        continue;
      }
      const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        lost(n == 0 ? std::string("Connection closed by the peer") : errno_text("recv failed"));
        break;
      }
      parser.addToStream(chunk.data(), size_t(n));
      unframed_ += size_t(n);
      bool open;
      {
        // One store write for the sequence numbers of everything this read held (a desk
        // pipelining orders sends dozens per read), not one per message. A crash before it is
        // written only makes the venue ask for those messages again, and a resent order is
        // never executed twice (PossDupFlag, ClOrdID uniqueness).
        OutboundBatch batch;
        open = deliver(parser);
      }
      if (!open) break;
      if (unframed_ > kMaxUnframedBytes) {
        if (!session_)
          acceptor_log_.onEvent("a connection sent " + std::to_string(unframed_) +
                                " bytes without a whole FIX message; closed");
        lost("no whole FIX message in the last " + std::to_string(unframed_) +
             " bytes; closing the connection");
        break;
      }
    }
  } catch (const std::exception& e) {
    // Nothing QuickFIX or the application throws may take the process down with it.
    lost(std::string("connection failed: ") + e.what());
  }
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    pending_.clear();
  }
  if (session_) {
    // The session must not point at this connection once it is gone (Session::disconnect clears
    // its responder under the session's lock), nor its wire.
    auto wire = hold_wire();
    if (!session_let_go_) session_->disconnect();
    if (wire_) wire_->set_connection(nullptr);
    FIX::Session::unregisterSession(session_->getSessionID());
  }
}

bool SocketConnection::deliver(FIX::Parser& parser) {
  std::string message;
  for (;;) {
    try {
      if (!parser.readFixMessage(message)) return true;
    } catch (const FIX::MessageParseError&) {
      continue;  // the parser has skipped the garbled bytes; the next message may be whole
    }
    unframed_ = 0;
    if (!session_ && !attach(message)) {
      close_socket();
      return false;
    }
    try {
      auto wire = hold_wire();
      session_->next(message, FIX::UtcTimeStamp());
    } catch (const FIX::InvalidMessage&) {
      if (!session_->isLoggedOn()) {
        close_socket();
        return false;
      }
    }
    if (we_closed_) return false;  // the session closed the connection (Logout, refused Logon)
  }
}

bool SocketConnection::attach(const std::string& first_message) {
  FIX::Session* found = FIX::Session::lookupSession(first_message, true);
  if (!found || !sessions_.count(found->getSessionID())) {
    acceptor_log_.onEvent("Session not found for incoming message: " + first_message);
    acceptor_log_.onIncoming(first_message);
    return false;
  }
  const FIX::SessionID id = found->getSessionID();
  SessionWire* wire = wires_ ? wires_(id) : nullptr;
  for (int attempt = 0; attempt < kAttachAttempts && !session_; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
    session_ = FIX::Session::registerSession(id);
  }
  if (!session_) {
    acceptor_log_.onEvent("Session " + id.toString() +
                          " is still connected elsewhere; refusing the new connection");
    return false;
  }
  wire_ = wire;
  auto held = hold_wire();
  session_->setResponder(this);
  if (wire_) wire_->set_connection(shared_from_this());
  return true;
}

std::unique_lock<std::mutex> SocketConnection::hold_wire() {
  return wire_ ? std::unique_lock(wire_->mutex()) : std::unique_lock<std::mutex>();
}

void SocketConnection::lost(const std::string& reason) {
  if (we_closed_) return;  // the connection closed the socket itself
  if (session_) {
    auto wire = hold_wire();
    session_->getLog()->onEvent(reason);
    session_->disconnect();
  } else {
    close_socket();
  }
}

bool SocketConnection::send(const std::string& message) {
  std::lock_guard lock(mu_);
  if (closing_) return false;
  pending_ += message;
  if (OutboundBatch* batch = OutboundBatch::current()) {
    // A pass's first message goes at once: a desk waiting on a lone order gets its answer
    // without waiting for the rest of the pass to be built.
    const bool first = batch->enlist_connection(shared_from_this());
    if (!first && pending_.size() < kMaxHeldBackBytes) return true;
    batch->write_stores();  // their stored copies first
  }
  return write_pending();
}

void SocketConnection::write_deferred() {
  std::lock_guard lock(mu_);
  if (!closing_ && !pending_.empty()) write_pending();
}

bool SocketConnection::write_pending() {
  const char* data = pending_.data();
  size_t left = pending_.size();
  while (left > 0) {
    const ssize_t n = ::send(fd_, data, left, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // What was not written stays in the session's store for its resend; the reader sees the
      // socket close and disconnects the session.
      if (session_) session_->getLog()->onEvent(errno_text("send failed"));
      closing_ = true;
      pending_.clear();
      ::shutdown(fd_, SHUT_RDWR);
      return false;
    }
    data += n;
    left -= size_t(n);
  }
  pending_.clear();
  return true;
}

void SocketConnection::disconnect() {
  session_let_go_ = true;
  {
    std::lock_guard lock(mu_);
    if (!closing_ && !pending_.empty()) {
      // What is held back goes out first (often the Logout explaining this), and its stored
      // copies before it.
      if (OutboundBatch* batch = OutboundBatch::current()) batch->write_stores();
      write_pending();
    }
  }
  close_socket();
}

void SocketConnection::close_socket() {
  we_closed_ = true;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  ::shutdown(fd_, SHUT_RDWR);
}

void SocketConnection::shutdown() {
  ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace qd::fix
