#pragma once
// The real `quantdesk` process for crash tests: a config on a free loopback port with its own
// data directory, started with fork/exec, killed with SIGKILL, restarted on the same files.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace qd::crash {

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

/// True once something accepts TCP connections on the loopback port (quantdesk listens only
/// after its journal replayed).
inline bool wait_listening(uint16_t port, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// Runs a program to completion with stdout and stderr appended to `log`; its exit status.
inline int run_program(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The demo desks of config/quickstart.yaml (password "desk-a-demo" / "desk-b-demo"), each
/// trading two accounts; DESK_A has cancel-on-disconnect, DESK_B keeps its orders across
/// disconnects. One BTC-PERP market (tick 0.1, lot 0.001), fees on, margin on.
inline std::string crash_config(uint16_t port, const std::string& data_dir) {
  return R"(venue:
  name: "crash test"
  data_dir: ")" +
         data_dir + R"("
listeners:
  - name: "plain"
    port: )" +
         std::to_string(port) + R"(
engine:
  clock_tick_ms: 100
journal:
  durability: "sync"
  batch_max_commands: 256
  batch_max_delay_us: 500
  snapshot_every_commands: 1000  # the smallest allowed: later restarts start from snapshots
  view_snapshot_every_commands: 1000
markets:
  - symbol: "BTC-PERP"
    tick_size: "0.1"
    lot_size: "0.001"
    maker_fee_bps: "-2"
    taker_fee_bps: "10"
    oracle: { initial_price: "50000", max_staleness_s: 3600, fill_staleness_s: 3600 }
accounts:
  - { id: "DESK-A", collateral: "1000000" }
  - { id: "DESK-B", collateral: "1000000" }
  - { id: "DESK-C", collateral: "1000000" }
  - { id: "DESK-D", collateral: "1000000" }
sessions:
  - sender_comp_id: "DESK_A"
    target_comp_id: "QUANTDESK"
    role: "order_entry"
    accounts: ["DESK-A", "DESK-C"]
    auth:
      username: "DESK_A"
      password_hash: "$argon2id$v=19$m=65536,t=2,p=1$NAWO3CPLUGSoqqDw8umEVA$SnPGvbc0pjyvhwulD3nkX+YzDAq8Qb2dxp8Y/FICPTI"
    throttle: { messages_per_second: 10000, burst: 20000 }
    cancel_on_disconnect: true
  - sender_comp_id: "DESK_B"
    target_comp_id: "QUANTDESK"
    role: "order_entry"
    accounts: ["DESK-B", "DESK-D"]
    auth:
      username: "DESK_B"
      password_hash: "$argon2id$v=19$m=65536,t=2,p=1$34ZfWVlP4+DI69AFcoLebA$VkPsK8Equ6QH7LbOq+6abweRPalsjZt/zgCsq9pg+aQ"
    throttle: { messages_per_second: 10000, burst: 20000 }
    cancel_on_disconnect: false
risk:
  insurance_fund: "100000"
metrics:
  enabled: false
logging:
  level: "info"
  file: ""
)";
}

/// A fresh scratch directory holding a crash_config venue on a free port: the set-up every
/// test here starts from.
struct VenueScratch {
  std::filesystem::path dir;
  uint16_t port = 0;
  std::string data;     ///< the venue's data_dir
  std::string journal;  ///< data + "/journal.db"
  std::string config;   ///< the YAML file
};

inline VenueScratch make_venue_scratch(const std::string& prefix) {
  VenueScratch s;
  s.dir = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()));
  std::filesystem::remove_all(s.dir);
  std::filesystem::create_directories(s.dir);
  s.port = free_port();
  s.data = (s.dir / "data").string();
  s.journal = s.data + "/journal.db";
  s.config = (s.dir / "venue.yaml").string();
  std::ofstream(s.config) << crash_config(s.port, s.data);
  return s;
}

#ifdef QD_QUANTDESK_BIN
/// The quantdesk under test: $QD_QUANTDESK_BIN, else the one built with the tests.
inline const char* quantdesk_binary() {
  const char* env = std::getenv("QD_QUANTDESK_BIN");
  return env ? env : QD_QUANTDESK_BIN;
}
#endif

/// One quantdesk child process at a time; stdout and stderr go to `log` (appended).
class VenueProcess {
 public:
  VenueProcess(std::string binary, std::string config, std::string log)
      : binary_(std::move(binary)), config_(std::move(config)), log_(std::move(log)) {}
  ~VenueProcess() {
    if (pid_ > 0) kill9();
  }

  /// Extra environment ("NAME=value") for the next start()s, on top of the test's own.
  void set_env(std::vector<std::string> extra) { env_ = std::move(extra); }

  void start() {
    if (pid_ > 0) throw std::runtime_error("quantdesk already running");
    // Built before fork: the child of a threaded process may only call async-signal-safe code.
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    env.insert(env.end(), env_.begin(), env_.end());
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const char* argv[] = {binary_.c_str(), "--config", config_.c_str(), nullptr};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execve(binary_.c_str(), const_cast<char* const*>(argv), envp.data());
      ::_exit(127);
    }
    ++starts_;
  }

  /// SIGKILL: no destructor, no flush, no goodbye. Reaps the child.
  void kill9() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  /// SIGTERM and wait; the exit status (-1 when it had to be killed after `timeout`).
  int terminate(std::chrono::milliseconds timeout) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill9();
    return -1;
  }

  /// False once the process exited by itself (a refused journal, a crash).
  bool alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  int starts() const { return starts_; }

 private:
  std::string binary_, config_, log_;
  std::vector<std::string> env_;
  pid_t pid_ = -1;
  int starts_ = 0;
};

}  // namespace qd::crash
