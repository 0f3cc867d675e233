#pragma once
// A real `quantdesk` process on a temp config (free loopback ports, temp data dir, its own admin
// socket), driven by real `qdctl` invocations and real FIX initiators. Every test gets its own
// venue and cleans up its processes and files.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "app/admin/unix_socket.hpp"
#include "fix/fix_time.hpp"
#include "fix/initiator.hpp"

extern char** environ;

namespace qd::ops_test {

using namespace std::chrono_literals;
using nlohmann::json;

// The quickstart's demo credentials (config/quickstart.yaml comments): real argon2id hashes.
inline constexpr const char* kDeskAPassword = "desk-a-demo";
inline constexpr const char* kDeskBPassword = "desk-b-demo";
inline constexpr const char* kCompliancePassword = "compliance-demo";
inline constexpr const char* kDeskAHash =
    "$argon2id$v=19$m=65536,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/"
    "FICPTI";
inline constexpr const char* kDeskBHash =
    "$argon2id$v=19$m=65536,t=2,p=1$34ZfWVlP4+DI69AFcoLebA$VkPsK8Equ6QH7LbOq+6abweRPalsjZt/"
    "zgCsq9pg+aQ";
inline constexpr const char* kComplianceHash =
    "$argon2id$v=19$m=65536,t=2,p=1$XmfkVUs6eIa3ER3UxB6O9w$Tnc+"
    "MRl3TfFJ3OhLztL2brvwtZ65NxoX2OnoCBzfgsA";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string make_temp_dir() {
  // Short: the admin socket path must fit a sockaddr_un.
  std::string tmpl = "/tmp/qdops-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

inline uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

inline std::string base64(const uint8_t* data, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

/// Bitcoin/Solana base58 (how Solana tools print a secret key).
inline std::string base58(const uint8_t* data, size_t n) {
  static const char* alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::vector<uint8_t> digits;  // base 58, little endian
  for (size_t i = 0; i < n; ++i) {
    int carry = data[i];
    for (uint8_t& d : digits) {
      carry += 256 * d;
      d = uint8_t(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(uint8_t(carry % 58));
      carry /= 58;
    }
  }
  std::string out;
  for (size_t i = 0; i < n && data[i] == 0; ++i) out += '1';
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += alphabet[*it];
  return out;
}

inline std::string hex(const uint8_t* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.resize(n * 2);
  return out;
}

/// fork + exec with stdin/stdout/stderr from files and an optional working directory. The child
/// gets SIGKILL when the test process dies, so a crashed test leaves no gateway or Prometheus
/// running. Only async-signal-safe calls between fork and exec.
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& in,
                   const std::string& out, const std::string& err, int out_flags,
                   const std::string& cwd = "") {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  const int i = ::open(in.c_str(), O_RDONLY);
  const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | out_flags, 0600);
  const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | out_flags, 0600);
  if (i < 0 || o < 0 || e < 0 || ::dup2(i, 0) < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) {
    ::_exit(127);
  }
  if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
  ::execve(args[0], args.data(), environ);
  ::_exit(127);
}

struct RunResult {
  int rc = -1;
  std::string out;
  std::string err;
  pid_t pid = -1;
};

/// Runs a program to completion with optional stdin text and working directory.
inline RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
                     const std::string& cwd = "", std::chrono::seconds timeout = 120s) {
  const std::string dir = make_temp_dir();
  const std::string in = dir + "/in", out = dir + "/out", err = dir + "/err";
  write_file(in, input);
  RunResult r;
  r.pid = spawn(argv, in, out, err, O_TRUNC, cwd);
  if (r.pid < 0) throw std::runtime_error("cannot run " + argv[0]);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::waitpid(r.pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(r.pid, SIGKILL);
      ::waitpid(r.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  std::filesystem::remove_all(dir);
  return r;
}

/// A background process whose output goes to files; killed on destruction if still running.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& out_file,
          const std::string& err_file) {
    pid_ = spawn(argv, "/dev/null", out_file, err_file, O_APPEND);
    if (pid_ < 0) throw std::runtime_error("cannot start " + argv[0]);
  }
  ~Process() { stop(SIGKILL, 0s); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    if (pid_ < 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return false;
    }
    return true;
  }
  /// Sends `sig`, waits up to `grace`, then SIGKILL. Returns the exit code (128+signal).
  int stop(int sig = SIGTERM, std::chrono::milliseconds grace = 20s) {
    if (!running()) return exit_code_;
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    if (running()) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_code_ = 128 + SIGKILL;
      pid_ = -1;
    }
    return exit_code_;
  }
  /// Waits for the process to exit on its own; its exit code, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) return -1;
      std::this_thread::sleep_for(20ms);
    }
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

