#pragma once
// Shared by the settlement bridge integration tests and benchmark: the local chain (settlement/
// localnet) on a free port, its setup command for N desks, a journal written by the real engine
// (Exchange with the margin core + SqliteJournal), the qd-settle driver as a child process, and
// chain queries (balances, memos of landed parts).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/exchange.hpp"
#include "engine/sqlite_journal.hpp"
#include "settlement/solana/base64.hpp"
#include "settlement/solana/keypair.hpp"
#include "settlement/solana/programs.hpp"
#include "settlement/solana/rpc_client.hpp"
#include "settlement/solana/transaction.hpp"

extern char** environ;

namespace qd::bridge_test {

using namespace std::chrono_literals;
using nlohmann::json;

/// A child process with its stdout read line by line; stderr goes to a file.
class Child {
 public:
  Child(std::vector<std::string> args, const std::string& stderr_file) {
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, stderr_file.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, args[0].c_str(), &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    out_ = out[0];
  }
  ~Child() {
    if (pid_ > 0) kill(SIGKILL), wait();
    if (out_ >= 0) ::close(out_);
  }
  bool started() const { return pid_ > 0; }
  void kill(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  /// Waits for exit; returns the exit code (128 + signal when killed, -1 when not running).
  int wait() {
    if (pid_ <= 0) return exit_code_;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }
  /// Next stdout line, or empty when the deadline passes or the stream ends.
  std::optional<std::string> line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string l = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || out_ < 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, int(std::min<int64_t>(left.count(), 200))) <= 0) continue;
      char tmp[4096];
      const ssize_t n = ::read(out_, tmp, sizeof tmp);
      if (n <= 0) {
        ::close(out_);
        out_ = -1;
        continue;
      }
      buf_.append(tmp, size_t(n));
    }
  }
  /// Reads lines until one starts with prefix; returns it (without the prefix).
  std::optional<std::string> until(const std::string& prefix, std::chrono::milliseconds timeout,
                                   std::vector<std::string>* seen = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto l = line(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!l) return std::nullopt;
      if (seen) seen->push_back(*l);
      if (l->rfind(prefix, 0) == 0) return l->substr(prefix.size());
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int exit_code_ = -1;
  std::string buf_;
};

/// A fresh directory under the build tree's temp area, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "qd-settle-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty() && !std::getenv("QD_KEEP_TEST_DIRS")) std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// `node server.js --port 0 ...`; the URL it prints.
class Localnet {
 public:
  explicit Localnet(const TempDir& dir, int block_ms = 50, int finalize_depth = 32)
      : child_({QD_NODE_EXECUTABLE, QD_LOCALNET_SERVER, "--port", "0", "--block-ms",
                std::to_string(block_ms), "--finalize-depth", std::to_string(finalize_depth),
                "--quiet"},
               dir.file("localnet.log")) {
    auto l = child_.until("localnet listening on ", 30s);
    if (l) url_ = *l;
  }
  ~Localnet() {
    child_.kill(SIGTERM);
    child_.wait();
  }
  const std::string& url() const { return url_; }

 private:
  Child child_;
  std::string url_;
};

struct Desk {
  AccountId number = 0;
  std::string id;
  int64_t collateral = 0;  ///< 1e-6 USDC, deposited at the venue and minted on chain
};

/// Writes the YAML setup.js reads and runs it; returns the manifest path ("" on failure).
inline std::string run_setup(const TempDir& dir, const std::string& url,
                             const std::vector<Desk>& desks, const std::string& allowance,
                             const std::string& vault_float) {
  const std::string cfg = dir.file("venue.yaml");
  {
    std::ofstream y(cfg);
    y << "accounts:\n";
    for (const Desk& d : desks) {
      y << "  - id: \"" << d.id << "\"\n    collateral: \"" << d.collateral / 1'000'000 << "\"\n";
    }
    y << "settlement:\n  enabled: true\n  rpc_url: \"" << url
      << "\"\n  commitment: \"confirmed\"\n  keys_dir: \"" << dir.file("keys")
      << "\"\n  manifest: \"" << dir.file("manifest.json") << "\"\n  delegate_allowance: \""
      << allowance << "\"\n  vault_float: \"" << vault_float << "\"\n";
  }
  Child setup({QD_NODE_EXECUTABLE, QD_LOCALNET_SETUP, "--config", cfg, "--quiet"},
              dir.file("setup.log"));
  const int rc = setup.wait();
  return rc == 0 ? dir.file("manifest.json") : std::string();
}

