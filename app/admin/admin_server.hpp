#pragma once
// The admin socket inside the gateway: a Unix domain socket at admin.socket (mode 0600), one
// JSON request per line, one JSON response per line, served on its own thread.
//
//   request:  {"command": "market.halt", "args": {"symbol": "BTC-PERP"}}
//   response: {"ok": true, "result": {...}}  or  {"ok": false, "error": "...", "result": {...}}
//
// Only the gateway's own user (or root) is served; the peer's uid and pid come from the kernel
// (SO_PEERCRED). Every request, refused ones included, is audited (audit_log.hpp) and logged as
// one key=value line. SIGHUP reaches the same reload path through reload_from_signal.

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "app/admin/admin_service.hpp"
#include "app/admin/audit_log.hpp"
#include "app/admin/config_reloader.hpp"
#include "app/admin/unix_socket.hpp"
#include "app/gateway/venue.hpp"

namespace qd::admin {

/// <data_dir>/audit.db
std::string audit_path(const VenueConfig& config);

class AdminServer {
 public:
  /// Opens the audit log and binds the socket (nothing is served before start()). Throws
  /// std::runtime_error when either fails, e.g. the socket path exists and is not a stale socket.
  /// `config_path` is the file the gateway was started with ("" = embedded quickstart).
  /// Construct it after the venue replayed and before Venue::start(): it queues the config
  /// commands that must come first (ConfigReloader::align_engine_at_start).
  AdminServer(Venue& venue, std::string config_path, AdminHooks hooks = {});
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  void start();
  /// Stops serving and removes the socket. Idempotent.
  void stop();

  /// SIGHUP: the same reload `qdctl reload` runs, audited with the signal sender's pid and uid.
  ReloadOutcome reload_from_signal(pid_t sender_pid, uid_t sender_uid);

  const std::string& socket_path() const { return listener_.path(); }

 private:
  struct Client;
  void loop();
  /// Handles one request line; returns the response line (without '\n').
  std::string handle_line(const std::string& line, const std::optional<PeerCredentials>& peer);
  void audit_and_log(const AuditRecord& r);

  Venue& venue_;
  AuditLog audit_;
  ConfigReloader reloader_;
  AdminService service_;
  UnixListener listener_;
  int wake_[2] = {-1, -1};  ///< self-pipe: stop() wakes the poll loop
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace qd::admin
