#include "fix/session_guard.hpp"

#include <spdlog/spdlog.h>

#include "fix/audit_trail.hpp"
#include "fix/fix_time.hpp"

namespace qd::fix {

namespace {

class GuardedStore : public FIX::MessageStore {
 public:
  GuardedStore(FIX::MessageStore* inner, SessionGuard* guard, std::string name)
      : inner_(inner), guard_(guard), name_(std::move(name)) {}
  FIX::MessageStore* inner() const { return inner_; }

  bool set(int n, const std::string& m) override { return inner_->set(n, m); }
  void get(int b, int e, std::vector<std::string>& out) const override { inner_->get(b, e, out); }
  int getNextSenderMsgSeqNum() const override { return inner_->getNextSenderMsgSeqNum(); }
  int getNextTargetMsgSeqNum() const override { return inner_->getNextTargetMsgSeqNum(); }
  void setNextSenderMsgSeqNum(int n) override { inner_->setNextSenderMsgSeqNum(n); }
  void setNextTargetMsgSeqNum(int n) override { inner_->setNextTargetMsgSeqNum(n); }
  void incrNextSenderMsgSeqNum() override { inner_->incrNextSenderMsgSeqNum(); }
  void incrNextTargetMsgSeqNum() override { inner_->incrNextTargetMsgSeqNum(); }
  FIX::UtcTimeStamp getCreationTime() const override { return inner_->getCreationTime(); }
  void refresh() override { inner_->refresh(); }
  void reset() override {
    if (guard_ && !guard_->reset_allowed()) {
      guard_->count_refused_reset();
      spdlog::warn("FIX {}: store reset refused: the Logon asking for it was not authenticated",
                   name_);
      return;
    }
    inner_->reset();
  }

 private:
  FIX::MessageStore* inner_;
  SessionGuard* guard_;
  std::string name_;
};

class GuardedLog : public FIX::Log {
 public:
  GuardedLog(FIX::Log* inner, SessionGuard* guard) : inner_(inner), guard_(guard) {}
  FIX::Log* inner() const { return inner_; }

  void clear() override { inner_->clear(); }
  void backup() override { inner_->backup(); }
  void onIncoming(const std::string& s) override {
    if (guard_) guard_->on_incoming(s);
    note_inbound_text(s);
    // (An if, not ?: — the conditional operator would copy `s` into a temporary.)
    if (may_hold_secrets(s))
      inner_->onIncoming(redact_secrets(s));
    else
      inner_->onIncoming(s);
  }
  void onOutgoing(const std::string& s) override {
    if (may_hold_secrets(s))
      inner_->onOutgoing(redact_secrets(s));
    else
      inner_->onOutgoing(s);
  }
  void onEvent(const std::string& s) override { inner_->onEvent(redact_secrets(s)); }

 private:
  FIX::Log* inner_;
  SessionGuard* guard_;
};

/// The acceptor's own log (connections, unknown sessions): redacted into the process log.
class ProcessLog : public FIX::Log {
 public:
  void clear() override {}
  void backup() override {}
  void onIncoming(const std::string& s) override {
    spdlog::info("FIX acceptor incoming: {}", printable(redact_secrets(s)));
  }
  void onOutgoing(const std::string& s) override {
    spdlog::info("FIX acceptor outgoing: {}", printable(redact_secrets(s)));
  }
  void onEvent(const std::string& s) override {
    spdlog::info("FIX acceptor: {}", printable(redact_secrets(s)));
  }

