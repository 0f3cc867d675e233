#include "app/admin/unix_socket.hpp"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace qd::admin {

namespace {

std::string errno_text(int e) {
  return std::strerror(e);
}

bool fill_address(const std::string& path, sockaddr_un& addr) {
  if (path.empty() || path.size() > max_socket_path()) return false;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return true;
}

/// True when something accepts connections at `path`.
bool someone_serves(const std::string& path) {
  std::string ignored;
  const int fd = connect_unix_socket(path, ignored);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

size_t max_socket_path() {
  return sizeof(sockaddr_un::sun_path) - 1;
}

UnixListener::UnixListener(const std::string& path) : path_(path) {
  if (path.size() > max_socket_path()) {
    throw std::runtime_error("admin socket " + path + ": path too long (" +
                             std::to_string(path.size()) + " bytes; at most " +
                             std::to_string(max_socket_path()) + ")");
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  std::filesystem::create_directories(parent);

  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      throw std::runtime_error("admin socket " + path +
                               " exists and is not a socket; refusing to replace it");
    }
    if (someone_serves(path)) {
      throw std::runtime_error("admin socket " + path +
                               " is in use by another process (is a gateway already running?)");
    }
    ::unlink(path.c_str());  // stale: left by a process that died without cleaning up
    removed_stale_ = true;
  }

  // Bound inside a fresh 0700 directory, chmod 0600, then hard-linked into place: there is no
  // moment when the socket can be opened by others, and link() never replaces an existing file.
  std::string tmp_dir = (parent / ".qdctl-XXXXXX").string();
  if (::mkdtemp(tmp_dir.data()) == nullptr) {
    throw std::runtime_error("admin socket " + path + ": cannot create a directory in " +
                             parent.string() + ": " + errno_text(errno));
  }
  const std::string tmp_path = tmp_dir + "/s";
  auto cleanup_tmp = [&] {
    ::unlink(tmp_path.c_str());
    ::rmdir(tmp_dir.c_str());
  };
  sockaddr_un addr{};
  if (!fill_address(tmp_path, addr)) {
    cleanup_tmp();
    throw std::runtime_error("admin socket " + path + ": path too long to bind safely");
  }
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    cleanup_tmp();
    throw std::runtime_error("admin socket: socket(): " + errno_text(errno));
  }
  auto fail = [&](const std::string& what) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    cleanup_tmp();
    throw std::runtime_error("admin socket " + path + ": " + what + ": " + errno_text(e));
  };
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::chmod(tmp_path.c_str(), 0600) != 0) fail("chmod");
  if (::listen(fd_, 16) != 0) fail("listen");
  if (::link(tmp_path.c_str(), path.c_str()) != 0) {
    fail(errno == EEXIST ? "appeared while starting (another process?)" : "link");
  }
  cleanup_tmp();
  if (::lstat(path.c_str(), &st) == 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
}

UnixListener::~UnixListener() {
  if (fd_ >= 0) ::close(fd_);
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) {
    ::unlink(path_.c_str());
  }
}

int connect_unix_socket(const std::string& path, std::string& error) {
  sockaddr_un addr{};
  if (!fill_address(path, addr)) {
    error = "socket path empty or too long: " + path;
    return -1;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket(): " + errno_text(errno);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    error = "cannot connect to " + path + ": " + errno_text(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

std::optional<PeerCredentials> peer_credentials(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
    return std::nullopt;
  }
  return PeerCredentials{cred.pid, cred.uid, cred.gid};
}

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

bool read_line(int fd, std::string& buffer, std::string& line, size_t max_bytes,
               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const size_t eol = buffer.find('\n');
    if (eol != std::string::npos) {
      line = buffer.substr(0, eol);
      buffer.erase(0, eol + 1);
      return line.size() <= max_bytes;
    }
    if (buffer.size() > max_bytes) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, int(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, size_t(n));
  }
}

}  // namespace qd::admin