/// One admin request straight over the socket (used to wait for readiness).
inline std::optional<json> admin_request(const std::string& socket, const std::string& command) {
  std::string error;
  const int fd = admin::connect_unix_socket(socket, error);
  if (fd < 0) return std::nullopt;
  std::string buffer, line;
  const bool ok = admin::write_all(fd, json({{"command", command}}).dump() + "\n") &&
                  admin::read_line(fd, buffer, line, 1 << 24, 30s);
  ::close(fd);
  if (!ok) return std::nullopt;
  return json::parse(line, nullptr, false);
}

struct VenueOptions {
  std::string extra_yaml;  ///< appended to the config (e.g. a risk section)
  std::string desk_a_hash = kDeskAHash;
  std::string desk_a_password = kDeskAPassword;  ///< what connect("DESK_A") logs on with
};

/// The venue: config file, data dir, ports, the quantdesk process.
class OpsVenue {
 public:
  explicit OpsVenue(VenueOptions o = {})
      : dir_(make_temp_dir()), fix_port_(free_port()), metrics_port_(free_port()), opts_(o) {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init");
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
    write_file(config_path(), config_yaml());
  }
  ~OpsVenue() {
    process_.reset();
    std::error_code ec;
    if (!std::getenv("QD_KEEP_TEST_DIRS")) std::filesystem::remove_all(dir_, ec);
  }

  std::string config_yaml() const {
    std::string y;
    y += "venue: { name: \"Ops Test Venue\", data_dir: \"" + data_dir() + "\" }\n";
    y += "listeners:\n  - { name: \"plain\", bind: \"127.0.0.1\", port: " +
         std::to_string(fix_port_) + " }\n";
    y += "engine: { clock_tick_ms: 50 }\n";
    y += "journal: { durability: \"normal\", batch_max_delay_us: 0 }\n";
    y += R"(markets:
  - symbol: "BTC-PERP"
    tick_size: "0.1"
    lot_size: "0.0001"
    min_notional: "1"
    taker_fee_bps: "10"
    oracle: { source: "admin", initial_price: "50000", max_staleness_s: 3600, fill_staleness_s: 3600 }
  - symbol: "ETH-PERP"
    tick_size: "0.01"
    lot_size: "0.001"
    oracle: { source: "admin", initial_price: "3000", max_staleness_s: 3600, fill_staleness_s: 3600 }
accounts:
  - { id: "DESK-A", collateral: "1000000" }
  - { id: "DESK-B", collateral: "1000000" }
sessions:
  - sender_comp_id: "DESK_A"
    target_comp_id: "QUANTDESK"
    role: "order_entry"
    accounts: ["DESK-A"]
    auth:
      username: "DESK_A"
      password_hash: ")" +
         opts_.desk_a_hash + R"("
  - sender_comp_id: "DESK_B"
    target_comp_id: "QUANTDESK"
    role: "order_entry"
    accounts: ["DESK-B"]
    auth:
      username: "DESK_B"
      password_hash: ")" +
         std::string(kDeskBHash) + R"("
      ed25519_public_key: "base64:)" +
         base64(public_key_.data(), public_key_.size()) + R"("
  - sender_comp_id: "COMPLIANCE"
    target_comp_id: "QUANTDESK"
    role: "drop_copy"
    accounts: "all"
    auth:
      username: "COMPLIANCE"
      password_hash: ")" +
         std::string(kComplianceHash) + R"("
)";
    y += "metrics: { bind: \"127.0.0.1\", port: " + std::to_string(metrics_port_) + " }\n";
    y += "admin: { socket: \"" + socket_path() + "\" }\n";
    y += "logging: { level: \"info\" }\n";
    y += opts_.extra_yaml;
    return y;
  }

  /// Starts quantdesk and waits until its admin socket answers `status`.
  void start() {
    process_ = std::make_unique<Process>(
        std::vector<std::string>{QD_QUANTDESK_BIN, "--config", config_path()}, stdout_path(),
        stderr_path());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!process_->running()) {
        throw std::runtime_error("quantdesk exited: " + read_file(stderr_path()));
      }
      if (auto r = admin_request(socket_path(), "status"); r && r->value("ok", false)) return;
      std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("quantdesk did not answer on " + socket_path());
  }
  int stop(int sig = SIGTERM) { return process_ ? process_->stop(sig) : -1; }
  Process& process() { return *process_; }

  /// Runs qdctl against this venue (--config), returning its exit code and output.
  RunResult qdctl(std::vector<std::string> args, const std::string& input = "",
                  const std::string& cwd = "") const {
    std::vector<std::string> argv = {QD_QDCTL_BIN, "--config", config_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, input, cwd);
  }
  /// qdctl --json ...: the parsed response.
  json qdctl_json(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    const RunResult r = qdctl(args);
    json j = json::parse(r.out, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("qdctl --json output: " + r.out + r.err);
    return j;
  }

  /// A FIX initiator for a configured desk, with its real password (and key for DESK_B).
  std::unique_ptr<fix::Initiator> connect(const std::string& sender) {
    fix::InitiatorOptions o;
    o.port = fix_port_;
    o.sender_comp_id = sender;
    o.username = sender;
    o.password = sender == "DESK_A"   ? opts_.desk_a_password.c_str()
                 : sender == "DESK_B" ? kDeskBPassword
                                      : kCompliancePassword;
    if (sender == "DESK_B") o.ed25519_secret_key = secret_key_;
    auto i = std::make_unique<fix::Initiator>(o);
    i->start();
    if (!i->wait_logged_on(20s)) throw std::runtime_error(sender + " did not log on");
    return i;
  }

  /// A logon attempt with an arbitrary password; true when the venue accepted it. `reset_seq_num`
  /// sends 141=Y (no stored sequence numbers to match).
  bool try_logon(const std::string& sender, const std::string& password,
                 bool reset_seq_num = false) {
    fix::InitiatorOptions o;
    o.port = fix_port_;
    o.sender_comp_id = sender;
    o.username = sender;
    o.password = password;
    o.reset_on_logon = reset_seq_num;
    o.reconnect_interval_s = 30;
    fix::Initiator i(o);
    i.start();
    const bool on = i.wait_logged_on(5s);
    i.stop(true);
    return on;
  }

  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/data"; }
  std::string config_path() const { return dir_ + "/venue.yaml"; }
  std::string socket_path() const { return dir_ + "/qdctl.sock"; }
  std::string journal_path() const { return data_dir() + "/journal.db"; }
  std::string audit_path() const { return data_dir() + "/audit.db"; }
  std::string log_path() const { return data_dir() + "/logs/quantdesk.log"; }
  std::string stdout_path() const { return dir_ + "/quantdesk.out"; }
  std::string stderr_path() const { return dir_ + "/quantdesk.err"; }
  uint16_t fix_port() const { return fix_port_; }
  uint16_t metrics_port() const { return metrics_port_; }
  const std::array<uint8_t, 64>& secret_key() const { return secret_key_; }

 private:
  std::string dir_;
  uint16_t fix_port_;
  uint16_t metrics_port_;
  VenueOptions opts_;
  std::array<uint8_t, 32> public_key_{};
  std::array<uint8_t, 64> secret_key_{};
  std::unique_ptr<Process> process_;
};

