#pragma once
// The local Solana chain (settlement/localnet, a Node program) for the ops tests: started on a
// free port pair in the test's directory, its setup command run against a venue config (mint,
// vault, desk token accounts, delegations, the manifest). Killed with the test process.

#include <string>

#include "tests/integration/ops/ops_harness.hpp"

namespace qd::ops_test {

class OpsLocalnet {
 public:
  /// Starts `node server.js --port 0`; waits for its "listening" line. Throws when it does not
  /// come up within 30 s.
  OpsLocalnet(const std::string& dir, int block_ms = 50, int finalize_depth = 8)
      : out_(dir + "/localnet.out"), err_(dir + "/localnet.err") {
    process_ = std::make_unique<Process>(
        std::vector<std::string>{QD_NODE_BIN, QD_LOCALNET_SERVER, "--port", "0", "--block-ms",
                                 std::to_string(block_ms), "--finalize-depth",
                                 std::to_string(finalize_depth), "--quiet"},
        out_, err_);
    const std::string prefix = "localnet listening on ";
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = read_file(out_);
      const size_t at = text.find(prefix);
      const size_t eol = at == std::string::npos ? at : text.find('\n', at);
      if (eol != std::string::npos) {
        url_ = text.substr(at + prefix.size(), eol - at - prefix.size());
        return;
      }
      if (!process_->running()) break;
      std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("localnet did not start: " + read_file(err_));
  }
  ~OpsLocalnet() { process_->stop(SIGTERM, 10s); }
  OpsLocalnet(const OpsLocalnet&) = delete;
  OpsLocalnet& operator=(const OpsLocalnet&) = delete;

  /// "http://127.0.0.1:PORT"
  const std::string& url() const { return url_; }
  /// The chain's port (its websocket is port + 1).
  uint16_t port() const { return uint16_t(std::stoi(url_.substr(url_.rfind(':') + 1))); }

  /// `node setup.js --config FILE --quiet [extra...]`: the on-chain accounts for the venue.
  RunResult setup(const std::string& config, std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv = {QD_NODE_BIN, QD_LOCALNET_SETUP, "--config", config, "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv);
  }

 private:
  std::string out_, err_;
  std::string url_;
  std::unique_ptr<Process> process_;
};

/// A `settlement:` section for OpsVenue's extra_yaml, with keys and manifest under `dir`.
inline std::string settlement_yaml(const std::string& dir, const std::string& url,
                                   const std::string& allowance, uint32_t batch_max_delay_ms) {
  return "settlement:\n  enabled: true\n  rpc_url: \"" + url +
         "\"\n  commitment: \"confirmed\"\n  keys_dir: \"" + dir + "/keys\"\n  manifest: \"" + dir +
         "/manifest.json\"\n  delegate_allowance: \"" + allowance +
         "\"\n  vault_float: \"10000000\"\n  batch_max_fills: 1000\n  batch_max_delay_ms: " +
         std::to_string(batch_max_delay_ms) + "\n";
}

}  // namespace qd::ops_test