 private:
  static std::string printable(std::string s) {
    for (char& c : s)
      if (c == '\x01')
        c = '|';
      else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
        c = '?';
    if (s.size() > 512) s = s.substr(0, 512) + "...";
    return s;
  }
};

std::optional<std::string> header_or_body(const FIX::Message& m, int tag) {
  if (m.getHeader().isSetField(tag)) return m.getHeader().getField(tag);
  if (m.isSetField(tag)) return m.getField(tag);
  return std::nullopt;
}

}  // namespace

SessionGuard::SessionGuard(const SessionConfig& config) : config_(config) {}

AuthResult SessionGuard::check(const LogonFields& logon,
                               const std::optional<std::string>& heart_bt_int) {
  AuthResult r;
  if (!config_.enabled) {
    r.reason = "session disabled";
    return r;
  }
  std::string expected = std::to_string(config_.quickfix.heart_bt_int);
  if (heart_bt_int && *heart_bt_int != expected) {
    r.reason = "HeartBtInt (108) must be " + expected;
    return r;
  }
  TimestampNs last;
  {
    std::lock_guard lock(mu_);
    last = last_signed_ns_;
  }
  return authenticate(config_.auth, logon, wall_clock_ns(), config_.quickfix.max_latency, last);
}

void SessionGuard::on_incoming(const std::string& raw) noexcept {
  last_size_.store(raw.size(), std::memory_order_relaxed);
  try {
    std::optional<LogonFields> logon = parse_logon(raw);
    if (!logon) return;
    AuthResult r = check(*logon, logon->heart_bt_int.empty()
                                     ? std::nullopt
                                     : std::optional<std::string>(logon->heart_bt_int));
    std::lock_guard lock(mu_);
    state_ = r.ok ? State::logon_accepted : State::logon_denied;
    pending_ = std::move(r);
  } catch (...) {
    std::lock_guard lock(mu_);
    state_ = State::logon_denied;
    pending_ = AuthResult{false, "logon could not be checked", 0};
  }
}

bool SessionGuard::reset_allowed() const {
  std::lock_guard lock(mu_);
  return state_ != State::logon_denied;
}

AuthResult SessionGuard::verdict_for(const FIX::Message& msg) {
  std::optional<AuthResult> r;
  {
    std::lock_guard lock(mu_);
    r.swap(pending_);
  }
  if (!r) {
    LogonFields f;
    f.begin_string = header_or_body(msg, 8).value_or("");
    f.msg_type.push_back('A');  // not = "A": g++ 12 -O2 warns falsely (-Wrestrict)
    f.msg_seq_num = header_or_body(msg, 34).value_or("");
    f.sender_comp_id = header_or_body(msg, 49).value_or("");
    f.target_comp_id = header_or_body(msg, 56).value_or("");
    f.sending_time = header_or_body(msg, 52).value_or("");
    f.username = header_or_body(msg, 553);
    f.password = header_or_body(msg, 554);
    f.raw_data = header_or_body(msg, 96);
    r = check(f, header_or_body(msg, 108));
  }
  std::lock_guard lock(mu_);
  state_ = r->ok ? State::logon_accepted : State::logon_denied;
  if (r->ok && r->signed_time > last_signed_ns_) last_signed_ns_ = r->signed_time;
  return *r;
}

GuardedStoreFactory::GuardedStoreFactory(std::unique_ptr<FIX::MessageStoreFactory> inner,
                                         GuardLookup guards)
    : inner_(std::move(inner)), guards_(std::move(guards)) {}

FIX::MessageStore* GuardedStoreFactory::create(const FIX::SessionID& id) {
  return new GuardedStore(inner_->create(id), guards_(id), id.toString());
}

void GuardedStoreFactory::destroy(FIX::MessageStore* store) {
  auto* g = static_cast<GuardedStore*>(store);
  inner_->destroy(g->inner());
  delete g;
}

GuardedLogFactory::GuardedLogFactory(const FIX::SessionSettings& settings, GuardLookup guards)
    : files_(settings), guards_(std::move(guards)) {}

FIX::Log* GuardedLogFactory::create() {
  return new ProcessLog();
}

FIX::Log* GuardedLogFactory::create(const FIX::SessionID& id) {
  return new GuardedLog(files_.create(id), guards_(id));
}

void GuardedLogFactory::destroy(FIX::Log* log) {
  if (auto* g = dynamic_cast<GuardedLog*>(log)) {
    files_.destroy(static_cast<BufferedFileLog*>(g->inner()));
    delete g;
    return;
  }
  delete log;
}

}  // namespace qd::fix
