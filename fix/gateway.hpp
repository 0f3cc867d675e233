#pragma once
// The FIX 4.4 order-entry gateway: a QuickFIX acceptor (one per configured listener, TLS when
// the listener has certificates) whose Application decodes order entry into core commands for
// the sequencer, and an EventListener that turns the engine's committed events into
// ExecutionReports for the session that entered each order.
//
// Threads: QuickFIX runs one thread per connection; those threads decode, throttle and submit
// (CommandSink::try_submit never blocks). on_events runs on the engine's publisher thread and
// only updates the order view and queues messages; each session's own Outbox thread sends them.
//
// Wiring (composition root):
//   qd::fix::Gateway gateway(venue_config, sequencer);    // sequencer implements CommandSink
//   publisher.add_listener(gateway);                       // EventListener: committed events
//   ... replay the journal into the listeners ...           // events before start(): state only
//   gateway.start();                                        // binds the listeners
//   ...
//   gateway.stop();                                         // before the engine stops
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/config/venue_config.hpp"
#include "core/engine_ports.hpp"
#include "fix/audit_trail.hpp"
#include "fix/directory.hpp"
#include "fix/gateway_service.hpp"
#include "fix/order_decoder.hpp"
#include "fix/order_view.hpp"
#include "fix/outbox.hpp"
#include "fix/quickfix.hpp"
#include "fix/report_encoder.hpp"
#include "fix/session_guard.hpp"
#include "fix/throttle.hpp"

namespace qd::fix {

class ReportRecovery;

/// The venue dictionary compiled in: spec/FIX44-venue.xml of the source tree.
std::string default_dictionary_path();

struct GatewayOptions {
  /// The data dictionary the acceptor validates with (spec/FIX44-venue.xml).
  std::string dictionary_path = default_dictionary_path();
  /// Inbound application messages longer than this (bytes on the wire) are refused with a
  /// BusinessMessageReject and never executed.
  size_t max_message_bytes = 8192;
  /// How long stop() waits for cancel-on-disconnect results before closing the stores.
  int stop_wait_ms = 3000;
  /// SQLite file of the inbound audit trail (fix/audit_trail.hpp); "" = no audit trail.
  std::string audit_path;
};

struct GatewayStats {
  uint64_t commands_submitted = 0;
  uint64_t rejected_before_engine = 0;  ///< refused by the gateway (decode, throttle, duplicate)
  uint64_t throttled = 0;
  uint64_t system_busy = 0;
  uint64_t logons_refused = 0;
  uint64_t resets_refused = 0;
};

/// What Gateway::apply_session_changes did with a reloaded config's session settings.
struct SessionChanges {
  std::vector<std::string> applied;  ///< "sessions[A->B].throttle: applied", ...
  std::vector<std::string> restart;  ///< what only a restart can apply, with why
};

class Gateway : public FIX::Application, public EventListener {
 public:
  /// Copies the config. Throws std::runtime_error when the dictionary cannot be loaded.
  Gateway(const VenueConfig& config, CommandSink& sink, GatewayOptions options = {});
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  /// Adds an application service (drop copy, account reports, market data) answering the
  /// MsgTypes it declares; before start(). Build it with context().
  void add_service(std::unique_ptr<GatewayService> service);
  /// Before the journal is replayed into on_events (composition root): reads each order-entry
  /// session's message store, so the replay finds the committed reports that never reached it
  /// (a crash between commit and send). start() queues them, exactly as encoded live, to go out
  /// as new messages after the desk's next Logon (fix/report_recovery.hpp).
  void prepare_report_recovery();
  /// What services are built with: config, directory, dictionary and every session's handle.
  GatewayContext context() const;

  /// Binds every listener and starts accepting. Events received before this are journal replay:
  /// they rebuild the order view and send nothing. Sessions with cancel-on-disconnect that still
  /// have open orders (the venue restarted under them) get those orders cancelled. Throws
  /// FIX::ConfigError / std::runtime_error when a listener cannot start.
  void start();
  /// Logs every session out (cancel-on-disconnect applies), waits for those results to be
  /// stored for resend, then closes the listeners. `graceful` = false skips waiting for the
  /// desks' Logout replies (tests).
  void stop(bool graceful = true);

  /// Committed events, in sequence order (EventListener).
  void on_events(std::span<const Event> events) override;

  /// The views on_events built (the order view, then each service's in the order added), for
  /// restart snapshots: on the publisher thread between batches. `canonical`: equal views give
  /// equal bytes (OrderView::save).
  void save_views(ByteWriter& out, bool canonical = false) const;
  /// Before any event: replaces the views with saved ones. Throws std::runtime_error on
  /// malformed input.
  void restore_views(ByteReader& in);
  /// True when every order-entry session's outbox has handed everything to QuickFIX (none is
  /// held for crash recovery): views saved now leave crash recovery nothing to find before them.
  bool outbound_settled() const;

  /// The session number (SessionId) commands from this desk carry: 1-based position in
  /// VenueConfig::sessions; 0 when unknown.
  SessionId session_number(std::string_view sender_comp_id) const;
  bool is_logged_on(std::string_view sender_comp_id) const;
  /// Waits until every queued outbound message was handed to QuickFIX.
  void flush_outbound();
  GatewayStats stats() const;

