#include "engine/sequencer.hpp"

#include <chrono>
#include <future>

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
  if (journal_) last_seq_ = journal_->last_seq();
}

Sequencer::~Sequencer() { stop(); }

void Sequencer::add_listener(EventListener* listener) { listeners_.push_back(listener); }

void Sequencer::start() {
  publisher_thread_ = std::thread([this] { publisher_loop(); });
  engine_thread_ = std::thread([this] { engine_loop(); });
}

void Sequencer::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (engine_thread_.joinable()) engine_thread_.join();
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
  std::vector<CommandBody> bodies;
  std::vector<Command> batch;
  std::vector<Event> events;
  TimestampNs next_tick = options_.clock() + options_.clock_tick_interval_ns;
  for (;;) {
    std::deque<std::function<void()>> tasks;
    bool stopping = false;
    {
      std::unique_lock lock(queue_mutex_);
      const auto wait_ns = std::max<int64_t>(0, next_tick - options_.clock());
      queue_cv_.wait_for(lock, std::chrono::nanoseconds(wait_ns), [&] {
        return stopping_ || !queue_.empty() || !engine_tasks_.empty();
      });
      if (options_.batch_max_delay_ns > 0 && !queue_.empty() && queue_.size() < options_.max_batch) {
        const auto until = std::chrono::steady_clock::now() +
                           std::chrono::nanoseconds(options_.batch_max_delay_ns);
        queue_cv_.wait_until(lock, until,
                             [&] { return stopping_ || queue_.size() >= options_.max_batch; });
      }
      while (!queue_.empty() && bodies.size() < options_.max_batch) {
        bodies.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
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
      SeqNo seq = last_seq_.load(std::memory_order_relaxed);
      batch.clear();
      events.clear();
      constexpr size_t lookahead = 16;  // see Exchange::prefetch
      for (size_t i = 0; i < bodies.size() && i < lookahead; ++i) exchange_.prefetch(bodies[i]);
      for (size_t i = 0; i < bodies.size(); ++i) {
        if (i + lookahead < bodies.size()) exchange_.prefetch(bodies[i + lookahead]);
        batch.push_back(Command{++seq, now, std::move(bodies[i])});
        exchange_.process(batch.back(), events);
      }
      bodies.clear();
      const auto commit_start = std::chrono::steady_clock::now();
      try {
        if (journal_) journal_->append(batch, events);
      } catch (...) {
        // Nothing of this batch may be acknowledged; the venue stops taking commands.
        failed_ = true;
        std::lock_guard lock(queue_mutex_);
        queue_.clear();
        stopping = true;
      }
      if (failed_) break;
      last_seq_.store(seq, std::memory_order_relaxed);
      if (options_.on_commit) {
        options_.on_commit(batch, (std::chrono::steady_clock::now() - commit_start).count());
      }
      if (!events.empty()) {
        {
          std::lock_guard lock(publish_mutex_);
          published_.push_back(std::move(events));
        }
        publish_cv_.notify_one();
        events = {};
      }
    }
    if (stopping) break;
  }
}

void Sequencer::publisher_loop() {
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
  }
}

}  // namespace qd
