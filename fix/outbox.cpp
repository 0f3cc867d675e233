#include "fix/outbox.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace qd::fix {

Outbox::Outbox(FIX::SessionID session) : session_(std::move(session)) {
  // Integration tests only: <dir>/<desk's CompID> opens a window in which committed reports are
  // never handed to QuickFIX (tests/integration/recovery).
  if (const char* dir = std::getenv("QD_TEST_OUTBOX_DROP_DIR"); dir && *dir) {
    test_drop_file_ = std::string(dir) + "/" + session_.getTargetCompID().getString();
    spdlog::warn("FIX {}: test hook QD_TEST_OUTBOX_DROP_DIR: messages are dropped while {} exists",
                 session_.toString(), test_drop_file_);
  }
}

Outbox::~Outbox() {
  stop();
}

void Outbox::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void Outbox::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Outbox::push(std::unique_ptr<FIX::Message> message) {
  push_message(std::move(message));
}

void Outbox::push(WireMessage message) {
  push_message(std::move(message));
}

void Outbox::push_message(Item message) {
  {
    std::lock_guard lock(mu_);
    if (!test_drop_file_.empty()) {
      std::error_code ec;
      if (std::filesystem::exists(test_drop_file_, ec)) return;
    }
    queue_.push_back(std::move(message));
  }
  cv_.notify_one();
}

void Outbox::push(std::function<void()> action) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(action));
  }
  cv_.notify_one();
}

void Outbox::flush() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || held_ || !thread_.joinable(); });
}

bool Outbox::idle() const {
  std::lock_guard lock(mu_);
  return queue_.empty() && !busy_ && !held_;
}

void Outbox::hold() {
  std::lock_guard lock(mu_);
  held_ = true;
}

void Outbox::release() {
  {
    std::lock_guard lock(mu_);
    if (!held_) return;
    held_ = false;
  }
  cv_.notify_all();
}

uint64_t Outbox::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

uint64_t Outbox::failed() const {
  std::lock_guard lock(mu_);
  return failed_;
}

void Outbox::run() {
  pthread_setname_np(pthread_self(), "qd-outbox");
  // Everything queued is taken in one go: under load one wake-up and one lock round trip serve
  // a whole publisher batch instead of one message each.
  std::deque<Item> work;
  // Found once: QuickFIX's sessions outlive the outbox (the gateway stops outboxes before it
  // destroys the acceptors), and sendToTarget would look the session up under a global lock for
  // every message.
  FIX::Session* session = nullptr;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || (!queue_.empty() && !held_); });
    if (queue_.empty()) {
      if (stop_) break;
      continue;
    }
    work.swap(queue_);
    busy_ = true;
    lock.unlock();
    uint64_t sent = 0;
    uint64_t failed = 0;
    SessionWire* wire = wire_;
    std::optional<OutboundBatch> batch;
    if (wire) batch.emplace();  // written when the pass ends
    for (auto& item : work) {
      try {
        if (std::holds_alternative<std::function<void()>>(item)) {
          std::get<std::function<void()>>(item)();
          ++sent;
          continue;
        }
        if (!session) session = FIX::Session::lookupSession(session_);
        if (!session) throw FIX::SessionNotFound(session_.toString());
        // Stored for resend even when the desk is not logged on; false only means "not sent
        // now".
        if (auto* m = std::get_if<std::unique_ptr<FIX::Message>>(&item)) {
          (*m)->setSessionID(session_);
          session->send(**m);
        } else if (wire) {
          wire->send(*session, std::get<WireMessage>(item));
        } else {
          FIX::Message m = std::get<WireMessage>(item).to_message();
          m.setSessionID(session_);
          session->send(m);
        }
        ++sent;
      } catch (const std::exception& e) {
        spdlog::error("FIX {}: could not queue an outbound message: {}", session_.toString(),
                      e.what());
        ++failed;
      }
    }
    batch.reset();
    work.clear();
    lock.lock();
    busy_ = false;
    sent_ += sent;
    failed_ += failed;
    if (queue_.empty()) idle_cv_.notify_all();
  }
  idle_cv_.notify_all();
}

}  // namespace qd::fix