/// The real engine with the margin core writing a real journal: one market BTC-PERP ($1 tick,
/// 0.001 lot), default risk parameters (taker 10 bps, maker -2 bps).
class JournalBuilder {
 public:
  JournalBuilder(const std::string& path, const std::vector<Desk>& desks)
      : journal_(path, JournalSync::normal), exchange_(spec(desks)) {
    t0_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
    for (const Desk& d : desks) run(Deposit{d.number, Quote(d.collateral)});
  }
  std::vector<Event> run(CommandBody body) {
    Command c{++seq_, t0_ + int64_t(seq_) * 1000, std::move(body)};
    std::vector<Event> out;
    exchange_.process(c, out);
    journal_.append(std::span(&c, 1), out);
    for (const Event& e : out) {
      if (const auto* f = std::get_if<OrderFilled>(&e.body); f && f->liquidity == Liquidity::maker)
        maker_fills_.push_back(*f);
    }
    return out;
  }
  /// The maker side of every trade so far, in journal order.
  const std::vector<OrderFilled>& maker_fills() const { return maker_fills_; }
  void oracle(int64_t usd) {
    run(SetOraclePrice{0, Price(usd * PRICE_PRECISION), Price(0), t0_ + int64_t(seq_ + 1) * 1000,
                       false});
  }
  /// A limit order of qty_milli thousandths of a BTC at usd.
  std::vector<Event> order(AccountId a, Side side, int64_t usd, int64_t qty_milli) {
    NewOrder o;
    o.origin = {a, a};
    o.client_id.assign("c" + std::to_string(seq_ + 1));
    o.side = side;
    o.price = Price(usd * PRICE_PRECISION);
    o.qty = Qty(qty_milli * (QTY_PRECISION / 1000));
    return run(o);
  }
  /// maker rests, taker crosses: one trade of qty_milli at usd.
  void trade(AccountId maker, AccountId taker, Side taker_side, int64_t usd, int64_t qty_milli) {
    order(maker, opposite(taker_side), usd, qty_milli);
    order(taker, taker_side, usd, qty_milli);
  }
  Quote collateral(AccountId a) const { return exchange_.risk()->account(a)->collateral; }
  SeqNo last_seq() const { return seq_; }

  static ExchangeSpec spec(const std::vector<Desk>& desks) {
    ExchangeSpec s;
    MarketSpec m;
    m.symbol = "BTC-PERP";
    m.tick_size = Price(PRICE_PRECISION);
    m.lot_size = Qty(QTY_PRECISION / 1000);
    m.min_size = m.lot_size;
    m.price_band_bps = 2000;
    s.markets = {m};
    s.risk = {risk::MarketRiskParams{}};
    for (const Desk& d : desks)
      s.accounts.push_back(AccountSpec{d.number, StpMode::cancel_resting, 0, 1000, true});
    return s;
  }

 private:
  SqliteJournal journal_;
  Exchange exchange_;
  SeqNo seq_ = 0;
  TimestampNs t0_ = 0;
  std::vector<OrderFilled> maker_fills_;
};

inline std::vector<std::string> settle_args(const std::string& journal, const std::string& store,
                                            const std::string& manifest,
                                            const std::vector<Desk>& desks) {
  std::vector<std::string> a = {QD_SETTLE_EXECUTABLE, "--journal", journal, "--store", store,
                                "--manifest",         manifest};
  for (const Desk& d : desks) {
    a.push_back("--account");
    a.push_back(std::to_string(d.number) + "=" + d.id);
  }
  return a;
}

inline json manifest_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

/// The memo text of a landed transaction ("" when it has none or is unknown).
inline std::string memo_of(solana::RpcClient& rpc, const std::string& signature) {
  auto r = rpc.call("getTransaction", json::array({signature,
                                                   {{"encoding", "base64"},
                                                    {"commitment", "confirmed"},
                                                    {"maxSupportedTransactionVersion", 0}}}));
  if (!r || r.value().is_null()) return "";
  auto raw = solana::base64_decode(r.value()["transaction"][0].get<std::string>());
  if (!raw) return "";
  auto tx = solana::Transaction::deserialize(raw.value());
  if (!tx) return "";
  for (const auto& ix : tx.value().message.instructions) {
    if (tx.value().message.account_keys[ix.program_id_index] == solana::memo_program_id())
      return std::string(ix.data.begin(), ix.data.end());
  }
  return "";
}

/// The transaction's version as the node reports it ("legacy" or "0").
inline std::string version_of(solana::RpcClient& rpc, const std::string& signature) {
  auto r = rpc.call("getTransaction", json::array({signature,
                                                   {{"encoding", "base64"},
                                                    {"commitment", "confirmed"},
                                                    {"maxSupportedTransactionVersion", 0}}}));
  if (!r || r.value().is_null() || !r.value().contains("version")) return "";
  return r.value()["version"].is_string() ? r.value()["version"].get<std::string>()
                                          : std::to_string(r.value()["version"].get<int>());
}

inline int64_t balance(solana::RpcClient& rpc, const std::string& token_account,
                       solana::Commitment c = solana::Commitment::Finalized) {
  auto b = rpc.get_token_account_balance(solana::Pubkey::from_base58(token_account).value(), c);
  return b ? int64_t(b.value().amount) : -1;
}

}  // namespace qd::bridge_test
