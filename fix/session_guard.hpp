#pragma once
// Fences around two QuickFIX 1.15.1 behaviours, per session.
//
// 1. ResetSeqNumFlag before authentication. Session::nextLogon resets the message store
//    (sequence numbers and every stored outgoing message) when a Logon carries 141=Y, or when
//    ResetOnLogon is set, *before* it calls Application::fromAdmin, where credentials are
//    checked. Rejecting the Logon there is too late: anyone who knows the CompIDs could wipe a
//    desk's sequence numbers and the ExecutionReports waiting for resend. ResetOnDisconnect
//    resets too when such a refused connection drops.
//    The fence: QuickFIX hands every inbound message to the session's Log (onIncoming) before it
//    parses it. GuardedLog authenticates a Logon right there (logon_auth.hpp) and records the
//    verdict; GuardedStore refuses reset() while the verdict is "denied", and the refusal lasts
//    until the next Logon attempt. fromAdmin then rejects the Logon with the verdict's reason
//    (argon2id runs once). An authenticated 141=Y resets as FIX specifies.
//    Side effect: a refused 141=Y Logon whose MsgSeqNum is below the venue's expected number is
//    answered by QuickFIX's sequence check ("MsgSeqNum too low") rather than the credential
//    reason; nothing is reset either way and the attempt is logged with its reason.
// 2. Secrets in logs. QuickFIX logs inbound messages verbatim, Logon Password (554) included,
//    and the acceptor logs the raw text of messages for unknown sessions. Every text that
//    reaches a log passes redact_secrets() first.
//
// Argon2id is slow by design; it runs on the connection's own thread (the acceptor is
// thread-per-connection), holding only that session's QuickFIX state lock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/config/venue_config.hpp"
#include "fix/logon_auth.hpp"
#include "fix/message_log.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

class SessionGuard {
 public:
  explicit SessionGuard(const SessionConfig& config);

  /// Every inbound raw message of the session, before QuickFIX parses it. Never throws.
  void on_incoming(const std::string& raw) noexcept;

  /// False while the last Logon attempt was refused: the store keeps its sequence numbers and
  /// messages.
  bool reset_allowed() const;

  /// The verdict on the Logon QuickFIX is processing now (from on_incoming), or a fresh check of
  /// `logon` when none is pending. Marks the session authenticated on success.
  AuthResult verdict_for(const FIX::Message& logon);

  /// Size in bytes of the last inbound message (oversized-message guard).
  size_t last_incoming_size() const { return last_size_.load(std::memory_order_relaxed); }

  /// Number of resets refused so far (tests, metrics).
  uint64_t refused_resets() const { return refused_resets_.load(); }
  void count_refused_reset() { refused_resets_.fetch_add(1); }

 private:
  AuthResult check(const LogonFields& logon, const std::optional<std::string>& heart_bt_int);

  const SessionConfig& config_;
  mutable std::mutex mu_;
  enum class State : uint8_t { open, logon_accepted, logon_denied } state_ = State::open;
  std::optional<AuthResult> pending_;
  TimestampNs last_signed_ns_ = 0;
  std::atomic<size_t> last_size_{0};
  std::atomic<uint64_t> refused_resets_{0};
};

/// Looks up the guard of a session; nullptr for sessions the gateway does not know.
using GuardLookup = std::function<SessionGuard*(const FIX::SessionID&)>;

/// MessageStore factory whose stores refuse reset() while their session's guard says so.
class GuardedStoreFactory : public FIX::MessageStoreFactory {
 public:
  GuardedStoreFactory(std::unique_ptr<FIX::MessageStoreFactory> inner, GuardLookup guards);
  FIX::MessageStore* create(const FIX::SessionID& id) override;
  void destroy(FIX::MessageStore* store) override;

 private:
  std::unique_ptr<FIX::MessageStoreFactory> inner_;
  GuardLookup guards_;
};

/// Log factory: per-session file logs written in the background (message_log.hpp; secrets
/// redacted, inbound Logons pre-authenticated) and a global log that forwards redacted events to
/// the process log.
class GuardedLogFactory : public FIX::LogFactory {
 public:
  GuardedLogFactory(const FIX::SessionSettings& settings, GuardLookup guards);
  FIX::Log* create() override;
  FIX::Log* create(const FIX::SessionID& id) override;
  void destroy(FIX::Log* log) override;

 private:
  BufferedFileLogFactory files_;
  GuardLookup guards_;
};

}  // namespace qd::fix
