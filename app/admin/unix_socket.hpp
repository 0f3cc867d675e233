#pragma once
// The admin channel's transport: a Unix domain stream socket that only its owner can open (mode
// 0600), with the peer's credentials taken from the kernel (SO_PEERCRED), and one JSON object
// per line in each direction.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace qd::admin {

/// Who is on the other end of a connection, as the kernel reports it.
struct PeerCredentials {
  pid_t pid = -1;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

/// A listening socket bound at a path, removed again on destruction (only if the path still is
/// the socket this object created).
class UnixListener {
 public:
  /// Binds `path` with mode 0600 (the socket never exists with wider permissions: it is bound
  /// in a private directory and then hard-linked into place). A stale socket (nobody accepts on
  /// it) is removed first. Throws std::runtime_error when the path is too long, exists and is
  /// not a socket, is a socket someone still serves, or cannot be created.
  explicit UnixListener(const std::string& path);
  ~UnixListener();
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  /// True when a stale socket (left by a process that died) was removed first.
  bool removed_stale() const { return removed_stale_; }

 private:
  std::string path_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  bool removed_stale_ = false;
};

/// Longest path a sockaddr_un holds (without its terminating NUL).
size_t max_socket_path();

/// Connects to the socket at `path`; the fd, or -1 and `error` says why.
int connect_unix_socket(const std::string& path, std::string& error);

/// The connected peer's pid/uid/gid; nullopt when the kernel does not say.
std::optional<PeerCredentials> peer_credentials(int fd);

/// Writes all of `data`; false on error (EPIPE included: SIGPIPE is never raised).
bool write_all(int fd, const std::string& data);

/// Reads up to and excluding the next '\n' into `line`, keeping what follows in `buffer`.
/// False on EOF before a newline, on error, on a line over `max_bytes`, or after `timeout`.
bool read_line(int fd, std::string& buffer, std::string& line, size_t max_bytes,
               std::chrono::milliseconds timeout);

}  // namespace qd::admin
