#pragma once
// The real venue (journal, engine, sequencer, FIX gateway: app/gateway's Venue) on a free
// loopback port, plus helpers to drive it with real QuickFIX initiators and with raw bytes.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/gateway/venue.hpp"
#include "fix/fix_time.hpp"
#include "fix/initiator.hpp"
#include "tests/unit/fix/fix_test_config.hpp"

namespace qd::fix::test {

using namespace std::chrono_literals;

inline uint16_t free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

inline const char* password_of(const std::string& sender) {
  if (sender == "DESK_A") return "desk-a-pass";
  if (sender == "DESK_B") return "desk-b-pass";
  if (sender == "COMPLIANCE") return "compliance-pass";
  if (sender == "DESK_SIG") return "desk-sig-pass";
  if (sender == "DESK_T") return "desk-t-pass";
  if (sender == "DESK_M") return "desk-m-pass";
  return "";
}

/// One venue per test: its own data directory and port.
class VenueHarness {
 public:
  explicit VenueHarness(const std::function<void(VenueConfig&)>& tweak = {})
      : dir_(make_temp_dir("qd-fix-it")), port_(free_port()) {
    spdlog::set_level(spdlog::level::warn);
    config_ = make_config(port_, dir_, keys_);
    config_.journal.path = dir_ + "/journal.db";
    config_.journal.durability = Durability::normal;
    config_.engine.clock_tick_ms = 50;
    config_.metrics.enabled = false;  // a fixed port; the gateway tests do not read metrics
    for (MarketConfig& m : config_.markets) {
      // Tests run longer than the default oracle freshness; prices here never move by age.
      m.oracle.max_staleness_s = 3600;
      m.oracle.fill_staleness_s = 3600;
    }
    if (tweak) tweak(config_);
    start();
  }
  ~VenueHarness() {
    stop();
    std::error_code ec;
    if (!std::getenv("QD_KEEP_TEST_DIRS")) std::filesystem::remove_all(dir_, ec);
  }

  void start() {
    venue_ = std::make_unique<Venue>(config_);
    venue_->start();
    // The seeded opening commands (deposits, oracle prices) are sequenced before any order.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (venue_->sequencer().last_seq() < config_.accounts.size() + config_.markets.size() &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
  }
  /// Stops without waiting for Logout replies (tests stop their initiators first).
  void stop() {
    if (!venue_) return;
    venue_->gateway().stop(false);
    venue_->stop();
    venue_.reset();
  }
  /// Restart = replay of the journal.
  void restart() {
    stop();
    start();
  }

  InitiatorOptions options(const std::string& sender) const {
    InitiatorOptions o;
    o.port = port_;
    o.sender_comp_id = sender;
    o.username = sender;
    o.password = password_of(sender);
    o.dictionary_path = fix::default_dictionary_path();
    if (sender == "DESK_SIG") o.ed25519_secret_key = keys_.secret_key;
    return o;
  }

  /// A started initiator; logged on unless `expect_logon` is false.
  std::unique_ptr<Initiator> connect(const InitiatorOptions& o, bool expect_logon = true) {
    auto i = std::make_unique<Initiator>(o);
    i->start();
    if (expect_logon && !i->wait_logged_on(10s))
      throw std::runtime_error(o.sender_comp_id + " did not log on");
    return i;
  }
  std::unique_ptr<Initiator> connect(const std::string& sender) { return connect(options(sender)); }

  /// A command straight into the sequencer (what the admin socket does).
  void admin(CommandBody c) {
    if (!venue_->sequencer().try_submit(std::move(c))) throw std::runtime_error("queue full");
  }

  Venue& venue() { return *venue_; }
  fix::Gateway& gateway() { return venue_->gateway(); }
  const std::string& dir() const { return dir_; }
  uint16_t port() const { return port_; }
  VenueConfig& config() { return config_; }
  const Ed25519Keys& keys() const { return keys_; }

