#include "fix/drop_copy_service.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <stdexcept>
#include <type_traits>

#include "engine/journal_reader.hpp"
#include "fix/drop_copy_encoder.hpp"
#include "fix/fix_time.hpp"
#include "fix/venue_tags.hpp"

namespace qd::fix {

namespace {

/// TestReqID prefix of the drop copy's delivery probes: "DC<seq>.<index>".
const std::string probe_prefix = "DC";

/// Events that can produce a copy: the only ones queued for the workers.
bool is_copy_event(const EventBody& body) {
  return std::visit(
      [](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        return std::is_same_v<T, OrderAccepted> || std::is_same_v<T, OrderRejected> ||
               std::is_same_v<T, OrderTriggered> || std::is_same_v<T, OrderFilled> ||
               std::is_same_v<T, OrderCanceled> || std::is_same_v<T, OrderRestated> ||
               std::is_same_v<T, OrderReplaced> || std::is_same_v<T, InsuranceTakeover> ||
               std::is_same_v<T, AutoDeleveraged>;
      },
      body);
}

}  // namespace

std::optional<ExecId> parse_exec_id(std::string_view text) {
  if (text == "0") return ExecId{0, 0};
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
  ExecId id;
  const char* seq_end = text.data() + dot;
  auto [p1, e1] = std::from_chars(text.data(), seq_end, id.seq);
  if (e1 != std::errc() || p1 != seq_end) return std::nullopt;
  const char* end = text.data() + text.size();
  auto [p2, e2] = std::from_chars(seq_end + 1, end, id.index);
  if (e2 != std::errc() || p2 != end) return std::nullopt;
  return id;
}

/// One row per drop-copy session (by SenderCompID): the last event handed to it.
class DropCopyService::CursorStore {
 public:
  explicit CursorStore(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("drop-copy cursors " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    char* err = nullptr;
    if (sqlite3_exec(db_,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE IF NOT EXISTS drop_copy_cursors("
                     " session TEXT PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL,"
                     " updated_ns INTEGER NOT NULL);"
                     "CREATE TABLE IF NOT EXISTS drop_copy_acks("
                     " session TEXT PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL,"
                     " updated_ns INTEGER NOT NULL)",
                     nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      sqlite3_close(db_);
      throw std::runtime_error("drop-copy cursors " + path + ": " + msg);
    }
  }
  ~CursorStore() { sqlite3_close(db_); }

  /// `table`: drop_copy_cursors (handed) or drop_copy_acks (confirmed by the desk).
  ExecId load(const char* table, const std::string& session) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* s = nullptr;
    ExecId id{0, 0};
    const std::string sql = std::string("SELECT seq, idx FROM ") + table + " WHERE session = ?";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, session.data(), int(session.size()), SQLITE_STATIC);
      if (sqlite3_step(s) == SQLITE_ROW) {
        id.seq = SeqNo(sqlite3_column_int64(s, 0));
        id.index = uint32_t(sqlite3_column_int64(s, 1));
      }
    }
    sqlite3_finalize(s);
    return id;
  }

