#pragma once
// Every admin action, one row each, in its own SQLite file (<data_dir>/audit.db, WAL, mode
// 0600), apart from the journal: the journal records what the engine did, this records who asked
// for what. Operators query it with sqlite3:
//
//   sqlite3 data/audit.db "SELECT time_utc, peer_uid, command, args, outcome FROM admin_audit"
//
// Arguments are stored as JSON with secrets removed (redact_secrets). State-changing actions
// are also in the journal, because they reach the engine as sequenced commands.

#include <sqlite3.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "app/admin/unix_socket.hpp"

namespace qd::admin {

/// Where an action came from.
struct AuditOrigin {
  std::string channel;  ///< "socket" (qdctl) or "signal" (SIGHUP)
  std::optional<PeerCredentials> peer;
};

struct AuditRecord {
  AuditOrigin origin;
  std::string command;  ///< e.g. "market.halt"
  nlohmann::json args = nlohmann::json::object();
  std::string outcome;  ///< "ok", "error" or "denied"
  std::string detail;   ///< the error, or a one-line summary of the result
};

class AuditLog {
 public:
  /// Opens or creates the file and the admin_audit table. Throws std::runtime_error naming the
  /// file on failure.
  explicit AuditLog(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Appends one row (thread-safe). Throws std::runtime_error when the row cannot be written:
  /// an action that cannot be audited must not be reported as done.
  void record(const AuditRecord& r);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::mutex mu_;
};

/// A copy of `args` with the value of every key that names a secret (password, secret, token,
/// key, credential, case-insensitive, at any depth) replaced by "[redacted]".
nlohmann::json redact_secrets(const nlohmann::json& args);

/// "2024-05-01T12:00:00.123Z" for a time in ns since the epoch.
std::string utc_text(int64_t ns);

}  // namespace qd::admin
