#include "fix/audit_trail.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "fix/fix_time.hpp"
#include "fix/logon_auth.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

constexpr size_t kGatherRows = 512;
constexpr auto kGatherTime = std::chrono::milliseconds(2);

const char* schema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
-- One row per inbound application message, in arrival order per session.
CREATE TABLE IF NOT EXISTS audit(
  id INTEGER PRIMARY KEY,
  received_ns INTEGER NOT NULL,   -- gateway wall clock, ns since the Unix epoch (UTC)
  session TEXT NOT NULL,          -- SenderCompID
  session_number INTEGER NOT NULL,
  msg_type TEXT NOT NULL,
  msg_seq_num INTEGER,
  cl_ord_id TEXT, orig_cl_ord_id TEXT, order_id TEXT, account TEXT, symbol TEXT,
  request_id TEXT,                -- OrdStatusReqID (790) or MassStatusReqID (584)
  outcome TEXT NOT NULL,          -- submitted | rejected | answered | ignored
  reason TEXT,                    -- why it was rejected or ignored
  raw TEXT NOT NULL);             -- the bytes received, '|' for SOH, Password/NewPassword as ***
CREATE INDEX IF NOT EXISTS audit_by_session_clordid ON audit(session, cl_ord_id);
CREATE VIEW IF NOT EXISTS audit_log AS
  SELECT id, datetime(received_ns / 1000000000, 'unixepoch') || '.' ||
             substr('000000000' || (received_ns % 1000000000), -9) AS time,
         session, msg_type, msg_seq_num, cl_ord_id, orig_cl_ord_id, order_id, account, symbol,
         outcome, reason, raw
  FROM audit;
)sql";

thread_local AuditScope* current_scope = nullptr;
thread_local std::string last_inbound_text;  // note_inbound_text's, for the next AuditScope

/// The value of `tag` in FIX text (SOH-separated), the first occurrence; empty when absent.
std::string_view text_field(std::string_view text, std::string_view tag_eq) {
  for (size_t at = 0; (at = text.find(tag_eq, at)) != std::string_view::npos; at += tag_eq.size()) {
    if (at != 0 && text[at - 1] != '\x01') continue;
    const size_t value = at + tag_eq.size();
    const size_t end = text.find('\x01', value);
    return text.substr(value, end == std::string_view::npos ? text.size() - value : end - value);
  }
  return {};
}

bool is_session_message_type(std::string_view t) {
  return t.size() == 1 && (t[0] == 'A' || (t[0] >= '0' && t[0] <= '5'));
}

std::string field_or_empty(const FIX::FieldMap& m, int tag) {
  return m.isSetField(tag) ? m.getField(tag) : std::string();
}

void bind_opt(sqlite3_stmt* s, int i, const std::string& v) {
  if (v.empty())
    sqlite3_bind_null(s, i);
  else
    sqlite3_bind_text(s, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
}

}  // namespace

const char* to_string(AuditOutcome o) {
  switch (o) {
    case AuditOutcome::answered:
      return "answered";
    case AuditOutcome::submitted:
      return "submitted";
    case AuditOutcome::rejected:
      return "rejected";
    case AuditOutcome::ignored:
      return "ignored";
  }
  return "answered";
}

AuditTrail::AuditTrail(const std::string& path, size_t max_queued)
    : path_(path), max_queued_(max_queued) {
  // NOMUTEX: only the writer thread uses the connection after construction, so SQLite's lock
  // around every call is pure cost.
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("audit trail " + path + ": cannot open: " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  char* err = nullptr;
  if (sqlite3_exec(db_, schema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_close(db_);
    throw std::runtime_error("audit trail " + path + ": " + msg);
  }
  writer_ = std::thread([this] { run(); });
}

AuditTrail::~AuditTrail() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  sqlite3_close(db_);
}

void AuditTrail::record(AuditEntry entry) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= max_queued_) {
      if (dropped_++ % 10000 == 0)
        spdlog::error("audit trail {}: writer behind, {} rows dropped", path_, dropped_);
      return;
    }
    // The writer looks at the queue again before it sleeps: wake it only when it may be asleep
    // (nothing queued) or when a gathering batch is full.
    wake = queue_.empty() || queue_.size() + 1 == kGatherRows;
    queue_.push_back(std::move(entry));
    ++queued_total_;
  }
  if (wake) cv_.notify_one();
}

void AuditTrail::flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = queued_total_;
  done_cv_.wait(lock, [&] { return written_total_ >= target || !writer_.joinable(); });
}

uint64_t AuditTrail::written() const {
  std::lock_guard lock(mu_);
  return committed_;
}

uint64_t AuditTrail::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void AuditTrail::run() {
  pthread_setname_np(pthread_self(), "qd-audit");
  // The record, not the order path: on a busy CPU the session, engine and outbox threads go first.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 5);
  std::vector<AuditEntry> rows;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_) break;
    // Rows arriving within a couple of milliseconds share one transaction instead of a commit
    // per inbound message (a crash loses at most the rows still queued, as before).
    if (!stop_ && queue_.size() < kGatherRows)
      cv_.wait_for(lock, kGatherTime, [&] { return stop_ || queue_.size() >= kGatherRows; });
    rows.swap(queue_);
    lock.unlock();
    const size_t n = rows.size();
    write(rows);
    rows.clear();
    lock.lock();
    written_total_ += n;
    done_cv_.notify_all();
  }
}

