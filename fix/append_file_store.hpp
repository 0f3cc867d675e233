#pragma once
// The FIX sessions' message store: QuickFIX's FileStore files and format, written with plain
// appends.
//
// QuickFIX 1.15's FileStore goes through stdio on files opened for update: for every stored
// message it seeks both files to their end (glibc re-reads a block and fstats to do so), formats
// the index entry with fprintf and flushes three streams; for every sequence number it rewinds
// and flushes again. That is most of the cost of sending a message on this machine. This store
// keeps the same four files, so stores written by either can be read by the other:
//   <path>/<BeginString>-<Sender>-<Target>[-<qualifier>].body     the messages, back to back
//   ...header    "seq,offset,size " for each message in the body
//   ...seqnums   "%010d : %010d", the next sender and target sequence numbers
//   ...session   the store's creation time (UTCTimestamp)
// and writes them with one write() per file per change: body and header are opened O_APPEND
// and the body's length is tracked in memory, the 23-byte seqnums file is overwritten in place.
// Like FileStore it does not fsync: a stored message survives the process being killed (it is in
// the page cache), not a power loss.
//
// Inside an OutboundBatch (fix/outbound_batch.hpp) a message and the sequence numbers are kept
// in memory and written when the batch ends, with one write() per file for the whole batch; any
// other call writes what is held back first, so the files always hold the messages in order.
//
// Opening is stricter than FileStore about damage a crash could leave: an index entry cut short
// at the end of the header is cut off (so later entries stay readable), and entries pointing past
// the end of the body are dropped with a warning (they could not be resent).
//
// QuickFIX calls a store under the session's lock; the store's own lock only covers what a
// batch's end writes from the outbox thread.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fix/outbound_batch.hpp"
#include "fix/quickfix.hpp"

namespace qd::fix {

class AppendFileStore final : public FIX::MessageStore, public DeferredWriter {
 public:
  /// Opens (creating when missing) the session's files under `path`. Throws FIX::ConfigError
  /// naming the file when one cannot be opened or read.
  AppendFileStore(const std::string& path, const FIX::SessionID& id);
  ~AppendFileStore() override;
  AppendFileStore(const AppendFileStore&) = delete;
  AppendFileStore& operator=(const AppendFileStore&) = delete;

  bool set(int seq, const std::string& message) override;
  void get(int begin, int end, std::vector<std::string>& out) const override;

  int getNextSenderMsgSeqNum() const override { return next_sender_; }
  int getNextTargetMsgSeqNum() const override { return next_target_; }
  void setNextSenderMsgSeqNum(int n) override;
  void setNextTargetMsgSeqNum(int n) override;
  void incrNextSenderMsgSeqNum() override { setNextSenderMsgSeqNum(next_sender_ + 1); }
  void incrNextTargetMsgSeqNum() override { setNextTargetMsgSeqNum(next_target_ + 1); }

  FIX::UtcTimeStamp getCreationTime() const override { return creation_time_; }

  /// Erases the session's messages, sequence numbers back to 1, a new creation time.
  void reset() override;
  /// Re-reads everything from the files.
  void refresh() override;

  /// Writes what a batch held back (OutboundBatch's end).
  void write_deferred() override;

  /// The files' common prefix: <path>/<BeginString>-<Sender>-<Target>[-<qualifier>].
  static std::string file_prefix(const std::string& path, const FIX::SessionID& id);

 private:
  struct Slot {
    long offset;
    size_t size;
  };

  void open(bool erase);
  void close_files();
  void load_index();
  void load_seq_nums();
  void write_seq_nums();
  void write_creation_time();
  /// Writes the held-back messages and sequence numbers (mu_ held).
  void write_pending();
  /// Keeps the sequence numbers for the batch's end, or writes them now (mu_ held).
  void seq_nums_changed();

  std::string prefix_;
  std::string body_path_, header_path_, seq_nums_path_, session_path_;
  int body_fd_ = -1;
  int header_fd_ = -1;
  int seq_nums_fd_ = -1;
  long body_size_ = 0;
  std::map<int, Slot> slots_;  // FileStore too holds the index in memory
  int next_sender_ = 1;
  int next_target_ = 1;
  FIX::UtcTimeStamp creation_time_;

  // Held back by an open batch: whole messages and their index entries, in sequence order.
  mutable std::mutex mu_;
  std::string pending_body_;
  std::string pending_header_;
  bool pending_seq_nums_ = false;
};

/// Creates AppendFileStores under each session's FileStorePath setting.
class AppendFileStoreFactory final : public FIX::MessageStoreFactory {
 public:
  explicit AppendFileStoreFactory(const FIX::SessionSettings& settings) : settings_(settings) {}
  FIX::MessageStore* create(const FIX::SessionID& id) override;
  void destroy(FIX::MessageStore* store) override { delete store; }

 private:
  FIX::SessionSettings settings_;
};

}  // namespace qd::fix
