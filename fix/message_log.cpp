#include "fix/message_log.hpp"

#include <pthread.h>

#include <filesystem>
#include <system_error>

#include "fix/fix_time.hpp"

namespace qd::fix {

namespace {

constexpr size_t kBufferBytes = 256 * 1024;

std::string prefix_of(const FIX::SessionID& id) {
  std::string p = id.getBeginString().getString() + "-" + id.getSenderCompID().getString() + "-" +
                  id.getTargetCompID().getString();
  if (!id.getSessionQualifier().empty()) p += "-" + id.getSessionQualifier();
  return p;
}

std::string directory_or_here(const std::string& path) {
  return path.empty() ? "." : path;
}

std::FILE* open_append(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f) throw FIX::ConfigError("could not open FIX log " + path);
  return f;
}

/// "<prefix><text>\n" into f (nullptr after a failed reopen: nothing is written).
bool write_line(std::FILE* f, const std::string& prefix, const std::string& text) {
  if (!f) return false;
  std::fwrite(prefix.data(), 1, prefix.size(), f);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fputc('\n', f);
  return true;
}

std::string line_prefix() {
  return format_utc_timestamp(wall_clock_ns(), 9) + " : ";
}

}  // namespace

BufferedFileLog::BufferedFileLog(const std::string& path, const std::string& backup_path,
                                 const FIX::SessionID& id)
    : buffer_(kBufferBytes) {
  const std::string dir = directory_or_here(path);
  const std::string backup_dir = directory_or_here(backup_path.empty() ? path : backup_path);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::create_directories(backup_dir, ec);
  const std::string prefix = prefix_of(id);
  messages_path_ = dir + "/" + prefix + ".messages.current.log";
  events_path_ = dir + "/" + prefix + ".event.current.log";
  backup_prefix_ = backup_dir + "/" + prefix + ".";
  open_files();
}

BufferedFileLog::~BufferedFileLog() {
  std::lock_guard lock(mu_);
  close_files();
}

void BufferedFileLog::open_files() {
  messages_ = open_append(messages_path_);
  events_ = open_append(events_path_);
  std::setvbuf(messages_, buffer_.data(), _IOFBF, buffer_.size());
}

void BufferedFileLog::close_files() {
  if (messages_) std::fclose(messages_);
  if (events_) std::fclose(events_);
  messages_ = events_ = nullptr;
  dirty_ = false;
}

void BufferedFileLog::append_message(const std::string& s) {
  const std::string prefix = line_prefix();
  std::lock_guard lock(mu_);
  if (write_line(messages_, prefix, s)) dirty_ = true;
}

void BufferedFileLog::onEvent(const std::string& s) {
  const std::string prefix = line_prefix();
  std::lock_guard lock(mu_);
  if (write_line(events_, prefix, s)) std::fflush(events_);
}

void BufferedFileLog::flush() {
  std::lock_guard lock(mu_);
  if (!dirty_ || !messages_) return;
  std::fflush(messages_);
  dirty_ = false;
}

void BufferedFileLog::clear() {
  // QuickFIX clears the log when a session's sequence numbers reset: start the files empty.
  std::lock_guard lock(mu_);
  close_files();
  std::fclose(std::fopen(messages_path_.c_str(), "w"));
  std::fclose(std::fopen(events_path_.c_str(), "w"));
  open_files();
}

void BufferedFileLog::backup() {
  // Keeps the current files as the first free messages.backup.N.log / event.backup.N.log.
  std::lock_guard lock(mu_);
  close_files();
  for (int i = 1; i < 100000; ++i) {
    const std::string messages = backup_prefix_ + "messages.backup." + std::to_string(i) + ".log";
    const std::string events = backup_prefix_ + "event.backup." + std::to_string(i) + ".log";
    std::error_code ec;
    if (std::filesystem::exists(messages, ec) || std::filesystem::exists(events, ec)) continue;
    std::filesystem::rename(messages_path_, messages, ec);
    std::filesystem::rename(events_path_, events, ec);
    break;
  }
  open_files();
}

BufferedFileLogFactory::BufferedFileLogFactory(const FIX::SessionSettings& settings,
                                               std::chrono::milliseconds flush_interval)
    : settings_(settings), interval_(flush_interval) {
  flusher_ = std::thread([this] { flush_loop(); });
}

BufferedFileLogFactory::~BufferedFileLogFactory() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  flusher_.join();
  for (BufferedFileLog* log : logs_) log->flush();
}

BufferedFileLog* BufferedFileLogFactory::create(const FIX::SessionID& id) {
  const FIX::Dictionary& d = settings_.get(id);
  const std::string path = d.has(FIX::FILE_LOG_PATH) ? d.getString(FIX::FILE_LOG_PATH) : "";
  const std::string backup =
      d.has(FIX::FILE_LOG_BACKUP_PATH) ? d.getString(FIX::FILE_LOG_BACKUP_PATH) : path;
  auto* log = new BufferedFileLog(path, backup, id);
  std::lock_guard lock(mu_);
  logs_.push_back(log);
  return log;
}

void BufferedFileLogFactory::destroy(BufferedFileLog* log) {
  {
    std::lock_guard lock(mu_);
    std::erase(logs_, log);
  }
  delete log;  // its destructor writes what is buffered
}

void BufferedFileLogFactory::flush_loop() {
  pthread_setname_np(pthread_self(), "qd-fixlog");
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [&] { return stop_; })) {
    for (BufferedFileLog* log : logs_) log->flush();
  }
}

}  // namespace qd::fix