void AuditTrail::write(std::vector<AuditEntry>& rows) {
  sqlite3_stmt* s = nullptr;
  bool ok = sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK &&
            sqlite3_prepare_v2(db_,
                               "INSERT INTO audit(received_ns, session, session_number, msg_type,"
                               " msg_seq_num, cl_ord_id, orig_cl_ord_id, order_id, account,"
                               " symbol, request_id, outcome, reason, raw)"
                               " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                               -1, &s, nullptr) == SQLITE_OK;
  for (size_t i = 0; ok && i < rows.size(); ++i) {
    const AuditEntry& r = rows[i];
    std::string raw = redact_secrets(r.raw);
    for (char& c : raw)
      if (c == '\x01') c = '|';
    sqlite3_bind_int64(s, 1, r.received_ns);
    sqlite3_bind_text(s, 2, r.session.data(), int(r.session.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, r.session_number);
    sqlite3_bind_text(s, 4, r.msg_type.data(), int(r.msg_type.size()), SQLITE_TRANSIENT);
    if (r.msg_seq_num.empty())
      sqlite3_bind_null(s, 5);
    else
      sqlite3_bind_int64(s, 5, std::strtoll(r.msg_seq_num.c_str(), nullptr, 10));
    bind_opt(s, 6, r.cl_ord_id);
    bind_opt(s, 7, r.orig_cl_ord_id);
    bind_opt(s, 8, r.order_id);
    bind_opt(s, 9, r.account);
    bind_opt(s, 10, r.symbol);
    bind_opt(s, 11, r.request_id);
    sqlite3_bind_text(s, 12, to_string(r.outcome), -1, SQLITE_STATIC);
    bind_opt(s, 13, r.reason);
    sqlite3_bind_text(s, 14, raw.data(), int(raw.size()), SQLITE_TRANSIENT);
    ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  ok = ok && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  if (!ok) {
    spdlog::error("audit trail {}: {} rows not written: {}", path_, rows.size(),
                  sqlite3_errmsg(db_));
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return;
  }
  std::lock_guard lock(mu_);
  committed_ += rows.size();
}

void note_inbound_text(const std::string& text) {
  if (is_session_message_type(text_field(text, "35="))) return;
  last_inbound_text.assign(text);
}

AuditScope::AuditScope(AuditTrail* trail, const FIX::Message& msg, std::string session,
                       SessionId number)
    : trail_(trail), previous_(current_scope) {
  if (!trail_) return;
  namespace t = std_tag;
  const FIX::Header& h = msg.getHeader();
  entry_.msg_type = field_or_empty(h, t::MsgType);
  entry_.msg_seq_num = field_or_empty(h, t::MsgSeqNum);
  // The text the session log saw is this message's unless QuickFIX is working through messages
  // it queued (received ahead of a gap): then the message is serialised again.
  if (!last_inbound_text.empty() &&
      text_field(last_inbound_text, "35=") == std::string_view(entry_.msg_type) &&
      text_field(last_inbound_text, "34=") == std::string_view(entry_.msg_seq_num))
    entry_.raw.swap(last_inbound_text);
  else
    entry_.raw = msg.toString();
  last_inbound_text.clear();
  entry_.cl_ord_id = field_or_empty(msg, t::ClOrdID);
  entry_.orig_cl_ord_id = field_or_empty(msg, t::OrigClOrdID);
  entry_.order_id = field_or_empty(msg, t::OrderID);
  entry_.account = field_or_empty(msg, t::Account);
  entry_.symbol = field_or_empty(msg, t::Symbol);
  entry_.request_id = field_or_empty(msg, t::OrdStatusReqID);
  if (entry_.request_id.empty()) entry_.request_id = field_or_empty(msg, t::MassStatusReqID);
  entry_.session = std::move(session);
  entry_.session_number = number;
  entry_.received_ns = wall_clock_ns();
  current_scope = this;
}

AuditScope::~AuditScope() {
  if (!trail_) return;
  current_scope = previous_;
  try {
    trail_->record(std::move(entry_));
  } catch (...) {
    // The audit never takes the connection thread down.
  }
}

void AuditScope::set(AuditOutcome o, std::string_view reason) {
  if (!current_scope) return;
  current_scope->entry_.outcome = o;
  current_scope->entry_.reason.assign(reason);
}

void AuditScope::submitted() {
  set(AuditOutcome::submitted, "");
}
void AuditScope::rejected(std::string_view reason) {
  set(AuditOutcome::rejected, reason);
}
void AuditScope::ignored(std::string_view reason) {
  set(AuditOutcome::ignored, reason);
}

}  // namespace qd::fix
