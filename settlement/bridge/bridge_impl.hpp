#pragma once
// SettlementBridge's internals, shared by its source files (settlement_bridge.cpp: thread,
// journal, batches, snapshot; bridge_chain.cpp: planning, signing, sending, confirmations;
// bridge_setup.cpp: manifest, keys, lookup table, quarantine checks, reconcile). Everything but
// the snapshot and the request queue belongs to the settlement thread.

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "settlement/bridge/journal_reader.hpp"
#include "settlement/bridge/manifest.hpp"
#include "settlement/bridge/outbox.hpp"
#include "settlement/bridge/part_builder.hpp"
#include "settlement/bridge/settlement_bridge.hpp"
#include "settlement/bridge/token_account.hpp"
#include "settlement/solana/keypair.hpp"

namespace qd::settlement {

using SteadyTime = std::chrono::steady_clock::time_point;

int64_t wall_ms();

/// Transient per-part facts, rebuilt after a restart by polling.
struct LiveInfo {
  SteadyTime last_send{};
  bool refused = false;  ///< the node refused the bytes in preflight: not re-sent, left to expire
  bool seen = false;     ///< the node knows the signature (landed at processed or deeper)
  SteadyTime retry_after{};  ///< signing waits until then after a failure
};

struct SettlementBridge::Impl {
  explicit Impl(BridgeOptions o)
      : opt(std::move(o)), max_fills(opt.batch_max_fills), max_delay_ms(opt.batch_max_delay_ms) {}

  BridgeOptions opt;
  std::vector<SettlementListener*> listeners;
  std::atomic<uint32_t> max_fills{0};  // live copies of opt.batch_max_fills / _delay_ms
  std::atomic<uint32_t> max_delay_ms{0};

  std::thread thread;
  std::mutex mu;  // guards stop_requested and releases
  std::condition_variable cv;
  bool stop_requested = false;
  std::vector<AccountId> releases;

  mutable std::mutex snap_mu;
  SettlementStatus snap;
  std::vector<AccountSettlement> snap_accounts;
  std::optional<Manifest> snap_manifest;  // for reconcile
  std::string snap_rpc_url;
  int64_t snap_vault_start = -1;

  // ---- settlement thread
  bool ready = false;
  std::string last_error;
  std::optional<Manifest> manifest;
  std::optional<solana::Keypair> authority;
  std::optional<solana::RpcClient> rpc;
  std::unique_ptr<SettlementStore> store;
  std::unique_ptr<JournalReader> journal;
  SettlementKeys keys;
  std::map<AccountId, solana::Pubkey> token_accounts;
  std::map<AccountId, std::string> names;
  std::map<AccountId, AccountRow> rows;  // booked and quarantine; ledgers live in outbox
  Outbox outbox;
  std::vector<BatchRow> batches;  // not finalized (or not notified), by id
  std::optional<solana::AddressLookupTableAccount> table;
  std::map<std::pair<uint64_t, uint32_t>, LiveInfo> live;
  SeqNo journal_seq = 0;
  SteadyTime open_since{}, carry_since{}, last_checkpoint{}, last_recheck{}, fee_at{}, height_at{},
      error_log_at{}, status_at{};
  uint64_t priority_fee = 0;
  bool fee_known = false;
  uint64_t finalized_height = 0;
  int64_t vault_start = -1;
  SettlementStatus counters;  // only the counter fields are used

  // settlement_bridge.cpp
  void run();
  void step();
  void poll_journal();
  void maybe_close_by_time();
  void close_batch();
  bool settleable(AccountId a) const;
  void publish();
  void set_error(const std::string& e);
  bool stopping();

  // bridge_setup.cpp
  bool init();
  void ensure_lookup_table();
  solana::Result<uint64_t> land_simple(std::span<const solana::Instruction> ixs);
  void recheck_quarantine();
  void process_releases();
  void quarantine(AccountId account, const std::string& reason);
  std::vector<std::optional<TokenAccount>> fetch_token_accounts(
      const std::vector<solana::Pubkey>& keys);

  // bridge_chain.cpp
  void drive_chain();
  bool plan(BatchRow& b, bool earlier_unconfirmed);
  void send_open_parts(BatchRow& b);
  void prepare_and_send(BatchRow& b, PartRow& p);
  void send(BatchRow& b, PartRow& p, bool first);
  void resend_live();
  void poll_statuses();
  void handle_failed(BatchRow& b, PartRow& p);
  void advance_batches();
  void notify(BatchRow& b);
  int64_t unlanded(AccountId account, bool debit) const;
  void return_transfer(BatchRow& b, AccountId account, const std::string& reason);
};

/// The failing instruction's index in a transaction error ({"InstructionError":[i, ...]}).
std::optional<size_t> failing_instruction(const nlohmann::json& err);

}  // namespace qd::settlement