  bool save(const char* table, const std::string& session, ExecId id) {
    std::lock_guard lock(mu_);
    sqlite3_stmt* s = nullptr;
    const std::string sql = std::string("INSERT INTO ") + table +
                            "(session, seq, idx, updated_ns) VALUES(?,?,?,?) ON CONFLICT(session)"
                            " DO UPDATE SET seq=excluded.seq, idx=excluded.idx,"
                            " updated_ns=excluded.updated_ns";
    bool ok = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK;
    if (ok) {
      sqlite3_bind_text(s, 1, session.data(), int(session.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 2, int64_t(id.seq));
      sqlite3_bind_int64(s, 3, int64_t(id.index));
      sqlite3_bind_int64(s, 4, wall_clock_ns());
      ok = sqlite3_step(s) == SQLITE_DONE;
    }
    if (!ok) spdlog::error("drop-copy cursors {}: {}", path_, sqlite3_errmsg(db_));
    sqlite3_finalize(s);
    return ok;
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;
};

struct DropCopyService::Lane {
  explicit Lane(SessionHandle& h) : handle(h) {}
  SessionHandle& handle;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<const std::vector<Event>>> live;  ///< under mu
  bool queueing = false;            ///< under mu: logged on, live events are queued
  bool need_catch_up = false;       ///< under mu: a Logon to resume from
  std::optional<ExecId> requested;  ///< under mu: the Logon's DropCopyResumeAfter
  bool requested_reset = false;     ///< under mu: the Logon had ResetSeqNumFlag=Y
  ExecId acked{0, 0};               ///< under mu: last copy the desk confirmed (Heartbeat 112)
  /// under mu: the last event published before the Logon; catch-up copies up to it may have
  /// been sent before (PossResend), later ones are new.
  ExecId logon_mark{0, 0};
  /// under mu: last_published_ when the Logon arrived (fromAdmin), before QuickFIX answers it:
  /// the desk may send orders as soon as it has the answer, before on_logon runs, and their
  /// copies are new, not resent.
  std::optional<ExecId> logon_received_mark;
  bool stop = false;               ///< under mu
  std::atomic<uint64_t> epoch{0};  ///< bumped at every logon and logout

  // The worker's own.
  ExecId cursor{0, 0};  ///< last event handed to the session (or skipped as not its accounts)
  ExecId persisted{0, 0};
  ExecId acked_persisted{0, 0};
  ExecId probed{0, 0};  ///< cursor named in the last TestRequest sent
  std::chrono::steady_clock::time_point probed_at{};
  std::chrono::steady_clock::time_point persisted_at{};
  std::unique_ptr<JournalReader> reader;
  std::thread worker;

  mutable std::mutex shown_mu;
  ExecId shown{0, 0};  ///< cursor, for cursor()
};

DropCopyService::DropCopyService(GatewayContext context, DropCopyOptions options)
    : context_(context), options_(std::move(options)) {
  store_ = std::make_unique<CursorStore>(options_.cursor_path);
  for (SessionHandle* h : context_.sessions)
    if (h->config.role == SessionRole::drop_copy) lanes_.push_back(std::make_unique<Lane>(*h));
}

DropCopyService::~DropCopyService() {
  stop();
}

DropCopyService::Lane* DropCopyService::lane(SessionId number) const {
  for (const auto& l : lanes_)
    if (l->handle.number == number) return l.get();
  return nullptr;
}

bool DropCopyService::handles(std::string_view msg_type) const {
  return msg_type == "A" || msg_type == "0";
}

bool DropCopyService::permitted(SessionRole role, std::string_view msg_type) const {
  return (msg_type == "A" || msg_type == "0") && role == SessionRole::drop_copy;
}

void DropCopyService::on_request(const FIX::Message& msg, SessionHandle& session) {
  Lane* l = lane(session.number);
  if (!l) return;
  if (msg.getHeader().getField(std_tag::MsgType) == "0") {
    // The desk's answer to our TestRequest: it has read every copy sent before it.
    if (!msg.isSetField(std_tag::TestReqID)) return;
    const std::string id = msg.getField(std_tag::TestReqID);
    if (id.rfind(probe_prefix, 0) != 0) return;
    std::optional<ExecId> acked = parse_exec_id(std::string_view(id).substr(probe_prefix.size()));
    std::lock_guard lock(l->mu);
    if (acked && *acked > l->acked) l->acked = *acked;
    return;
  }
  std::optional<ExecId> requested;
  if (msg.isSetField(tag::DropCopyResumeAfter)) {
    requested = parse_exec_id(msg.getField(tag::DropCopyResumeAfter));
    if (!requested)
      throw FIX::RejectLogon("DropCopyResumeAfter (20031) must be an ExecID <seq>.<index> or 0");
  }
  std::lock_guard lock(l->mu);
  {
    std::lock_guard published(published_mu_);
    l->logon_received_mark = last_published_;
  }
  l->requested = requested;
  l->requested_reset =
      msg.isSetField(std_tag::ResetSeqNumFlag) && msg.getField(std_tag::ResetSeqNumFlag) == "Y";
}

void DropCopyService::on_logon(SessionHandle& session) {
  Lane* l = lane(session.number);
  if (!l) return;
  {
    std::lock_guard lock(l->mu);
    ++l->epoch;
    l->live.clear();
    l->queueing = true;  // before the catch-up reads the journal: the hand-over has no gap
    std::lock_guard published(published_mu_);
    l->logon_mark = l->logon_received_mark.value_or(last_published_);
    l->logon_received_mark.reset();
    l->need_catch_up = true;
  }
  l->cv.notify_all();
}

void DropCopyService::on_logout(SessionHandle& session) {
  Lane* l = lane(session.number);
  if (!l) return;
  {
    std::lock_guard lock(l->mu);
    ++l->epoch;
    l->live.clear();
    l->queueing = false;
    l->need_catch_up = false;
  }
  l->cv.notify_all();
}

void DropCopyService::on_events(std::span<const Event> events, bool live) {
  if (!events.empty()) {
    std::lock_guard published(published_mu_);
    last_published_ = events.back().exec_id();
  }
  if (!live || lanes_.empty()) return;
  std::shared_ptr<std::vector<Event>> copies;
  for (const Event& e : events) {
    if (!is_copy_event(e.body)) continue;
    if (!copies) copies = std::make_shared<std::vector<Event>>();
    copies->push_back(e);
  }
  if (!copies) return;
  std::shared_ptr<const std::vector<Event>> batch = std::move(copies);
  for (const auto& l : lanes_) {
    {
      std::lock_guard lock(l->mu);
      if (!l->queueing) continue;
      l->live.push_back(batch);
    }
    l->cv.notify_all();
  }
}

void DropCopyService::start() {
  if (started_) return;
  started_ = true;
  for (const auto& l : lanes_) {
    l->cursor = l->persisted = store_->load("drop_copy_cursors", l->handle.config.sender_comp_id);
    l->acked_persisted = store_->load("drop_copy_acks", l->handle.config.sender_comp_id);
    {
      std::lock_guard lock(l->shown_mu);
      l->shown = l->cursor;
    }
    {
      std::lock_guard lock(l->mu);
      l->stop = false;
      l->acked = l->acked_persisted;
    }
    Lane* raw = l.get();
    l->worker = std::thread([this, raw] { run(*raw); });
  }
}

void DropCopyService::stop() {
  if (!started_) return;
  started_ = false;
  for (const auto& l : lanes_) {
    {
      std::lock_guard lock(l->mu);
      l->stop = true;
    }
    l->cv.notify_all();
  }
  for (const auto& l : lanes_)
    if (l->worker.joinable()) l->worker.join();
}

std::optional<ExecId> DropCopyService::cursor(SessionId session) const {
  Lane* l = lane(session);
  if (!l) return std::nullopt;
  std::lock_guard lock(l->shown_mu);
  return l->shown;
}

DropCopyStats DropCopyService::stats() const {
  return DropCopyStats{live_sent_.load(), resent_.load(), catch_ups_.load()};
}

size_t DropCopyService::send_to_watchers(
    std::span<const AccountId> accounts,
    const std::function<std::optional<FIX::Message>(const SessionHandle&)>& build) {
  size_t sent = 0;
  for (const auto& l : lanes_) {
    const std::vector<AccountId>& watched = l->handle.accounts;
    if (std::none_of(accounts.begin(), accounts.end(), [&](AccountId a) {
          return std::find(watched.begin(), watched.end(), a) != watched.end();
        }))
      continue;
    {
      std::lock_guard lock(l->mu);
      if (!l->queueing) continue;  // logged off: not kept (see the header)
    }
    FIX::Session* session = FIX::Session::lookupSession(l->handle.id);
    if (!session || !session->isLoggedOn()) continue;
    std::optional<FIX::Message> m = build(l->handle);
    if (!m) continue;
    try {
      FIX::Session::sendToTarget(*m, l->handle.id);
      ++sent;
    } catch (const std::exception& ex) {
      spdlog::error("drop copy {}: send failed: {}", l->handle.id.toString(), ex.what());
    }
  }
  return sent;
}

void DropCopyService::persist(Lane& l, bool now) {
  {
    std::lock_guard lock(l.shown_mu);
    l.shown = l.cursor;
  }
  ExecId acked;
  {
    std::lock_guard lock(l.mu);
    acked = l.acked;
  }
  if (acked != l.acked_persisted &&
      store_->save("drop_copy_acks", l.handle.config.sender_comp_id, acked))
    l.acked_persisted = acked;
  if (l.cursor == l.persisted) return;
  auto t = std::chrono::steady_clock::now();
  if (!now && t - l.persisted_at < std::chrono::milliseconds(options_.persist_interval_ms)) return;
  if (store_->save("drop_copy_cursors", l.handle.config.sender_comp_id, l.cursor)) {
    l.persisted = l.cursor;
    l.persisted_at = t;
  }
}

void DropCopyService::probe(Lane& l, uint64_t epoch) {
  // A TestRequest naming the cursor: the desk's Heartbeat answer (same TestReqID) proves it read
  // every copy before it. At most every 100 ms, and only when something new was sent.
  if (l.cursor == l.probed || l.epoch.load() != epoch) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - l.probed_at < std::chrono::milliseconds(100)) return;
  FIX::Session* session = FIX::Session::lookupSession(l.handle.id);
  if (!session || !session->isLoggedOn()) return;
  FIX::Message m;
  m.getHeader().setField(std_tag::MsgType, "1");
  m.setField(std_tag::TestReqID, probe_prefix + exec_id_text(l.cursor));
  try {
    FIX::Session::sendToTarget(m, l.handle.id);
  } catch (const std::exception&) {
    return;
  }
  l.probed = l.cursor;
  l.probed_at = now;
}

bool DropCopyService::send(Lane& l, uint64_t epoch, const Event& e, bool resend) {
  const SessionConfig& config = l.handle.config;
  DropCopyScope scope{l.handle.accounts, config.trade_capture_reports};
  EncodeContext ctx{context_.directory, int(config.quickfix.timestamp_precision)};
  for (FIX::Message& m : encode_drop_copies(e, scope, context_.config, ctx)) {
    // Only while this Logon lasts: a copy handed to a logged-out session would sit in QuickFIX's
    // store, which a 141=Y Logon wipes; the journal resends it instead.
    if (l.epoch.load() != epoch) return false;
    FIX::Session* session = FIX::Session::lookupSession(l.handle.id);
    if (!session || !session->isLoggedOn()) return false;
    if (resend) m.getHeader().setField(std_tag::PossResend, "Y");
    try {
      FIX::Session::sendToTarget(m, l.handle.id);
    } catch (const std::exception& ex) {
      spdlog::error("drop copy {}: send failed: {}", l.handle.id.toString(), ex.what());
      return false;
    }
    ++(resend ? resent_ : live_sent_);
  }
  l.cursor = e.exec_id();
  return true;
}

bool DropCopyService::catch_up(Lane& l, uint64_t epoch, std::optional<ExecId> from, ExecId mark) {
  if (from) l.cursor = *from;  // the desk's own cursor replaces the venue's
  if (!l.reader) {
    try {
      l.reader = std::make_unique<JournalReader>(options_.journal_path);
    } catch (const std::exception& e) {
      spdlog::error("drop copy {}: {}", l.handle.id.toString(), e.what());
      return false;
    }
  }
  ++catch_ups_;
  for (;;) {
    std::vector<Event> events;
    try {
      events = l.reader->events_after(l.cursor, options_.catch_up_chunk, drop_copy_journal_kinds());
    } catch (const std::exception& e) {
      spdlog::error("drop copy {}: catch-up read failed: {}", l.handle.id.toString(), e.what());
      return false;
    }
    if (events.empty()) return true;
    for (const Event& e : events) {
      if (!send(l, epoch, e, e.exec_id() <= mark))
        return true;  // logged out meanwhile: resume next Logon
    }
    persist(l, false);
  }
}

void DropCopyService::run(Lane& l) {
  std::unique_lock lock(l.mu);
  for (;;) {
    bool woke = l.cv.wait_for(lock, std::chrono::milliseconds(options_.persist_interval_ms),
                              [&] { return l.stop || l.need_catch_up || !l.live.empty(); });
    if (l.stop) break;
    if (!woke) {
      const uint64_t epoch = l.epoch.load();
      lock.unlock();
      probe(l, epoch);
      persist(l, true);
      lock.lock();
      continue;
    }
    if (l.need_catch_up) {
      l.need_catch_up = false;
      std::optional<ExecId> from = l.requested;
      l.requested.reset();
      // After 141=Y QuickFIX cannot resend what was in flight: resume after the last copy the
      // desk confirmed instead of the last one written to the socket.
      if (!from && l.requested_reset && l.acked < l.cursor) from = l.acked;
      l.requested_reset = false;
      l.probed = ExecId{0, 0};  // a new connection: confirm the cursor again
      const ExecId mark = l.logon_mark;
      const uint64_t epoch = l.epoch.load();
      lock.unlock();
      bool ok = catch_up(l, epoch, from, mark);
      probe(l, epoch);
      persist(l, true);
      if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      lock.lock();
      // A failed read is retried while the same Logon lasts.
      if (!ok && l.epoch.load() == epoch && !l.stop) {
        l.need_catch_up = true;
        l.requested = from;
      }
      continue;
    }
    std::shared_ptr<const std::vector<Event>> batch = std::move(l.live.front());
    l.live.pop_front();
    const uint64_t epoch = l.epoch.load();
    lock.unlock();
    for (const Event& e : *batch) {
      if (e.exec_id() <= l.cursor) continue;  // already sent by the catch-up
      if (!send(l, epoch, e, false)) break;
    }
    probe(l, epoch);
    persist(l, false);
    lock.lock();
  }
  lock.unlock();
  persist(l, true);
}

void DropCopyService::save_view(ByteWriter& out) const {
  std::lock_guard lock(published_mu_);
  out(last_published_);
}

void DropCopyService::restore_view(ByteReader& in) {
  ExecId last{0, 0};
  in(last);
  std::lock_guard lock(published_mu_);
  last_published_ = last;
}

}  // namespace qd::fix
