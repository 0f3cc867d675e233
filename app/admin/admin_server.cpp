#include "app/admin/admin_server.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "app/admin/log_fields.hpp"

namespace qd::admin {

namespace {

using nlohmann::json;

constexpr size_t kMaxLine = 64 * 1024;
constexpr size_t kMaxClients = 32;
constexpr auto kIdleTimeout = std::chrono::seconds(60);

std::string peer_fields(const AuditOrigin& o) {
  if (!o.peer) return "peer_uid=unknown peer_pid=unknown";
  return "peer_uid=" + std::to_string(o.peer->uid) + " peer_pid=" + std::to_string(o.peer->pid);
}

std::string arg_fields(const json& args) {
  std::string out;
  if (!args.is_object()) return out;
  const json shown = redact_secrets(args);
  for (const auto& [k, v] : shown.items()) {
    out += " arg." + k + "=" + kv(v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

}  // namespace

struct AdminServer::Client {
  int fd = -1;
  std::string buffer;
  std::optional<PeerCredentials> peer;
  std::chrono::steady_clock::time_point last_activity;
};

std::string audit_path(const VenueConfig& config) {
  return (std::filesystem::path(config.venue.data_dir) / "audit.db").string();
}

AdminServer::AdminServer(Venue& venue, std::string config_path, AdminHooks hooks)
    : venue_(venue),
      audit_(audit_path(venue.config())),
      reloader_(std::move(config_path), venue.config(), venue.sequencer()),
      service_(venue, reloader_, std::move(hooks)),
      listener_(venue.config().admin.socket) {
  reloader_.set_settlement(venue.settlement());
  reloader_.set_gateway(&venue.gateway());
  // Before the engine starts, so these are the first commands after the replay.
  reloader_.align_engine_at_start(venue.replayed().commands == 0);
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error("admin: pipe2 failed");
  }
}

AdminServer::~AdminServer() {
  stop();
  for (int fd : wake_) {
    if (fd >= 0) ::close(fd);
  }
}

void AdminServer::start() {
  if (listener_.removed_stale()) {
    spdlog::warn("event=admin_stale_socket_removed socket={}", kv(listener_.path()));
  }
  thread_ = std::thread([this] { loop(); });
  spdlog::info("event=admin_listening socket={} audit={}", kv(listener_.path()), kv(audit_.path()));
}

void AdminServer::stop() {
  if (stopping_.exchange(true)) return;
  const char b = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_[1], &b, 1);
  if (thread_.joinable()) thread_.join();
}

void AdminServer::audit_and_log(const AuditRecord& r) {
  spdlog::info("event=admin_command channel={} {} command={}{} outcome={} detail={}",
               r.origin.channel, peer_fields(r.origin), kv(r.command), arg_fields(r.args),
               r.outcome, kv(r.detail));
  audit_.record(r);
}

ReloadOutcome AdminServer::reload_from_signal(pid_t sender_pid, uid_t sender_uid) {
  ReloadOutcome out = reloader_.reload("signal");
  AuditRecord r;
  r.origin = {"signal", PeerCredentials{sender_pid, sender_uid, static_cast<gid_t>(-1)}};
  r.command = "reload";
  r.outcome = out.valid ? "ok" : "error";
  r.detail = out.summary();
  try {
    audit_and_log(r);
  } catch (const std::exception& e) {
    spdlog::error("event=audit_failed command=reload error={}", kv(e.what()));
  }
  return out;
}

std::string AdminServer::handle_line(const std::string& line,
                                     const std::optional<PeerCredentials>& peer) {
  AuditRecord rec;
  rec.origin = {"socket", peer};
  json response;
  const json request = json::parse(line, nullptr, false);
  const bool permitted = peer && (peer->uid == ::geteuid() || peer->uid == 0);
  if (request.is_discarded() || !request.is_object() || !request.contains("command") ||
      !request["command"].is_string()) {
    rec.command = "(invalid)";
    rec.outcome = "error";
    rec.detail = "request is not a JSON object with a string 'command'";
    response = {{"ok", false}, {"error", rec.detail}};
  } else {
    rec.command = request["command"].get<std::string>();
    if (request.contains("args") && request["args"].is_object()) rec.args = request["args"];
    if (!permitted) {
      rec.outcome = "denied";
      rec.detail = "peer uid is neither the gateway's user nor root";
      response = {{"ok", false}, {"error", "permission denied"}};
    } else {
      AdminResponse r = service_.handle(rec.command, rec.args);
      rec.outcome = r.ok ? "ok" : "error";
      rec.detail = r.summary;
      response = {{"ok", r.ok}, {"result", r.result}};
      if (!r.ok) response["error"] = r.error;
    }
  }
  try {
    audit_and_log(rec);
  } catch (const std::exception& e) {
    spdlog::error("event=audit_failed command={} error={}", kv(rec.command), kv(e.what()));
    const std::string done = response.value("ok", false) ? "it was carried out" : "it failed";
    response = {{"ok", false},
                {"error", std::string("the audit log could not record this request (") + e.what() +
                              "); " + done}};
  }
  return response.dump(-1, ' ', false, json::error_handler_t::replace);
}

void AdminServer::loop() {
  std::vector<Client> clients;
  auto close_client = [&](size_t i) {
    ::close(clients[i].fd);
    clients.erase(clients.begin() + long(i));
  };
  while (!stopping_.load()) {
    std::vector<pollfd> fds;
    fds.push_back({wake_[0], POLLIN, 0});
    fds.push_back({listener_.fd(), POLLIN, 0});
    for (const Client& c : clients) fds.push_back({c.fd, POLLIN, 0});
    const int r = ::poll(fds.data(), fds.size(), 1000);
    if (r < 0 && errno != EINTR) {
      spdlog::error("event=admin_poll_failed error={}", kv(std::strerror(errno)));
      break;
    }
    if (stopping_.load()) break;
    const auto now = std::chrono::steady_clock::now();
    // Existing clients first (their indexes match fds[2..]), newest last.
    for (size_t i = clients.size(); i-- > 0;) {
      Client& c = clients[i];
      const short ev = fds[2 + i].revents;
      if (ev == 0) {
        if (now - c.last_activity > kIdleTimeout) close_client(i);
        continue;
      }
      char chunk[4096];
      const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) {
        close_client(i);
        continue;
      }
      c.buffer.append(chunk, size_t(n));
      c.last_activity = now;
      bool keep = true;
      size_t eol;
      while (keep && (eol = c.buffer.find('\n')) != std::string::npos) {
        const std::string line = c.buffer.substr(0, eol);
        c.buffer.erase(0, eol + 1);
        keep = write_all(c.fd, handle_line(line, c.peer) + "\n");
      }
      if (keep && c.buffer.size() > kMaxLine) {
        write_all(c.fd, json({{"ok", false}, {"error", "request line too long"}}).dump() + "\n");
        keep = false;
      }
      if (!keep) close_client(i);
    }
    if (fds[1].revents & POLLIN) {
      const int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        if (clients.size() >= kMaxClients) {
          ::close(fd);
        } else {
          timeval tv{5, 0};  // a client that stops reading cannot hold the admin thread
          ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
          clients.push_back({fd, {}, peer_credentials(fd), now});
        }
      }
    }
  }
  for (Client& c : clients) ::close(c.fd);
}

}  // namespace qd::admin