 private:
  std::string dir_;
  uint16_t port_;
  Ed25519Keys keys_ = make_keys();
  VenueConfig config_;
  std::unique_ptr<Venue> venue_;
};

/// Stops initiators at once: a QuickFIX initiator takes up to a second to stop (its connect loop
/// sleeps in whole seconds), so tests with several stop them in parallel.
inline void stop_all(std::initializer_list<Initiator*> initiators) {
  std::vector<std::thread> threads;
  for (Initiator* i : initiators)
    if (i) threads.emplace_back([i] { i->stop(true); });
  for (std::thread& t : threads) t.join();
}

// --- message builders

inline std::string now_text() {
  return format_utc_timestamp(wall_clock_ns(), 3);
}

inline FIX::Message order(const std::string& cl, const std::string& symbol, char side,
                          const std::string& qty, char ord_type, const std::string& price = "",
                          char tif = '1') {
  FIX::Message m;
  m.getHeader().setField(35, "D");
  m.setField(11, cl);
  m.setField(55, symbol);
  m.setField(54, std::string(1, side));
  m.setField(60, now_text());
  m.setField(38, qty);
  m.setField(40, std::string(1, ord_type));
  if (!price.empty()) m.setField(44, price);
  m.setField(59, std::string(1, tif));
  return m;
}

inline FIX::Message limit(const std::string& cl, char side, const std::string& qty,
                          const std::string& price, char tif = '1') {
  return order(cl, "BTC-PERP", side, qty, '2', price, tif);
}

inline FIX::Message cancel(const std::string& cl, const std::string& orig, char side,
                           const std::string& symbol = "BTC-PERP") {
  FIX::Message m;
  m.getHeader().setField(35, "F");
  m.setField(11, cl);
  m.setField(41, orig);
  m.setField(55, symbol);
  m.setField(54, std::string(1, side));
  m.setField(60, now_text());
  return m;
}

inline FIX::Message replace(const std::string& cl, const std::string& orig, char side,
                            const std::string& qty, const std::string& price) {
  FIX::Message m;
  m.getHeader().setField(35, "G");
  m.setField(11, cl);
  m.setField(41, orig);
  m.setField(55, "BTC-PERP");
  m.setField(54, std::string(1, side));
  m.setField(60, now_text());
  m.setField(38, qty);
  m.setField(40, "2");
  m.setField(44, price);
  return m;
}

// --- predicates

inline std::string field(const FIX::Message& m, int tag) {
  if (m.isSetField(tag)) return m.getField(tag);
  if (m.getHeader().isSetField(tag)) return m.getHeader().getField(tag);
  return "";
}
inline std::function<bool(const FIX::Message&)> er(const std::string& cl, char exec_type) {
  return [=](const FIX::Message& m) {
    return field(m, 35) == "8" && field(m, 11) == cl && field(m, 150) == std::string(1, exec_type);
  };
}
inline std::function<bool(const FIX::Message&)> type_is(const std::string& t) {
  return [=](const FIX::Message& m) { return field(m, 35) == t; };
}

// --- raw bytes

/// "35=D|49=...": '|' stands for SOH. Adds BeginString, BodyLength and CheckSum.
inline std::string frame(const std::string& body_with_bars) {
  std::string body = body_with_bars;
  for (char& c : body)
    if (c == '|') c = '\x01';
  std::string head = std::string("8=FIX.4.4\x01") + "9=" + std::to_string(body.size()) + "\x01";
  std::string msg = head + body;
  unsigned sum = 0;
  for (unsigned char c : msg) sum += c;
  char cs[8];
  std::snprintf(cs, sizeof cs, "%03u", sum % 256);
  return msg + "10=" + cs + "\x01";
}

/// A TCP connection that sends and reads raw bytes.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("connect failed");
    timeval tv{0, 200'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConnection() { ::close(fd_); }
  bool send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += size_t(n);
    }
    return true;
  }
  /// Reads until `timeout` passes or the peer closes; returns everything read.
  std::string read_for(std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) {
        closed_ = true;
        break;
      }
      if (n > 0) out.append(buf, size_t(n));
    }
    return out;
  }
  /// Reads until `needle` appears, the peer closes or `timeout` passes.
  std::string read_until(const std::string& needle, std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline && out.find(needle) == std::string::npos) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) {
        closed_ = true;
        break;
      }
      if (n > 0) out.append(buf, size_t(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
};

inline std::string soh(std::string s) {
  for (char& c : s)
    if (c == '|') c = '\x01';
  return s;
}

}  // namespace qd::fix::test
