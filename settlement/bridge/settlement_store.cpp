#include "settlement/bridge/settlement_store.hpp"

#include "settlement/bridge/batch_confirmation.hpp"

#include <stdexcept>

#include "settlement/solana/sha256.hpp"

namespace qd::settlement {

namespace {

const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per venue account (amounts 1e-6 USDC = token base units, signed integers).
CREATE TABLE IF NOT EXISTS accounts(
  account INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
  last_collateral INTEGER NOT NULL DEFAULT 0,  -- venue collateral after the last event read
  baseline INTEGER NOT NULL DEFAULT 0,         -- deposits - withdrawals
  unsettled INTEGER NOT NULL DEFAULT 0,        -- flows not yet in a batch (+ owed to the desk)
  booked INTEGER NOT NULL DEFAULT 0,           -- finalized transfers (+ paid to the desk)
  quarantined INTEGER NOT NULL DEFAULT 0, quarantine_reason TEXT NOT NULL DEFAULT '',
  quarantined_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS batches(
  batch_id INTEGER PRIMARY KEY, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL,
  fill_count INTEGER NOT NULL, merkle_root TEXT NOT NULL, first_event_ts INTEGER NOT NULL,
  closed_at INTEGER NOT NULL, state TEXT NOT NULL, part_count INTEGER NOT NULL DEFAULT 0,
  confirmed_at INTEGER, finalized_at INTEGER, notified INTEGER NOT NULL DEFAULT 0);
-- Leaf i of the batch's merkle tree is sha256(0x00 || bytes) of leaf i.
CREATE TABLE IF NOT EXISTS fills(
  batch_id INTEGER NOT NULL, leaf INTEGER NOT NULL, trade_id TEXT NOT NULL,
  maker_account INTEGER NOT NULL, taker_account INTEGER NOT NULL, bytes BLOB NOT NULL,
  PRIMARY KEY(batch_id, leaf)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transfers(
  batch_id INTEGER NOT NULL, account INTEGER NOT NULL,
  amount INTEGER NOT NULL,               -- + vault -> desk, - desk -> vault
  part INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL,
  PRIMARY KEY(batch_id, account)) WITHOUT ROWID;
-- One Solana transaction per part; the live version's exact bytes are kept until it is final.
CREATE TABLE IF NOT EXISTS parts(
  batch_id INTEGER NOT NULL, part INTEGER NOT NULL, stage INTEGER NOT NULL, state TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0, signature TEXT, blockhash TEXT,
  last_valid_block_height INTEGER, tx BLOB, compute_unit_limit INTEGER,
  compute_unit_price INTEGER, signed_at INTEGER, landed_slot INTEGER, err TEXT,
  PRIMARY KEY(batch_id, part)) WITHOUT ROWID;
-- Versions that provably never landed (expired) or landed and failed (failed).
CREATE TABLE IF NOT EXISTS part_versions(
  batch_id INTEGER NOT NULL, part INTEGER NOT NULL, version INTEGER NOT NULL,
  signature TEXT NOT NULL, blockhash TEXT NOT NULL, last_valid_block_height INTEGER NOT NULL,
  outcome TEXT NOT NULL, err TEXT, ended_at INTEGER NOT NULL,
  PRIMARY KEY(batch_id, part, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine_log(
  id INTEGER PRIMARY KEY, account INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL,
  released_at INTEGER);
-- Every signature ever signed for a part, with what became of it.
CREATE VIEW IF NOT EXISTS signatures AS
  SELECT batch_id, part, version, signature, state AS outcome FROM parts WHERE version > 0
  UNION ALL
  SELECT batch_id, part, version, signature, outcome FROM part_versions;
)sql";

constexpr const char* batch_states[] = {"closed", "planned", "confirmed", "finalized"};
constexpr const char* part_states[] = {"open", "signed", "confirmed", "finalized", "failed"};
constexpr const char* transfer_states[] = {"pending", "settled", "returned"};

template <class E, size_t N>
E parse_state(const std::string& s, const char* const (&names)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  throw std::runtime_error("settlement.db: unknown state '" + s + "'");
}

}  // namespace

const char* to_string(BatchState s) {
  return batch_states[size_t(s)];
}
const char* to_string(PartState s) {
  return part_states[size_t(s)];
}
const char* to_string(TransferState s) {
  return transfer_states[size_t(s)];
}
const char* to_string(SideSettlement s) {
  constexpr const char* names[] = {"transferred", "netted_zero", "deferred"};
  return names[size_t(s)];
}

/// A prepared statement bound in order and finalized on scope exit.
struct SettlementStore::Stmt {
  SettlementStore& store;
  sqlite3_stmt* s;
  int i = 0;
  Stmt(SettlementStore& st, const char* sql) : store(st), s(st.prepare(sql)) {}
  ~Stmt() { sqlite3_finalize(s); }
  Stmt& i64(int64_t v) {
    sqlite3_bind_int64(s, ++i, v);
    return *this;
  }
  Stmt& text(const std::string& v) {
    sqlite3_bind_text(s, ++i, v.data(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& blob(const solana::Bytes& v) {
    sqlite3_bind_blob(s, ++i, v.data(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  bool row() {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) store.fail("step");
    return false;
  }
  void done() {
    if (sqlite3_step(s) != SQLITE_DONE) store.fail("write");
  }
  int64_t col_i64(int c) { return sqlite3_column_int64(s, c); }
  std::string col_text(int c) {
    const auto* t = sqlite3_column_text(s, c);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  }
  solana::Bytes col_blob(int c) {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s, c));
    return p ? solana::Bytes(p, p + sqlite3_column_bytes(s, c)) : solana::Bytes();
  }
};

SettlementStore::SettlementStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("settlement store " + path + ": cannot open: " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");  // a signature is only sent after it is on disk
    exec(schema);
    exec("INSERT OR IGNORE INTO meta(key, value) VALUES('format_version', '1')");
    if (meta("format_version") != "1") fail("unsupported format version");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SettlementStore::~SettlementStore() {
  sqlite3_close(db_);
}

void SettlementStore::fail(const std::string& what) {
  throw std::runtime_error("settlement store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SettlementStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("settlement store " + path_ + ": " + msg);
  }
}

sqlite3_stmt* SettlementStore::prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) fail(sql);
  return s;
}

void SettlementStore::begin() {
  exec("BEGIN IMMEDIATE");
}
void SettlementStore::commit() {
  exec("COMMIT");
}
void SettlementStore::rollback() noexcept {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

template <class F>
void SettlementStore::transaction(F&& body) {
  begin();
  try {
    body();
    commit();
  } catch (...) {
    rollback();
    throw;
  }
}

std::optional<std::string> SettlementStore::meta(const std::string& key) {
  Stmt s(*this, "SELECT value FROM meta WHERE key = ?");
  s.text(key);
  if (!s.row()) return std::nullopt;
  return s.col_text(0);
}

void SettlementStore::set_meta(const std::string& key, const std::string& value) {
  Stmt s(*this,
         "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET "
         "value = excluded.value");
  s.text(key).text(value).done();
}

SeqNo SettlementStore::cursor() {
  const auto v = meta("journal_cursor");
  return v ? SeqNo(std::stoull(*v)) : 0;
}

void SettlementStore::write_cursor(SeqNo cursor) {
  set_meta("journal_cursor", std::to_string(cursor));
}

std::map<AccountId, AccountRow> SettlementStore::load_accounts() {
  std::map<AccountId, AccountRow> out;
  Stmt s(*this,
         "SELECT account, name, last_collateral, baseline, unsettled, booked, quarantined,"
         " quarantine_reason, quarantined_at FROM accounts");
  while (s.row()) {
    AccountRow r;
    r.account = AccountId(s.col_i64(0));
    r.name = s.col_text(1);
    r.ledger.last_collateral = Quote(s.col_i64(2));
    r.ledger.baseline = Quote(s.col_i64(3));
    r.ledger.unsettled = Quote(s.col_i64(4));
    r.booked = Quote(s.col_i64(5));
    r.quarantined = s.col_i64(6) != 0;
    r.quarantine_reason = s.col_text(7);
    r.quarantined_at_ms = s.col_i64(8);
    out.emplace(r.account, std::move(r));
  }
  return out;
}

void SettlementStore::record_account_names(const std::map<AccountId, std::string>& names) {
  transaction([&] {
    for (const auto& [id, name] : names) {
      Stmt s(*this,
             "INSERT INTO accounts(account, name) VALUES(?, ?) ON CONFLICT(account) DO UPDATE "
             "SET name = excluded.name");
      s.i64(id).text(name).done();
    }
  });
}

void SettlementStore::write_ledgers(const std::map<AccountId, AccountLedger>& ledgers) {
  for (const auto& [id, l] : ledgers) {
    Stmt s(*this,
           "INSERT INTO accounts(account, last_collateral, baseline, unsettled) VALUES(?,?,?,?)"
           " ON CONFLICT(account) DO UPDATE SET last_collateral = excluded.last_collateral,"
           " baseline = excluded.baseline, unsettled = excluded.unsettled");
    s.i64(id).i64(l.last_collateral.raw).i64(l.baseline.raw).i64(l.unsettled.raw).done();
  }
}

uint64_t SettlementStore::close_batch(const ClosedBatch& b, const solana::Hash& root,
                                      const std::map<AccountId, AccountLedger>& ledgers,
                                      int64_t now_ms) {
  uint64_t id = 0;
  transaction([&] {
    {
      Stmt s(*this,
             "INSERT INTO batches(from_seq, to_seq, fill_count, merkle_root, first_event_ts,"
             " closed_at, state) VALUES(?,?,?,?,?,?,'closed')");
      s.i64(int64_t(b.from_seq)).i64(int64_t(b.to_seq)).i64(int64_t(b.fills.size()));
      s.text(solana::to_hex(root.span())).i64(b.first_event_ts).i64(now_ms).done();
      id = uint64_t(sqlite3_last_insert_rowid(db_));
    }
    for (size_t i = 0; i < b.fills.size(); ++i) {
      const SettlementFill& f = b.fills[i];
      const FillBytes bytes = fill_bytes(f);
      Stmt s(*this,
             "INSERT INTO fills(batch_id, leaf, trade_id, maker_account, taker_account, bytes)"
             " VALUES(?,?,?,?,?,?)");
      s.i64(int64_t(id)).i64(int64_t(i));
      s.text(std::to_string(f.trade_id.seq) + "." + std::to_string(f.trade_id.index));
      s.i64(f.maker_account).i64(f.taker_account).blob(solana::Bytes(bytes.begin(), bytes.end()));
      s.done();
    }
    for (const NetTransfer& t : b.transfers) {
      Stmt s(*this,
             "INSERT INTO transfers(batch_id, account, amount, state) VALUES(?,?,?,'pending')");
      s.i64(int64_t(id)).i64(t.account).i64(t.amount.raw).done();
    }
    write_ledgers(ledgers);
    write_cursor(b.to_seq);
  });
  return id;
}

void SettlementStore::checkpoint(SeqNo cursor, const std::map<AccountId, AccountLedger>& ledgers) {
  transaction([&] {
    write_ledgers(ledgers);
    write_cursor(cursor);
  });
}

std::vector<BatchRow> SettlementStore::load_unfinished() {
  std::vector<BatchRow> out;
  {
    Stmt s(*this,
           "SELECT batch_id, from_seq, to_seq, fill_count, merkle_root, first_event_ts, closed_at,"
           " state, notified FROM batches WHERE state != 'finalized' OR notified = 0"
           " ORDER BY batch_id");
    while (s.row()) {
      BatchRow b;
      b.batch_id = uint64_t(s.col_i64(0));
      b.from_seq = SeqNo(s.col_i64(1));
      b.to_seq = SeqNo(s.col_i64(2));
      b.fill_count = uint64_t(s.col_i64(3));
      const std::string root_hex = s.col_text(4);
      for (size_t i = 0; i < 32 && 2 * i + 1 < root_hex.size(); ++i)
        b.root.bytes[i] = uint8_t(std::stoul(root_hex.substr(2 * i, 2), nullptr, 16));
      b.first_event_ts = s.col_i64(5);
      b.closed_at_ms = s.col_i64(6);
      b.state = parse_state<BatchState>(s.col_text(7), batch_states);
      b.notified = s.col_i64(8) != 0;
      out.push_back(std::move(b));
    }
  }
  for (BatchRow& b : out) {
    Stmt t(
        *this,
        "SELECT account, amount, part, state FROM transfers WHERE batch_id = ? ORDER BY account");
    t.i64(int64_t(b.batch_id));
    while (t.row()) {
      b.transfers.push_back({AccountId(t.col_i64(0)), Quote(t.col_i64(1)), uint32_t(t.col_i64(2)),
                             parse_state<TransferState>(t.col_text(3), transfer_states)});
    }
    Stmt p(*this,
           "SELECT part, stage, state, version, signature, blockhash, last_valid_block_height, tx,"
           " compute_unit_limit, compute_unit_price, landed_slot, err FROM parts"
           " WHERE batch_id = ? ORDER BY part");
    p.i64(int64_t(b.batch_id));
    while (p.row()) {
      PartRow r;
      r.part = uint32_t(p.col_i64(0));
      r.stage = uint8_t(p.col_i64(1));
      r.state = parse_state<PartState>(p.col_text(2), part_states);
      r.version = uint32_t(p.col_i64(3));
      r.signature = p.col_text(4);
      r.blockhash = p.col_text(5);
      r.last_valid_block_height = uint64_t(p.col_i64(6));
      r.tx = p.col_blob(7);
      r.compute_unit_limit = uint32_t(p.col_i64(8));
      r.compute_unit_price = uint64_t(p.col_i64(9));
      r.landed_slot = uint64_t(p.col_i64(10));
      r.err = p.col_text(11);
      b.parts.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<solana::Bytes> SettlementStore::load_fill_bytes(uint64_t batch_id) {
  std::vector<solana::Bytes> out;
  Stmt s(*this, "SELECT bytes FROM fills WHERE batch_id = ? ORDER BY leaf");
  s.i64(int64_t(batch_id));
  while (s.row()) out.push_back(s.col_blob(0));
  return out;
}

void SettlementStore::write_returns(const std::vector<Returned>& returned,
                                    const std::vector<std::pair<AccountId, std::string>>& q,
                                    int64_t now_ms) {
  for (const Returned& r : returned) {
    Stmt t(*this,
           "UPDATE transfers SET state = 'returned', part = 0 WHERE batch_id = ? AND account = ?"
           " AND state = 'pending'");
    t.i64(int64_t(r.batch_id)).i64(r.account).done();
    if (sqlite3_changes(db_) != 1) fail("returning a transfer that is not pending");
    Stmt a(*this, "UPDATE accounts SET unsettled = unsettled + ? WHERE account = ?");
    a.i64(r.amount.raw).i64(r.account).done();
  }
  for (const auto& [account, reason] : q) {
    Stmt a(*this,
           "UPDATE accounts SET quarantined = 1, quarantine_reason = ?, quarantined_at = ?"
           " WHERE account = ? AND quarantined = 0");
    a.text(reason).i64(now_ms).i64(account).done();
    if (sqlite3_changes(db_) == 0) continue;  // already quarantined
    Stmt l(*this, "INSERT INTO quarantine_log(account, reason, at) VALUES(?,?,?)");
    l.i64(account).text(reason).i64(now_ms).done();
  }
}

void SettlementStore::plan_batch(const BatchRow& b, const std::vector<Returned>& returned,
                                 const std::vector<std::pair<AccountId, std::string>>& q,
                                 int64_t now_ms) {
  transaction([&] {
    write_returns(returned, q, now_ms);
    for (const TransferRow& t : b.transfers) {
      if (t.state != TransferState::pending) continue;
      Stmt s(*this, "UPDATE transfers SET part = ? WHERE batch_id = ? AND account = ?");
      s.i64(t.part).i64(int64_t(b.batch_id)).i64(t.account).done();
    }
    for (const PartRow& p : b.parts) {
      Stmt s(*this, "INSERT INTO parts(batch_id, part, stage, state) VALUES(?,?,?,'open')");
      s.i64(int64_t(b.batch_id)).i64(p.part).i64(p.stage).done();
    }
    Stmt s(*this, "UPDATE batches SET state = 'planned', part_count = ? WHERE batch_id = ?");
    s.i64(int64_t(b.parts.size())).i64(int64_t(b.batch_id)).done();
  });
}

void SettlementStore::return_transfers(const std::vector<Returned>& returned,
                                       const std::vector<std::pair<AccountId, std::string>>& q,
                                       int64_t now_ms) {
  transaction([&] { write_returns(returned, q, now_ms); });
}

void SettlementStore::sign_part(uint64_t batch_id, const PartRow& p, int64_t now_ms) {
  Stmt s(*this,
         "UPDATE parts SET state = 'signed', version = ?, signature = ?, blockhash = ?,"
         " last_valid_block_height = ?, tx = ?, compute_unit_limit = ?, compute_unit_price = ?,"
         " signed_at = ?, landed_slot = NULL, err = NULL WHERE batch_id = ? AND part = ?"
         " AND state = 'open'");
  s.i64(p.version).text(p.signature).text(p.blockhash).i64(int64_t(p.last_valid_block_height));
  s.blob(p.tx).i64(p.compute_unit_limit).i64(int64_t(p.compute_unit_price)).i64(now_ms);
  s.i64(int64_t(batch_id)).i64(p.part).done();
  if (sqlite3_changes(db_) != 1) fail("signing a part that is not open");
}

void SettlementStore::note_part_error(uint64_t batch_id, uint32_t part, const std::string& err) {
  Stmt s(*this, "UPDATE parts SET err = ? WHERE batch_id = ? AND part = ?");
  s.text(err).i64(int64_t(batch_id)).i64(part).done();
}

void SettlementStore::set_part_landed(uint64_t batch_id, const PartRow& p) {
  Stmt s(*this,
         "UPDATE parts SET state = ?, landed_slot = ?, err = ? WHERE batch_id = ? AND part = ?");
  s.text(to_string(p.state)).i64(int64_t(p.landed_slot)).text(p.err);
  s.i64(int64_t(batch_id)).i64(p.part).done();
}

void SettlementStore::finalize_part(uint64_t batch_id, uint32_t part, uint64_t landed_slot,
                                    int64_t now_ms) {
  (void)now_ms;
  transaction([&] {
    {
      Stmt s(*this,
             "UPDATE accounts SET booked = booked + (SELECT amount FROM transfers t WHERE"
             " t.batch_id = ? AND t.part = ? AND t.state = 'pending' AND t.account ="
             " accounts.account) WHERE account IN (SELECT account FROM transfers WHERE"
             " batch_id = ? AND part = ? AND state = 'pending')");
      s.i64(int64_t(batch_id)).i64(part).i64(int64_t(batch_id)).i64(part).done();
    }
    {
      Stmt s(*this,
             "UPDATE transfers SET state = 'settled' WHERE batch_id = ? AND part = ? AND"
             " state = 'pending'");
      s.i64(int64_t(batch_id)).i64(part).done();
    }
    Stmt s(*this,
           "UPDATE parts SET state = 'finalized', landed_slot = ?, err = NULL WHERE batch_id = ?"
           " AND part = ? AND state IN ('signed', 'confirmed')");
    s.i64(int64_t(landed_slot)).i64(int64_t(batch_id)).i64(part).done();
    if (sqlite3_changes(db_) != 1) fail("finalizing a part that is not live");
  });
}

void SettlementStore::end_version(uint64_t batch_id, const PartRow& p, const std::string& outcome,
                                  int64_t now_ms) {
  transaction([&] {
    {
      Stmt s(*this,
             "INSERT INTO part_versions(batch_id, part, version, signature, blockhash,"
             " last_valid_block_height, outcome, err, ended_at) VALUES(?,?,?,?,?,?,?,?,?)");
      s.i64(int64_t(batch_id)).i64(p.part).i64(p.version).text(p.signature).text(p.blockhash);
      s.i64(int64_t(p.last_valid_block_height)).text(outcome).text(p.err).i64(now_ms).done();
    }
    Stmt s(*this,
           "UPDATE parts SET state = 'open', signature = NULL, blockhash = NULL, tx = NULL,"
           " landed_slot = NULL WHERE batch_id = ? AND part = ? AND state IN ('signed', 'failed')");
    s.i64(int64_t(batch_id)).i64(p.part).done();
    if (sqlite3_changes(db_) != 1) fail("ending a version that is not live");
  });
}

void SettlementStore::set_batch_state(uint64_t batch_id, BatchState state, int64_t now_ms) {
  if (state == BatchState::confirmed || state == BatchState::finalized) {
    Stmt s(*this, state == BatchState::confirmed
                      ? "UPDATE batches SET state = ?, confirmed_at = ? WHERE batch_id = ?"
                      : "UPDATE batches SET state = ?, finalized_at = ? WHERE batch_id = ?");
    s.text(to_string(state)).i64(now_ms).i64(int64_t(batch_id)).done();
    return;
  }
  Stmt s(*this, "UPDATE batches SET state = ? WHERE batch_id = ?");
  s.text(to_string(state)).i64(int64_t(batch_id)).done();
}

void SettlementStore::set_notified(uint64_t batch_id) {
  Stmt s(*this, "UPDATE batches SET notified = 1 WHERE batch_id = ?");
  s.i64(int64_t(batch_id)).done();
}

void SettlementStore::release(AccountId account, int64_t now_ms) {
  transaction([&] {
    {
      Stmt s(*this,
             "UPDATE accounts SET quarantined = 0, quarantine_reason = '' WHERE account = ?");
      s.i64(account).done();
    }
    Stmt l(*this,
           "UPDATE quarantine_log SET released_at = ? WHERE account = ? AND released_at IS NULL");
    l.i64(now_ms).i64(account).done();
  });
}

}  // namespace qd::settlement
