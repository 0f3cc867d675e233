#include "fix/initiator.hpp"

#include "fix/logon_auth.hpp"

namespace qd::fix {

Initiator::Initiator(InitiatorOptions options)
    : options_(std::move(options)),
      session_id_("FIX.4.4", options_.sender_comp_id, options_.target_comp_id) {
  FIX::Dictionary d;
  d.setString(FIX::CONNECTION_TYPE, "initiator");
  d.setString(FIX::SOCKET_CONNECT_HOST, options_.host);
  d.setInt(FIX::SOCKET_CONNECT_PORT, options_.port);
  d.setString(FIX::SOCKET_NODELAY, "Y");
  d.setInt(FIX::HEARTBTINT, options_.heart_bt_int);
  d.setInt(FIX::RECONNECT_INTERVAL, options_.reconnect_interval_s);
  d.setString(FIX::START_TIME, "00:00:00");
  d.setString(FIX::END_TIME, "00:00:00");
  d.setString(FIX::RESET_ON_LOGON, options_.reset_on_logon ? "Y" : "N");
  d.setString(FIX::TIMESTAMP_PRECISION, "6");
  if (options_.dictionary_path.empty()) {
    d.setString(FIX::USE_DATA_DICTIONARY, "N");
  } else {
    d.setString(FIX::USE_DATA_DICTIONARY, "Y");
    d.setString(FIX::DATA_DICTIONARY, options_.dictionary_path);
  }
  if (!options_.store_path.empty()) d.setString(FIX::FILE_STORE_PATH, options_.store_path);
  if (!options_.log_path.empty()) d.setString(FIX::FILE_LOG_PATH, options_.log_path);
  if (options_.tls) {
    d.setString(FIX::SSL_PROTOCOL, "-all +TLSv1_2");
    if (!options_.tls_ca_file.empty()) d.setString(FIX::CERT_AUTH_FILE, options_.tls_ca_file);
    if (!options_.tls_cert_file.empty()) {
      d.setString(FIX::CLIENT_CERT_FILE, options_.tls_cert_file);
      d.setString(FIX::CLIENT_CERT_KEY_FILE, options_.tls_key_file);
    }
  }
  settings_.set(d);
  d.setString(FIX::BEGINSTRING, "FIX.4.4");
  d.setString(FIX::SENDERCOMPID, options_.sender_comp_id);
  d.setString(FIX::TARGETCOMPID, options_.target_comp_id);
  settings_.set(session_id_, d);
  if (options_.store_path.empty())
    store_ = std::make_unique<FIX::MemoryStoreFactory>();
  else
    store_ = std::make_unique<FIX::FileStoreFactory>(settings_);
  if (!options_.log_path.empty()) log_ = std::make_unique<FIX::FileLogFactory>(settings_);
}

Initiator::~Initiator() {
  try {
    stop(true);
  } catch (...) {
  }
}

void Initiator::start() {
  if (initiator_) return;
  if (options_.tls) {
    initiator_ =
        log_ ? std::make_unique<FIX::ThreadedSSLSocketInitiator>(*this, *store_, settings_, *log_)
             : std::make_unique<FIX::ThreadedSSLSocketInitiator>(*this, *store_, settings_);
  } else {
    initiator_ =
        log_ ? std::make_unique<FIX::ThreadedSocketInitiator>(*this, *store_, settings_, *log_)
             : std::make_unique<FIX::ThreadedSocketInitiator>(*this, *store_, settings_);
  }
  initiator_->start();
}

void Initiator::stop(bool force) {
  if (!initiator_) return;
  initiator_->stop(force);
  initiator_.reset();
  std::lock_guard lock(mu_);
  logged_on_ = false;
  cv_.notify_all();
}

FIX::Session* Initiator::session() const {
  return FIX::Session::lookupSession(session_id_);
}

bool Initiator::logged_on() const {
  std::lock_guard lock(mu_);
  return logged_on_;
}

bool Initiator::wait_logged_on(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return logged_on_; });
}

bool Initiator::wait_logged_out(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return !logged_on_; });
}

bool Initiator::send(FIX::Message& message) {
  try {
    return FIX::Session::sendToTarget(message, session_id_);
  } catch (const FIX::SessionNotFound&) {
    return false;
  }
}

std::optional<FIX::Message> Initiator::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return !inbox_.empty(); })) return std::nullopt;
  FIX::Message m = std::move(inbox_.front());
  inbox_.pop_front();
  return m;
}

std::optional<FIX::Message> Initiator::wait_for(
    const std::function<bool(const FIX::Message&)>& pred, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t checked = 0;
  for (;;) {
    for (; checked < inbox_.size(); ++checked) {
      if (pred(inbox_[checked])) {
        FIX::Message m = std::move(inbox_[checked]);
        inbox_.erase(inbox_.begin() + std::ptrdiff_t(checked));
        return m;
      }
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && checked == inbox_.size())
      return std::nullopt;
  }
}

void Initiator::clear() {
  std::lock_guard lock(mu_);
  inbox_.clear();
}

void Initiator::set_callback(std::function<void(const FIX::Message&)> cb) {
  std::lock_guard lock(mu_);
  callback_ = std::move(cb);
}

std::string Initiator::last_logout_text() const {
  std::lock_guard lock(mu_);
  return last_logout_text_;
}

int Initiator::logons() const {
  std::lock_guard lock(mu_);
  return logons_;
}

void Initiator::onLogon(const FIX::SessionID&) {
  std::lock_guard lock(mu_);
  logged_on_ = true;
  ++logons_;
  cv_.notify_all();
}

void Initiator::onLogout(const FIX::SessionID&) {
  std::lock_guard lock(mu_);
  logged_on_ = false;
  cv_.notify_all();
}

void Initiator::toAdmin(FIX::Message& msg, const FIX::SessionID&) {
  if (msg.getHeader().getField(FIX::FIELD::MsgType) != "A") return;
  if (!options_.username.empty()) msg.setField(553, options_.username);
  if (!options_.password.empty()) msg.setField(554, options_.password);
  if (options_.ed25519_secret_key) {
    // The header is complete here: QuickFIX filled SendingTime and MsgSeqNum before toAdmin.
    const FIX::Header& h = msg.getHeader();
    LogonFields f;
    f.sending_time = h.getField(52);
    f.msg_type.push_back('A');  // not = "A": g++ 12 -O2 warns falsely (-Wrestrict)
    f.msg_seq_num = h.getField(34);
    f.sender_comp_id = h.getField(49);
    f.target_comp_id = h.getField(56);
    std::string sig = sign_logon_payload(signed_logon_payload(f), *options_.ed25519_secret_key);
    msg.setField(95, std::to_string(sig.size()));
    msg.setField(96, sig);
  }
}

void Initiator::deliver(const FIX::Message& msg) {
  std::function<void(const FIX::Message&)> cb;
  {
    std::lock_guard lock(mu_);
    if (!callback_) {
      inbox_.push_back(msg);
      cv_.notify_all();
      return;
    }
    cb = callback_;
  }
  cb(msg);
}

void Initiator::fromAdmin(const FIX::Message& msg, const FIX::SessionID&) {
  std::string type = msg.getHeader().getField(FIX::FIELD::MsgType);
  if (type == "5") {
    {
      std::lock_guard lock(mu_);
      last_logout_text_ = msg.isSetField(58) ? msg.getField(58) : "";
    }
    deliver(msg);
  } else if (type == "3") {
    deliver(msg);
  }
}

void Initiator::fromApp(const FIX::Message& msg, const FIX::SessionID&) {
  deliver(msg);
}

}  // namespace qd::fix
