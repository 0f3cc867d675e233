#pragma once
// The inbound audit trail: every application message a session sends is recorded with the
// session, the gateway's receive time, MsgType, its key ids, the raw message (Password and
// NewPassword redacted) and what the gateway did with it: submitted to the engine, rejected
// (with the reason), answered by the gateway itself (status requests), or ignored (a possible
// duplicate already received). Table `audit` in its own SQLite file (fix/README.md has queries).
//
// Latency: the connection thread only copies the message into a queue (AuditScope); a writer
// thread extracts the fields and commits whatever has accumulated in one transaction
// (synchronous=NORMAL in WAL: a committed row survives a process crash, not a power loss).
// Guarantee: a row is committed within one writer transaction of the message being handled
// (typically well under a millisecond of writer work); a crash loses only rows still queued;
// stop() and the destructor write every queued row. The journal's `commands` table remains the
// authoritative record of what reached the engine.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "fix/quickfix.hpp"

struct sqlite3;

namespace qd::fix {

enum class AuditOutcome : uint8_t {
  answered,   ///< handled by the gateway without the engine (status requests, services)
  submitted,  ///< a command was queued for the engine
  rejected,   ///< refused (reason says why); nothing reached the engine
  ignored,    ///< a possible duplicate of a message already received
};
const char* to_string(AuditOutcome o);

/// One inbound message as the writer stores it. The connection thread fills it with the few
/// fields the table keeps and the message's text, never with a copy of the parsed message
/// (QuickFIX 1.15's Message cannot be moved; a deep copy per hop was most of the audit's cost).
struct AuditEntry {
  std::string raw;  ///< the bytes received (secrets redacted by the writer)
  std::string msg_type, msg_seq_num, cl_ord_id, orig_cl_ord_id, order_id, account, symbol;
  std::string request_id;  ///< OrdStatusReqID (790) or MassStatusReqID (584)
  std::string session;     ///< SenderCompID
  SessionId session_number = 0;
  TimestampNs received_ns = 0;  ///< gateway wall clock at fromApp
  AuditOutcome outcome = AuditOutcome::answered;
  std::string reason;
};

class AuditTrail {
 public:
  /// Opens or creates the audit file. Throws std::runtime_error naming it on failure.
  /// Beyond `max_queued` rows waiting for the writer, new rows are counted in dropped() and
  /// logged instead of growing memory without bound (the disk stalls, order entry does not).
  explicit AuditTrail(const std::string& path, size_t max_queued = 1'000'000);
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  /// Queues a row; never waits for the disk.
  void record(AuditEntry entry);
  /// Blocks until every row recorded before the call is committed.
  void flush();

  uint64_t written() const;
  uint64_t dropped() const;
  const std::string& path() const { return path_; }

 private:
  void run();
  void write(std::vector<AuditEntry>& rows);

  std::string path_;
  size_t max_queued_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  std::vector<AuditEntry> queue_;
  uint64_t queued_total_ = 0;   ///< under mu_
  uint64_t written_total_ = 0;  ///< under mu_ (rows handled by the writer, committed or failed)
  uint64_t committed_ = 0;      ///< under mu_
  uint64_t dropped_ = 0;        ///< under mu_
  bool stop_ = false;
  std::thread writer_;
};

/// Connection thread, from the session log's onIncoming: keeps the text of an inbound application
/// message so the AuditScope opened for it records the bytes received without serialising the
/// parsed message again. Session-level messages (Logon with its password among them) are not kept.
void note_inbound_text(const std::string& text);

/// The outcome of the message being handled on this thread, recorded when the scope ends.
/// The gateway opens one per inbound application message; the static setters are no-ops on a
/// thread without one (e.g. cancel-on-disconnect submitted by the maintenance thread).
class AuditScope {
 public:
  AuditScope(AuditTrail* trail, const FIX::Message& msg, std::string session, SessionId number);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  static void submitted();
  static void rejected(std::string_view reason);
  static void ignored(std::string_view reason);

 private:
  static void set(AuditOutcome o, std::string_view reason);
  AuditTrail* trail_;
  AuditEntry entry_;
  AuditScope* previous_;
};

}  // namespace qd::fix
