#pragma once
// A FIX 4.4 initiator for the venue: logs on with the venue's credentials (Username/Password and,
// when given an Ed25519 secret key, the RawData signature of logon_auth.hpp), sends order entry,
// and hands every received application message (plus session Reject and Logout) to a queue or a
// callback. Used by qd-client, the integration tests and the benchmarks.

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "fix/quickfix.hpp"

namespace qd::fix {

struct InitiatorOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string sender_comp_id;                                 ///< ours (the desk)
  std::string target_comp_id = "QUANTDESK";                   ///< the venue's
  std::string username;                                       ///< Username (553); "" = not sent
  std::string password;                                       ///< Password (554); "" = not sent
  std::optional<std::array<uint8_t, 64>> ed25519_secret_key;  ///< signs the Logon when set
  int heart_bt_int = 30;
  bool reset_on_logon = false;  ///< send ResetSeqNumFlag=Y and start at 1 on every logon
  std::string store_path;       ///< FileStore directory; "" = in memory
  std::string log_path;         ///< FileLog directory; "" = none
  std::string dictionary_path;  ///< validate inbound with it; "" = no validation
  bool tls = false;
  std::string tls_ca_file;    ///< CA to verify the venue's certificate; "" = no verification
  std::string tls_cert_file;  ///< client certificate (mutual TLS)
  std::string tls_key_file;
  int reconnect_interval_s = 1;
};

class Initiator : public FIX::Application {
 public:
  explicit Initiator(InitiatorOptions options);
  ~Initiator() override;
  Initiator(const Initiator&) = delete;
  Initiator& operator=(const Initiator&) = delete;

  void start();
  void stop(bool force = false);

  bool logged_on() const;
  bool wait_logged_on(std::chrono::milliseconds timeout);
  /// Waits until the session is logged out (or was never logged on) after a logon attempt.
  bool wait_logged_out(std::chrono::milliseconds timeout);

  /// Sends an application message on the session; false when QuickFIX would not send it now.
  bool send(FIX::Message& message);

  /// The next received message (application messages, session Reject 3 and Logout 5).
  std::optional<FIX::Message> next(std::chrono::milliseconds timeout);
  /// The first received message satisfying `pred` within `timeout`; others stay queued.
  std::optional<FIX::Message> wait_for(const std::function<bool(const FIX::Message&)>& pred,
                                       std::chrono::milliseconds timeout);
  /// Drops every queued message.
  void clear();

  /// Called for every received application message instead of queueing it (qd-client).
  void set_callback(std::function<void(const FIX::Message&)> cb);

  /// Text of the last Logout received from the venue ("" when none).
  std::string last_logout_text() const;
  int logons() const;
  const FIX::SessionID& session_id() const { return session_id_; }
  FIX::Session* session() const;

  // FIX::Application
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID&) override;
  void onLogout(const FIX::SessionID&) override;
  void toAdmin(FIX::Message& msg, const FIX::SessionID&) override;
  void toApp(FIX::Message&, const FIX::SessionID&) override {}
  void fromAdmin(const FIX::Message& msg, const FIX::SessionID&) override;
  void fromApp(const FIX::Message& msg, const FIX::SessionID&) override;

 private:
  void deliver(const FIX::Message& msg);

  InitiatorOptions options_;
  FIX::SessionID session_id_;
  FIX::SessionSettings settings_;
  std::unique_ptr<FIX::MessageStoreFactory> store_;
  std::unique_ptr<FIX::LogFactory> log_;
  std::unique_ptr<FIX::Initiator> initiator_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<FIX::Message> inbox_;
  std::function<void(const FIX::Message&)> callback_;
  bool logged_on_ = false;
  int logons_ = 0;
  std::string last_logout_text_;
};

}  // namespace qd::fix
