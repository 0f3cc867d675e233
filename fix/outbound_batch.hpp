#pragma once
// One outbox pass's writes, made at its end: one write() per store file and one per socket for
// the whole pass instead of one each per message (on this machine a loopback send costs more
// than building the message). A connection thread opens one around each read, so the sequence
// numbers of the messages that read delivered are written once.
//
// While an OutboundBatch is alive on a thread, the writers that know about it (AppendFileStore,
// SocketConnection) keep what that thread hands them in memory and enlist here; the batch's end
// writes every enlisted store first, then every enlisted connection, so a desk never receives a
// message its session's store could not resend after a crash. Any write from another thread (a
// heartbeat, a resend) first writes what is pending ahead of it, so the order on disk and on the
// wire is always the order QuickFIX numbered the messages in.
//
// Only a thread whose session is carried by a SocketConnection may open a batch: a store
// written late behind a transport that sends at once would break the rule above.

#include <memory>
#include <vector>

namespace qd::fix {

/// Something that holds bytes back while a batch is open.
class DeferredWriter {
 public:
  /// Writes what is held back; errors are logged, never thrown (the batch's other writers must
  /// still be written).
  virtual void write_deferred() = 0;

 protected:
  ~DeferredWriter() = default;
};

class OutboundBatch {
 public:
  /// Opens the batch on the calling thread (batches do not nest).
  OutboundBatch();
  /// Writes everything enlisted.
  ~OutboundBatch();
  OutboundBatch(const OutboundBatch&) = delete;
  OutboundBatch& operator=(const OutboundBatch&) = delete;

  /// The calling thread's open batch, or nullptr.
  static OutboundBatch* current();

  /// A store with messages held back; written before any connection.
  void enlist_store(DeferredWriter* store);
  /// A connection with bytes held back; kept alive until written. True the first time in this
  /// batch.
  bool enlist_connection(std::shared_ptr<DeferredWriter> connection);

  /// Writes the enlisted stores now: a connection about to write (say, on its way to close)
  /// calls this first so its bytes never overtake their stored copies.
  void write_stores();
  /// Writes every store, then every connection.
  void write_all();

 private:
  std::vector<DeferredWriter*> stores_;
  std::vector<std::shared_ptr<DeferredWriter>> connections_;
};

}  // namespace qd::fix
