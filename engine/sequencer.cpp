#include "engine/sequencer.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>

namespace qd {

namespace {
TimestampNs system_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Sequencer::Sequencer(Exchange& exchange, Journal* journal, SequencerOptions options)
    : exchange_(exchange), journal_(journal), options_(std::move(options)) {
  if (!options_.clock) options_.clock = system_now;
  options_.max_batch = std::max<size_t>(1, options_.max_batch);
  if (journal_) last_seq_ = journal_->last_seq();
  engine_seq_ = last_seq_.load();
}

Sequencer::~Sequencer() {
  stop();
}

void Sequencer::add_listener(EventListener* listener) {
  listeners_.push_back(listener);
}

void Sequencer::start() {
  publisher_thread_ = std::thread([this] { publisher_loop(); });
  commit_thread_ = std::thread([this] { commit_loop(); });
  engine_thread_ = std::thread([this] { engine_loop(); });
}

void Sequencer::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (engine_thread_.joinable()) engine_thread_.join();
  // The engine marked itself done on the way out: the commit thread drains what is staged.
  if (commit_thread_.joinable()) commit_thread_.join();
  {
    std::lock_guard lock(publish_mutex_);
    publisher_stopping_ = true;
  }
  publish_cv_.notify_all();
  if (publisher_thread_.joinable()) publisher_thread_.join();
}

bool Sequencer::try_submit(CommandBody command) {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_ || failed_ || queue_.size() >= options_.queue_capacity) return false;
    queue_.push_back(std::move(command));
  }
  queue_cv_.notify_one();
  return true;
}

size_t Sequencer::queue_depth() const {
  std::lock_guard lock(queue_mutex_);
  return queue_.size();
}

void Sequencer::run_on_engine(const std::function<void(const Exchange&)>& fn) {
  std::promise<void> done;
  {
    std::lock_guard lock(queue_mutex_);
    if (!engine_thread_.joinable() || stopping_) {
      fn(exchange_);  // not running: nothing else touches the exchange
      return;
    }
    engine_tasks_.push_back([&] {
      fn(exchange_);
      done.set_value();
    });
  }
  queue_cv_.notify_one();
  done.get_future().wait();
}

