#pragma once
// The on-chain settlement bridge: its own thread reads committed events from the journal, nets
// them per account into batches, and lands each batch on Solana exactly once as delegated SPL
// Token transfers (losers -> vault, vault -> winners) with a memo carrying the batch's merkle
// root. Matching never waits for it: it shares nothing with the engine but the journal file.
// spec/SETTLEMENT.md is the full description (model, tables, state machine, failure handling).

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "settlement/bridge/batch_confirmation.hpp"
#include "settlement/bridge/settlement_store.hpp"
#include "settlement/solana/rpc_client.hpp"

namespace qd::settlement {

/// A venue account and its id in the manifest ("DESK-A").
struct BridgeAccount {
  AccountId number = 0;
  std::string id;
};

struct SettlementStatus;

/// 3 s to connect, 10 s per call.
inline solana::RpcOptions bridge_rpc_options() {
  solana::RpcOptions o;
  o.http.connect_timeout = std::chrono::milliseconds(3000);
  o.http.request_timeout = std::chrono::milliseconds(10000);
  return o;
}

struct BridgeOptions {
  std::string journal_path;   ///< the engine's journal (read-only here)
  std::string store_path;     ///< settlement.db (created)
  std::string manifest_path;  ///< from settlement/localnet setup.js, or written by hand
  std::string rpc_url;        ///< empty: the manifest's
  /// Blockhashes, preflight and "confirmed" use this; booking always waits for finalized.
  solana::Commitment commitment = solana::Commitment::Confirmed;
  std::vector<BridgeAccount> accounts;
  uint32_t batch_max_fills = 64;          ///< a batch closes at the first command boundary with
                                          ///< at least this many fills...
  uint32_t batch_max_delay_ms = 1000;     ///< ...or this long after its first flow
  uint32_t poll_interval_ms = 20;         ///< journal and chain polling period
  uint32_t resend_interval_ms = 2000;     ///< the live bytes are re-sent this often until landed
  uint32_t max_active_batches = 4;        ///< batches with unconfirmed parts at once
  uint32_t quarantine_recheck_ms = 5000;  ///< quarantined accounts re-checked this often
  uint64_t max_priority_fee = 1'000'000;  ///< micro-lamports per compute unit, at most
  /// Batches with more accounts than this go as v0 through the lookup table (which is created
  /// at start when the manifest has more accounts than this).
  size_t legacy_max_accounts = 16;
  bool precheck = true;  ///< token-account pre-check before planning; tests turn it off to
                         ///< exercise the simulation path alone
  /// A chain that stops answering delays only settlement, and stop() by at most one timeout.
  solana::RpcOptions rpc = bridge_rpc_options();
  /// Optional, for metrics: called on the settlement thread with a fresh status at most every
  /// 250 ms. Must be cheap and never block.
  std::function<void(const SettlementStatus&)> on_status;
  /// Test hook, called on the settlement thread at "signed" (committed, not yet sent) and
  /// "sent" (first send returned) with the batch and part; crash tests stop the process there.
  std::function<void(std::string_view point, uint64_t batch, uint32_t part)> test_hook;
};

/// A point-in-time view (any thread). Sequence numbers are journal seqs; times are ms.
struct SettlementStatus {
  bool running = false;
  bool ready = false;       ///< manifest, keys, store, journal and chain all set up
  std::string last_error;   ///< the latest problem, "" when none since the last success
  SeqNo journal_seq = 0;    ///< last committed command in the journal
  SeqNo read_seq = 0;       ///< events read up to here
  SeqNo batched_seq = 0;    ///< covered by closed batches (the persisted cursor)
  SeqNo confirmed_seq = 0;  ///< everything up to here is confirmed on chain (or had no flows)
  SeqNo finalized_seq = 0;  ///< everything up to here is finalized and booked
  uint64_t lag_seq = 0;     ///< journal_seq - finalized_seq
  int64_t lag_ms = 0;       ///< age of the oldest flow not yet finalized (0: none)
  TimestampNs oldest_unsettled_ts = 0;  ///< engine time of that flow (0: none)
  uint64_t open_fills = 0;              ///< read, not yet in a batch
  uint64_t pending_batches = 0;         ///< closed, not yet confirmed
  uint64_t batches_closed = 0, batches_confirmed = 0, batches_finalized = 0;  ///< this run
  uint64_t fills_finalized = 0, transfers_finalized = 0;                      ///< this run
  uint64_t versions_signed = 0, resends = 0, versions_expired = 0, versions_failed = 0;
  uint64_t quarantines = 0;  ///< accounts put in quarantine this run
  uint64_t quarantined_now = 0;
  bool idle = false;  ///< everything read is finalized and nothing is waiting to settle
};

/// Per account, what the bridge knows (1e-6 USDC).
struct AccountSettlement {
  AccountId account = 0;
  std::string name;
  std::string token_account;  ///< base58; "" when the manifest has none
  Quote collateral;           ///< venue collateral as of the events read
  Quote baseline;             ///< deposits - withdrawals
  Quote booked;     ///< finalized transfers: on chain = initial + booked (+ deposits on chain)
  Quote pending;    ///< transfers confirmed, not yet finalized
  Quote in_flight;  ///< transfers signed or waiting in batches, not yet confirmed
  Quote unsettled;  ///< flows not yet in a batch (a quarantined account's carry)
  bool quarantined = false;
  std::string quarantine_reason;
};

/// reconcile(): finalized token balances against the engine's settled collateral.
struct ReconcileLine {
  AccountId account = 0;  ///< 0 for the vault line
  std::string name;       ///< account id, or "vault"
  std::string token_account;
  int64_t onchain = 0;     ///< finalized token balance (base units)
  int64_t expected = 0;    ///< baseline + booked (vault: its balance at first start - sum booked)
  int64_t pending = 0;     ///< confirmed but not finalized: explains a difference at confirmed
  int64_t difference = 0;  ///< onchain - expected
  std::string error;       ///< the account could not be read
};
struct ReconcileReport {
  bool ok = false;  ///< every line read and every difference 0
  std::vector<ReconcileLine> lines;
  std::string error;  ///< why nothing could be compared
};

class SettlementBridge {
 public:
  explicit SettlementBridge(BridgeOptions options);
  ~SettlementBridge();
  SettlementBridge(const SettlementBridge&) = delete;
  SettlementBridge& operator=(const SettlementBridge&) = delete;

  void add_listener(SettlementListener* listener);  ///< before start()
  /// Starts the settlement thread. Set-up problems (no manifest yet, chain down) are retried
  /// there and reported in status().last_error; start() itself does not fail.
  void start();
  /// Stops the thread at the next step boundary; whatever is live is resumed at the next start.
  void stop();

  SettlementStatus status() const;
  std::vector<AccountSettlement> accounts() const;
  /// Quarantined accounts (the admin CLI's `settlement quarantine`).
  std::vector<AccountSettlement> quarantined() const;
  /// Lets a quarantined account settle again (after the desk re-approved); its carried amount
  /// goes in the next batch, whose pre-check quarantines it again if still short. Returns false
  /// for an account that is not quarantined.
  bool release(AccountId account);
  /// Live config reload of settlement.batch_max_fills / batch_max_delay_ms (any thread); used
  /// from the next cut on. Zero values are ignored.
  void set_batch_limits(uint32_t max_fills, uint32_t max_delay_ms);
  /// Compares finalized on-chain balances with the settled collateral; uses its own RPC
  /// connection (any thread). Differences are also logged.
  ReconcileReport reconcile() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qd::settlement
