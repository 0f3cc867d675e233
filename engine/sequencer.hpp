#pragma once
// The engine pipeline, three threads:
//   engine     drains submitted command bodies in chunks, stamps each with the next sequence
//              number and the time (the only clock read in the engine), applies them to the
//              Exchange and stages the chunk (commands + the events they produced);
//   commit     takes what is staged (at most max_batch commands) and journals it as one
//              transaction, while the engine already matches the next chunk (pipelining);
//   publisher  hands each committed batch's events to every EventListener, in sequence order.
// Ack means durable: events leave only after the transaction holding their commands committed,
// and batches are committed and published in sequence order. A slow listener delays other
// listeners, never matching; a slow disk delays acks, and matching only once max_batch commands
// are staged behind the running commit (then the queue fills and submissions fail).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/engine_ports.hpp"
#include "engine/exchange.hpp"
#include "engine/journal.hpp"

namespace qd {

struct SequencerOptions {
  size_t queue_capacity = 65536;  ///< commands waiting; beyond this submissions fail
  size_t max_batch = 256;         ///< commands per journal transaction at most (>= 1)
  /// Group commit: with fewer than max_batch staged while the engine is still working on
  /// commands that already arrived, wait at most this long (ns) for them before committing.
  /// Never waits when nothing more has arrived: a lone order commits at once, and what arrives
  /// during a commit forms the next batch anyway. 0 never waits.
  int64_t batch_max_delay_ns = 0;
  /// How often the engine checks for due deadlines; a ClockTick is sequenced only when one is due.
  int64_t clock_tick_interval_ns = 1'000'000'000;
  std::function<TimestampNs()> clock;  ///< wall clock in ns since the epoch; default system_clock
  /// Optional, for metrics: called on the commit thread after each batch commits, with the batch
  /// and the journal append's duration (steady clock, ns). Must be cheap and never block.
  std::function<void(std::span<const Command> batch, int64_t commit_ns)> on_commit;
  /// Optional, for snapshots: called on the engine thread after each chunk is applied, with the
  /// exchange and the chunk's last sequence number (the state holds exactly the commands up to
  /// it). Whatever it takes delays matching: copy the state and leave the I/O to another thread.
  std::function<void(const Exchange& exchange, SeqNo last_seq)> after_chunk;
  /// Optional, for the edges' snapshots: called on the publisher thread after every listener
  /// has received a batch, with the batch's last event's sequence number (the listeners' state
  /// holds exactly the events up to it). Whatever it takes delays every listener.
  std::function<void(SeqNo last_event_seq)> after_publish;
};

class Sequencer final : public CommandSink {
 public:
  /// journal may be null only in benchmarks and unit tests that measure the engine alone.
  Sequencer(Exchange& exchange, Journal* journal, SequencerOptions options = {});
  ~Sequencer() override;

  void add_listener(EventListener* listener);  ///< before start()
  void start();
  /// Drains what was submitted, commits and publishes it, and joins the threads.
  void stop();

  bool try_submit(CommandBody command) override;

  /// Runs fn on the engine thread between chunks and waits for it: how admin queries read
  /// engine state without locks. The state may include the effects of commands whose commit is
  /// still running (at most two batches); nothing of them has been acknowledged yet.
  void run_on_engine(const std::function<void(const Exchange&)>& fn);

  /// Highest sequence number committed to the journal (processed, without a journal).
  SeqNo last_seq() const { return last_seq_.load(std::memory_order_acquire); }
  size_t queue_depth() const;
  /// Set when the journal failed: the engine stopped and accepts nothing more.
  bool failed() const { return failed_.load(); }

 private:
  /// Commands the engine processed and the events they produced, waiting for their commit.
  struct Chunk {
    std::vector<Command> commands;
    std::vector<Event> events;
  };

  void engine_loop();
  void commit_loop();
  void publisher_loop();

  Exchange& exchange_;
  Journal* journal_;
  SequencerOptions options_;
  std::vector<EventListener*> listeners_;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<CommandBody> queue_;
  std::deque<std::function<void()>> engine_tasks_;
  bool stopping_ = false;

  // Engine -> commit thread.
  std::mutex commit_mutex_;
  std::condition_variable commit_cv_;  ///< commit thread: something staged, or the engine idle
  std::deque<Chunk> staged_;
  std::atomic<size_t> staged_commands_{0};  ///< written under commit_mutex_
  bool engine_working_ = false;  ///< more commands had arrived when the last chunk was staged
  bool engine_done_ = false;

  // Commit thread -> publisher.
  std::mutex publish_mutex_;
  std::condition_variable publish_cv_;
  std::deque<std::vector<Event>> published_;
  bool publisher_stopping_ = false;

  SeqNo engine_seq_ = 0;  ///< engine thread only: last sequence number stamped
  std::atomic<SeqNo> last_seq_{0};
  std::atomic<bool> failed_{false};
  std::thread engine_thread_;
  std::thread commit_thread_;
  std::thread publisher_thread_;
};

}  // namespace qd