  // Operator actions (gateway_admin.cpp); any thread.
  /// Logs a logged-on session out with `reason` as Logout Text (58); cancel-on-disconnect
  /// applies and the desk may log on again. "" when the Logout is under way, else why not
  /// (unknown session, not logged on).
  std::string logout_session(std::string_view sender_comp_id, const std::string& reason);
  /// A reloaded config's session settings that apply live: throttle limits of sessions that
  /// have a throttle (a fresh bucket at the new rate) and `enabled` (false logs the session out
  /// and refuses its logons; true lets a session disabled by an earlier reload log on again).
  /// Everything else about sessions (added, removed, accounts, auth, roles, flags, a throttle
  /// where there was none, enabling a session the gateway started disabled) needs a restart.
  SessionChanges apply_session_changes(const VenueConfig& next);
  /// The inbound audit trail; null when GatewayOptions::audit_path is empty.
  AuditTrail* audit_trail() const { return audit_.get(); }

  // FIX::Application (QuickFIX threads).
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID& id) override;
  void onLogout(const FIX::SessionID& id) override;
  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) override {}
  void fromAdmin(const FIX::Message& msg, const FIX::SessionID& id) override;
  void fromApp(const FIX::Message& msg, const FIX::SessionID& id) override;

 private:
  struct SessionRuntime {
    SessionRuntime(SessionId n, const SessionConfig& c, std::vector<AccountId> a);
    SessionId number;
    const SessionConfig& config;
    FIX::SessionID id;
    std::vector<AccountId> accounts;
    SessionGuard guard;
    std::mutex throttle_mu;
    std::optional<Throttle> throttle;
    SessionWire wire;  // before the outbox, which writes through it
    Outbox outbox;
    std::atomic<bool> logged_on{false};
    std::atomic<bool> throttle_logout{false};
    std::atomic<int> pending_cod{0};  ///< cancel-on-disconnect requests not yet answered
    SessionHandle handle;             ///< what services see of this session
  };

  SessionRuntime* runtime(const FIX::SessionID& id) const;
  SessionRuntime* runtime(SessionId number) const;
  EncodeContext encode_context(const SessionRuntime& s) const;
  std::string next_exec_id();

  // Requests (gateway_requests.cpp).
  void handle_app(const FIX::Message& msg, SessionRuntime& s);
  GatewayService* service_for(const std::string& type) const;
  void reject_for_role(const FIX::Message& msg, SessionRuntime& s, const std::string& type);
  bool check_throttle(const FIX::Message& msg, SessionRuntime& s, const std::string& type);
  std::optional<Rejection> check_unknown_fields(const FIX::Message& msg, const std::string& type,
                                                const SessionRuntime& s) const;
  void on_new_order(const FIX::Message& msg, SessionRuntime& s, bool poss_dup);
  void on_cancel_or_replace(const FIX::Message& msg, SessionRuntime& s, bool replace,
                            bool poss_dup);
  void on_status_request(const FIX::Message& msg, SessionRuntime& s);
  void on_mass_cancel(const FIX::Message& msg, SessionRuntime& s, bool poss_dup);
  void on_mass_status(const FIX::Message& msg, SessionRuntime& s);
  void reject_request(const FIX::Message& msg, SessionRuntime& s, const std::string& type,
                      const Rejection& why, const OrderView::Order* order = nullptr,
                      std::optional<std::pair<uint32_t, int64_t>> throttle = std::nullopt);
  bool submit(CommandBody command);

  /// Addresses every report `e` produces to the sessions that get it; deliver() decides where.
  void route(const Event& e);
  /// Live: onto the session's outbox. During the start-up replay: to crash recovery, which keeps
  /// the reports the session's store lacks. `encode(session)` builds the report (or nullopt).
  template <class Encode>
  void deliver(SessionRuntime& s, const Event& e, const Encode& encode);
  // Reports lost in a crash (report_recovery.cpp); under view_mu_, before start().
  bool recovery_may_lack(const SessionRuntime& s, const Event& e) const;
  void offer_recovered(const SessionRuntime& s, const Event& e, const FIX::Message& report);
  void queue_recovered_reports();
  void submit_cancel_on_disconnect(SessionRuntime& s);
  void maintenance_loop();

  VenueConfig config_;
  CommandSink& sink_;
  GatewayOptions options_;
  Directory directory_;
  FIX::DataDictionary dictionary_;
  std::vector<std::unique_ptr<SessionRuntime>> sessions_;
  std::map<FIX::SessionID, SessionRuntime*> by_id_;
  std::vector<SessionHandle*> handles_;
  std::vector<std::unique_ptr<GatewayService>> services_;

  mutable std::mutex view_mu_;  ///< guards view_ and the order of queued messages
  OrderView view_;
  bool started_ = false;  ///< under view_mu_
  /// Reports lost in a crash, by session; under view_mu_, until start().
  std::vector<std::unique_ptr<ReportRecovery>> recovery_;

  struct Listener {
    std::unique_ptr<GuardedStoreFactory> store;
    std::unique_ptr<GuardedLogFactory> log;
    std::unique_ptr<FIX::Acceptor> acceptor;
  };
  std::vector<Listener> listeners_;

  std::mutex cod_mu_;
  std::condition_variable cod_cv_;
  std::vector<MassCancel> cod_retry_;  ///< cancel-on-disconnect the queue had no room for
  bool stopping_ = false;
  std::thread maintenance_;

  std::string exec_prefix_;
  std::atomic<uint64_t> exec_counter_{0};
  mutable std::mutex stats_mu_;
  GatewayStats stats_;
  std::unique_ptr<AuditTrail> audit_;
};

}  // namespace qd::fix
