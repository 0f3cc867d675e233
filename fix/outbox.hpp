#pragma once
// One session's outbound application messages, sent in order by the session's own thread so a
// desk that reads slowly (QuickFIX sends on a blocking socket) never delays the engine's event
// publisher or any other session. Session::sendToTarget stores each message in the session's
// message store even while the desk is logged out, so it is resent after the next Logon.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "fix/outbound_batch.hpp"
#include "fix/quickfix.hpp"
#include "fix/session_wire.hpp"
#include "fix/wire_message.hpp"

namespace qd::fix {

class Outbox {
 public:
  explicit Outbox(FIX::SessionID session);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void start();
  /// Sends everything queued, then stops the thread.
  void stop();

  /// Queues a message; it is sent after every message queued before it. The pointer form is the
  /// hot path (no copy: QuickFIX 1.15's Message cannot be moved); the value form copies once.
  void push(std::unique_ptr<FIX::Message> message);
  void push(const FIX::Message& message) { push(std::make_unique<FIX::Message>(message)); }
  /// The reports' form (fix/wire_message.hpp): written through the session's wire when it has
  /// one, else sent as a QuickFIX Message.
  void push(WireMessage message);
  /// Queues an action that runs on the outbox thread after every message queued before it
  /// (e.g. a Logout that must not overtake the rejects explaining it).
  void push(std::function<void()> action);

  /// Hands nothing more to QuickFIX (pushes still queue) until release(): reports recovered
  /// after a restart wait for the desk's Logon, so they go out as new messages ahead of anything
  /// queued after them (fix/report_recovery.hpp). stop() still hands them to QuickFIX.
  void hold();
  void release();

  /// Blocks until every message queued so far has been handed to QuickFIX (tests, shutdown), or
  /// the outbox is held.
  void flush();

  /// True when everything queued was handed to QuickFIX and the outbox is not held.
  bool idle() const;

  /// Only for a session carried by a SocketConnection (plain TCP): writes WireMessages through
  /// `wire`, and each pass's messages with one write per store file and socket (OutboundBatch).
  /// TLS sessions send one by one, as QuickFIX Messages.
  void use_wire(SessionWire* wire) { wire_ = wire; }

  uint64_t sent() const;
  uint64_t failed() const;

 private:
  void run();
  using Item = std::variant<std::unique_ptr<FIX::Message>, WireMessage, std::function<void()>>;
  /// Queues a message (not an action): the test hook may drop it.
  void push_message(Item message);

  FIX::SessionID session_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Item> queue_;
  bool stop_ = false;
  bool busy_ = false;
  bool held_ = false;
  std::atomic<SessionWire*> wire_{nullptr};
  uint64_t sent_ = 0;
  uint64_t failed_ = 0;
  std::thread thread_;
  // Test hook (QD_TEST_OUTBOX_DROP_DIR): while this file exists, messages are dropped instead of
  // queued, as if the process died between the journal's commit and the message store.
  std::string test_drop_file_;
};

}  // namespace qd::fix
