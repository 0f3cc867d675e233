#pragma once
// Drop copy for compliance: every drop_copy session gets a copy of every order event of the
// accounts it watches (fix/drop_copy_encoder.hpp), gap-free across disconnects, sequence resets
// and venue restarts.
//
// Delivery. The venue keeps, per drop-copy session, a cursor: the last event (seq, index) it
// handed to the session's QuickFIX Session while the desk was logged on, persisted in its own
// SQLite file (`cursor_path`). Nothing is queued while the desk is away (QuickFIX's store,
// which a Logon with 141=Y wipes, is never what delivery relies on). At Logon the session
// resumes after its cursor, or after the ExecID the desk names in DropCopyResumeAfter (20031):
// missed events are read back from the journal (the `events` table) and sent with PossResend
// (97=Y) when they happened before the Logon; then live events follow. ExecIDs are the engine's, so
// a desk de-duplicates resends.
//
// Hand-over between catch-up and live: live events are queued for a session from the moment it
// logs on, before the catch-up reads the journal; the journal holds every event before it is
// published, so each event is either read back or queued (or both: the cursor then skips the
// second copy). No gap, no duplicate within one connection.
//
// Threads: on_events (publisher thread) only filters and queues; one worker thread per
// drop-copy session reads the journal (its own read-only connection) and sends, so a slow desk
// or a long catch-up delays nobody else. The cursor file is written by the workers, at most
// every `persist_interval_ms` and at logout and stop; a crash may leave it behind what was
// handed, which only means a few copies are sent again (97=Y), never that one is missed.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "fix/gateway_service.hpp"

namespace qd::fix {

struct DropCopyOptions {
  std::string journal_path;      ///< the venue's SQLite journal, read back for catch-up
  std::string cursor_path;       ///< SQLite file holding each drop-copy session's cursor
  size_t catch_up_chunk = 1000;  ///< journal events read per query during catch-up
  int persist_interval_ms = 20;  ///< the cursor file is updated at most this often
};

struct DropCopyStats {
  uint64_t live_sent = 0;  ///< copies sent as events happened
  uint64_t resent = 0;     ///< copies sent from the journal with PossResend=Y
  uint64_t catch_ups = 0;  ///< logons that resumed from a cursor
};

class DropCopyService final : public GatewayService {
 public:
  /// Throws std::runtime_error when the cursor file cannot be opened.
  DropCopyService(GatewayContext context, DropCopyOptions options);
  ~DropCopyService() override;

  /// "A": the authenticated Logon of a drop-copy session (its DropCopyResumeAfter). A drop-copy
  /// session sends no application messages: the gateway answers them with a 35=j.
  bool handles(std::string_view msg_type) const override;
  bool permitted(SessionRole role, std::string_view msg_type) const override;
  /// The Logon: records DropCopyResumeAfter (20031). Throws FIX::RejectLogon when it is not
  /// "<seq>.<index>" or "0".
  void on_request(const FIX::Message& msg, SessionHandle& session) override;
  void on_events(std::span<const Event> events, bool live) override;
  void save_view(ByteWriter& out) const override;
  void restore_view(ByteReader& in) override;
  void start() override;
  void stop() override;
  void on_logon(SessionHandle& session) override;
  void on_logout(SessionHandle& session) override;

  /// The last event handed to a drop-copy session ({0, 0} before any); nullopt for other
  /// sessions.
  std::optional<ExecId> cursor(SessionId session) const;
  DropCopyStats stats() const;

  /// Messages that are not order events (the settlement of fills, spec/SETTLEMENT.md "Drop
  /// copy"): sends, from the caller's thread, what `build` returns for each drop-copy session
  /// that watches one of `accounts` and is logged on now; `build` returns nullopt to skip a
  /// session. Nothing is kept for sessions logged off, and nothing is read back at Logon.
  /// Returns the messages handed to QuickFIX.
  size_t send_to_watchers(
      std::span<const AccountId> accounts,
      const std::function<std::optional<FIX::Message>(const SessionHandle&)>& build);

 private:
  struct Lane;
  class CursorStore;
  Lane* lane(SessionId number) const;
  void run(Lane& lane);
  bool catch_up(Lane& lane, uint64_t epoch, std::optional<ExecId> from, ExecId mark);
  bool send(Lane& lane, uint64_t epoch, const Event& e, bool resend);
  void persist(Lane& lane, bool now);
  void probe(Lane& lane, uint64_t epoch);

  GatewayContext context_;
  DropCopyOptions options_;
  std::unique_ptr<CursorStore> store_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  mutable std::mutex published_mu_;
  ExecId last_published_{0, 0};  ///< under published_mu_: the last event on_events saw
  bool started_ = false;
  std::atomic<uint64_t> live_sent_{0};
  std::atomic<uint64_t> resent_{0};
  std::atomic<uint64_t> catch_ups_{0};
};

/// Parses a DropCopyResumeAfter value: "<seq>.<index>" or "0" ({0, 0}); nullopt otherwise.
std::optional<ExecId> parse_exec_id(std::string_view text);

}  // namespace qd::fix