void Sequencer::engine_loop() {
  pthread_setname_np(pthread_self(), "qd-engine");  // names show in top -H and perf
  std::vector<CommandBody> bodies;
  TimestampNs next_tick = options_.clock() + options_.clock_tick_interval_ns;
  for (;;) {
    if (failed_) break;
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
    bool more = false;
    {
      // Bounded pipeline: at most max_batch commands staged behind the running commit, so a
      // slow disk ends in a full queue ("system busy"), never in unbounded memory. Waiting for
      // room still runs run_on_engine tasks.
      const auto room = [&] { return staged_commands_.load() < options_.max_batch; };
      std::unique_lock lock(queue_mutex_);
      const auto wait_ns = std::max<int64_t>(0, next_tick - options_.clock());
      queue_cv_.wait_for(lock, std::chrono::nanoseconds(wait_ns), [&] {
        return (stopping_ && (queue_.empty() || room())) || (!queue_.empty() && room()) ||
               !engine_tasks_.empty();
      });
      const size_t staged = std::min(staged_commands_.load(), options_.max_batch);
      while (!queue_.empty() && bodies.size() < options_.max_batch - staged) {
        bodies.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      more = !queue_.empty();
      tasks.swap(engine_tasks_);
      stopping = stopping_ && queue_.empty();
    }
    for (auto& t : tasks) t();

    const TimestampNs now = options_.clock();
    if (now >= next_tick) {
      if (now >= exchange_.next_deadline()) bodies.push_back(ClockTick{});
      next_tick = now + options_.clock_tick_interval_ns;
    }
    if (!bodies.empty()) {
      Chunk chunk;
      chunk.commands.reserve(bodies.size());
      constexpr size_t lookahead = 16;  // see Exchange::prefetch
      for (size_t i = 0; i < bodies.size() && i < lookahead; ++i) exchange_.prefetch(bodies[i]);
      for (size_t i = 0; i < bodies.size(); ++i) {
        if (i + lookahead < bodies.size()) exchange_.prefetch(bodies[i + lookahead]);
        chunk.commands.push_back(Command{++engine_seq_, now, std::move(bodies[i])});
        exchange_.process(chunk.commands.back(), chunk.events);
      }
      bodies.clear();
      if (options_.after_chunk) options_.after_chunk(exchange_, engine_seq_);
      {
        std::lock_guard lock(commit_mutex_);
        staged_commands_ += chunk.commands.size();
        staged_.push_back(std::move(chunk));
        engine_working_ = more;
      }
      commit_cv_.notify_one();
    }
    if (stopping) break;
  }
  {
    std::lock_guard lock(commit_mutex_);
    engine_working_ = false;
    engine_done_ = true;
  }
  commit_cv_.notify_all();
  // Tasks queued before stopping_ was seen still run here: their callers are waiting.
  std::deque<std::function<void()>> tasks;
  {
    std::lock_guard lock(queue_mutex_);
    tasks.swap(engine_tasks_);
  }
  for (auto& t : tasks) t();
}

void Sequencer::commit_loop() {
  pthread_setname_np(pthread_self(), "qd-commit");
  for (;;) {
    Chunk batch;
    bool was_full = false;
    {
      std::unique_lock lock(commit_mutex_);
      commit_cv_.wait(lock, [&] { return !staged_.empty() || engine_done_; });
      if (staged_.empty()) return;  // the engine stopped and everything is committed
      if (options_.batch_max_delay_ns > 0 && engine_working_ &&
          staged_commands_ < options_.max_batch) {
        // Commands already arrived that the engine is still working through: let them join
        // this transaction rather than wait a whole commit for the next one.
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::nanoseconds(options_.batch_max_delay_ns);
        commit_cv_.wait_until(lock, until, [&] {
          return !engine_working_ || engine_done_ || staged_commands_ >= options_.max_batch;
        });
      }
      batch = std::move(staged_.front());
      staged_.pop_front();
      while (!staged_.empty() &&
             batch.commands.size() + staged_.front().commands.size() <= options_.max_batch) {
        Chunk& next = staged_.front();
        batch.commands.insert(batch.commands.end(), std::make_move_iterator(next.commands.begin()),
                              std::make_move_iterator(next.commands.end()));
        batch.events.insert(batch.events.end(), std::make_move_iterator(next.events.begin()),
                            std::make_move_iterator(next.events.end()));
        staged_.pop_front();
      }
      was_full = staged_commands_.load() >= options_.max_batch;
      staged_commands_ -= batch.commands.size();
    }
    if (was_full) {
      // The engine may be waiting for room under queue_mutex_: taking it orders this wake-up
      // after its check.
      { std::lock_guard lock(queue_mutex_); }
      queue_cv_.notify_all();
    }

    const auto commit_start = std::chrono::steady_clock::now();
    try {
      if (journal_) journal_->append(batch.commands, batch.events);
    } catch (...) {
      failed_ = true;
    }
    if (failed_) {
      // Nothing of this batch, nor of anything processed after it, may be acknowledged; the
      // venue stops taking commands.
      {
        std::lock_guard lock(queue_mutex_);
        queue_.clear();
        stopping_ = true;
      }
      queue_cv_.notify_all();
      {
        std::lock_guard lock(commit_mutex_);
        staged_.clear();
        staged_commands_ = 0;
      }
      return;
    }
    last_seq_.store(batch.commands.back().seq, std::memory_order_release);
    if (options_.on_commit) {
      options_.on_commit(batch.commands, (std::chrono::steady_clock::now() - commit_start).count());
    }
    if (!batch.events.empty()) {
      {
        std::lock_guard lock(publish_mutex_);
        published_.push_back(std::move(batch.events));
      }
      publish_cv_.notify_one();
    }
  }
}

void Sequencer::publisher_loop() {
  pthread_setname_np(pthread_self(), "qd-publish");
  for (;;) {
    std::vector<Event> batch;
    {
      std::unique_lock lock(publish_mutex_);
      publish_cv_.wait(lock, [&] { return publisher_stopping_ || !published_.empty(); });
      if (published_.empty()) return;  // stopping and drained
      batch = std::move(published_.front());
      published_.pop_front();
    }
    for (EventListener* l : listeners_) l->on_events(batch);
    if (options_.after_publish) options_.after_publish(batch.back().seq);
  }
}

}  // namespace qd
