#pragma once
// settlement.db: the bridge's own SQLite file (WAL, synchronous=FULL), next to the journal in the
// venue's data dir. It holds the outbox cursor and per-account ledgers, every batch with its fills
// and netted transfers, every part (one Solana transaction) with the exact signed bytes of its
// live version, and the history of dead versions. Each state change is one SQLite transaction;
// a part's signature, blockhash, lastValidBlockHeight and bytes are committed before it is
// sent (spec/SETTLEMENT.md, "Tables" and "Exactly once").

#include <sqlite3.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "settlement/bridge/outbox.hpp"
#include "settlement/solana/pubkey.hpp"

namespace qd::settlement {

enum class BatchState : uint8_t {
  closed,     ///< cut from the journal; transfers known, not yet split into parts
  planned,    ///< pre-checked and split into parts; parts being signed, sent, confirmed
  confirmed,  ///< every part confirmed (balances pending)
  finalized,  ///< every part finalized (balances booked)
};

enum class PartState : uint8_t {
  open,       ///< no live signed version: (re)signed when eligible
  signed_,    ///< live version committed (signature, blockhash, bytes): sent and re-sent as is
  confirmed,  ///< landed without error at confirmed commitment
  finalized,  ///< landed without error and finalized: transfers booked
  failed,     ///< landed with an error; a new version waits until that failure is finalized
};

enum class TransferState : uint8_t {
  pending,   ///< in a batch, not yet finalized on chain
  settled,   ///< its part finalized: booked
  returned,  ///< taken out (account quarantined): amount back in the account's unsettled
};

const char* to_string(BatchState s);
const char* to_string(PartState s);
const char* to_string(TransferState s);

struct TransferRow {
  AccountId account = 0;
  Quote amount;       ///< + credit (vault -> desk), - debit (desk -> vault), 1e-6 USDC
  uint32_t part = 0;  ///< 1-based part carrying it; 0 until planned
  TransferState state = TransferState::pending;
};

struct PartRow {
  uint32_t part = 0;  ///< 1-based
  uint8_t stage = 0;  ///< 0 debits (sent first), 1 credits (after every debit part confirmed)
  PartState state = PartState::open;
  uint32_t version = 0;   ///< versions signed so far; the live one when state is signed_
  std::string signature;  ///< base58, live or last version
  std::string blockhash;  ///< base58
  uint64_t last_valid_block_height = 0;
  solana::Bytes tx;  ///< the exact signed bytes sent
  uint32_t compute_unit_limit = 0;
  uint64_t compute_unit_price = 0;  ///< micro-lamports per compute unit
  uint64_t landed_slot = 0;
  std::string err;  ///< the landing error (JSON) or the send refusal
};

struct BatchRow {
  uint64_t batch_id = 0;
  SeqNo from_seq = 0;
  SeqNo to_seq = 0;
  uint64_t fill_count = 0;
  solana::Hash root;
  TimestampNs first_event_ts = 0;
  int64_t closed_at_ms = 0;  ///< wall clock, ms since the epoch
  BatchState state = BatchState::closed;
  bool notified = false;  ///< listeners told of its confirmation
  std::vector<TransferRow> transfers;
  std::vector<PartRow> parts;
};

struct AccountRow {
  AccountId account = 0;
  std::string name;
  AccountLedger ledger;  ///< as of the cursor, plus amounts returned since
  Quote booked;          ///< finalized transfers, signed (1e-6 USDC)
  bool quarantined = false;
  std::string quarantine_reason;
  int64_t quarantined_at_ms = 0;
};

/// A transfer taken out of its batch because its account is quarantined.
struct Returned {
  uint64_t batch_id = 0;
  AccountId account = 0;
  Quote amount;
};

class SettlementStore {
 public:
  /// Opens or creates the file. Throws std::runtime_error naming it on any SQLite failure (as
  /// every method does: the bridge stops rather than guess what was written).
  explicit SettlementStore(const std::string& path);
  ~SettlementStore();
  SettlementStore(const SettlementStore&) = delete;
  SettlementStore& operator=(const SettlementStore&) = delete;

  std::optional<std::string> meta(const std::string& key);
  void set_meta(const std::string& key, const std::string& value);

  /// The last journal seq covered by a closed batch or a checkpoint.
  SeqNo cursor();
  std::map<AccountId, AccountRow> load_accounts();
  void record_account_names(const std::map<AccountId, std::string>& names);

  /// One transaction: the batch, its fills and transfers, the ledgers and the cursor.
  /// Returns the new batch id (1, 2, ...).
  uint64_t close_batch(const ClosedBatch& batch, const solana::Hash& root,
                       const std::map<AccountId, AccountLedger>& ledgers, int64_t now_ms);
  /// Ledgers and cursor with no batch (only baseline moves were read).
  void checkpoint(SeqNo cursor, const std::map<AccountId, AccountLedger>& ledgers);

  /// Batches not finalized, or finalized but not yet notified, with transfers and parts.
  std::vector<BatchRow> load_unfinished();
  std::vector<solana::Bytes> load_fill_bytes(uint64_t batch_id);

  /// One transaction: quarantines, then the batch's parts and transfer assignments.
  void plan_batch(const BatchRow& planned, const std::vector<Returned>& returned,
                  const std::vector<std::pair<AccountId, std::string>>& quarantines,
                  int64_t now_ms);
  /// Takes transfers out (their accounts quarantined with reason), returning their amounts.
  void return_transfers(const std::vector<Returned>& returned,
                        const std::vector<std::pair<AccountId, std::string>>& quarantines,
                        int64_t now_ms);
  /// Commits a new live version (state signed_) before it is sent.
  void sign_part(uint64_t batch_id, const PartRow& part, int64_t now_ms);
  /// Records the error text of a refused send (the version stays live until it is provably dead).
  void note_part_error(uint64_t batch_id, uint32_t part, const std::string& err);
  void set_part_landed(uint64_t batch_id, const PartRow& part);
  /// Books the part's pending transfers (settled, accounts' booked += amount) and finalizes it.
  void finalize_part(uint64_t batch_id, uint32_t part, uint64_t landed_slot, int64_t now_ms);
  /// Ends the live version (outcome "expired" or "failed") into part_versions; the part is open.
  void end_version(uint64_t batch_id, const PartRow& part, const std::string& outcome,
                   int64_t now_ms);
  void set_batch_state(uint64_t batch_id, BatchState state, int64_t now_ms);
  void set_notified(uint64_t batch_id);
  void release(AccountId account, int64_t now_ms);

  const std::string& path() const { return path_; }

 private:
  struct Stmt;
  void exec(const char* sql);
  sqlite3_stmt* prepare(const char* sql);
  [[noreturn]] void fail(const std::string& what);
  void begin();
  void commit();
  void rollback() noexcept;
  template <class F>
  void transaction(F&& body);
  void write_ledgers(const std::map<AccountId, AccountLedger>& ledgers);
  void write_cursor(SeqNo cursor);
  void write_returns(const std::vector<Returned>& returned,
                     const std::vector<std::pair<AccountId, std::string>>& quarantines,
                     int64_t now_ms);

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace qd::settlement