// --- SQLite (journal, audit, backups), read-only

/// Every row of `sql` as text columns; throws when the file or the query fails.
inline std::vector<std::vector<std::string>> sql_rows(const std::string& file,
                                                      const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + file);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    const std::string e = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(file + ": " + e);
  }
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const auto* t = sqlite3_column_text(st, c);
      row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

inline int64_t sql_int(const std::string& file, const std::string& sql) {
  const auto rows = sql_rows(file, sql);
  if (rows.empty() || rows[0].empty() || rows[0][0] == "NULL") return 0;
  return std::stoll(rows[0][0]);
}

// --- FIX messages

inline FIX::Message limit_order(const std::string& cl, const std::string& symbol, char side,
                                const std::string& qty, const std::string& price) {
  FIX::Message m;
  m.getHeader().setField(35, "D");
  m.setField(11, cl);
  m.setField(55, symbol);
  m.setField(54, std::string(1, side));
  m.setField(60, fix::format_utc_timestamp(fix::wall_clock_ns(), 3));
  m.setField(38, qty);
  m.setField(40, "2");
  m.setField(44, price);
  m.setField(59, "1");
  return m;
}

inline std::string field(const FIX::Message& m, int tag) {
  if (m.isSetField(tag)) return m.getField(tag);
  if (m.getHeader().isSetField(tag)) return m.getHeader().getField(tag);
  return "";
}

/// Waits for the ExecutionReport of `cl` with ExecType `exec_type`.
inline std::optional<FIX::Message> wait_report(fix::Initiator& i, const std::string& cl,
                                               char exec_type) {
  return i.wait_for(
      [&](const FIX::Message& m) {
        return field(m, 35) == "8" && field(m, 11) == cl &&
               field(m, 150) == std::string(1, exec_type);
      },
      20s);
}

// --- HTTP (Prometheus' API and /metrics)

struct HttpResponse {
  int status = 0;
  std::string body;
};

inline std::optional<HttpResponse> http_get(uint16_t port, const std::string& target) {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  timeval tv{10, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    return std::nullopt;
  }
  const std::string req =
      "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  admin::write_all(s, req);
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(s, buf, sizeof buf, 0)) > 0) raw.append(buf, size_t(n));
  ::close(s);
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) return std::nullopt;
  HttpResponse r;
  r.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  r.body = raw.substr(head_end + 4);
  return r;
}

inline std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

}  // namespace qd::ops_test
