#pragma once
// The engine thread. Edges submit command bodies into a bounded queue (full -> the caller answers
// "system busy"); the thread drains them in batches, stamps each with the next sequence number
// and the time (the only clock read in the engine), applies them to the Exchange, journals the
// batch, and only then hands the batch's events to the publisher thread, which calls every
// EventListener in sequence order. A slow listener delays other listeners, never matching.

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
  size_t queue_capacity = 65536;      ///< commands waiting; beyond this submissions fail
  size_t max_batch = 256;             ///< commands per journal transaction at most
  /// Group commit: with fewer than max_batch waiting, wait at most this long for more before
  /// committing. 0 commits at once (the commit's own duration still batches what arrives).
  int64_t batch_max_delay_ns = 0;
  /// How often the engine checks for due deadlines; a ClockTick is sequenced only when one is due.
  int64_t clock_tick_interval_ns = 1'000'000'000;
  std::function<TimestampNs()> clock; ///< wall clock in ns since the epoch; default system_clock
  /// Optional, for metrics: called on the engine thread after each batch commits, with the batch
  /// and the journal append's duration (steady clock, ns). Must be cheap and never block.
  std::function<void(std::span<const Command> batch, int64_t commit_ns)> on_commit;
};

class Sequencer final : public CommandSink {
 public:
  /// journal may be null only in benchmarks and unit tests that measure the engine alone.
  Sequencer(Exchange& exchange, Journal* journal, SequencerOptions options = {});
  ~Sequencer() override;

  void add_listener(EventListener* listener);  ///< before start()
  void start();
  /// Drains what was submitted, publishes it, and joins both threads.
  void stop();

  bool try_submit(CommandBody command) override;

  /// Runs fn on the engine thread between batches and waits for it: how admin queries read
  /// engine state without locks.
  void run_on_engine(const std::function<void(const Exchange&)>& fn);

  SeqNo last_seq() const { return last_seq_.load(std::memory_order_relaxed); }
  size_t queue_depth() const;
  /// Set when the journal failed: the engine stopped and accepts nothing more.
  bool failed() const { return failed_.load(); }

 private:
  void engine_loop();
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

  std::mutex publish_mutex_;
  std::condition_variable publish_cv_;
  std::deque<std::vector<Event>> published_;
  bool publisher_stopping_ = false;

  std::atomic<SeqNo> last_seq_{0};
  std::atomic<bool> failed_{false};
  std::thread engine_thread_;
  std::thread publisher_thread_;
};

}  // namespace qd
