#pragma once
// Per-session FIX message and event logs, written in the background.
//
// QuickFIX's FileLog flushes a line per message (std::endl), a write() system call for every
// message in and out on the session's hot path. The durable records are elsewhere: every
// outbound message is in the session's message store, every inbound application message in the
// audit trail (audit.db). So these human-readable logs are buffered and written by one flusher
// thread at least every flush_interval; a crash may lose their last lines, never a message.
// Session events (logon, logout, resend, rejects) are rare and are written at once.
//
// Files and line format are QuickFIX's: <path>/FIX.4.4-<Sender>-<Target>.messages.current.log
// and .event.current.log, "YYYYMMDD-HH:MM:SS.nnnnnnnnn : <message>".

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fix/quickfix.hpp"

namespace qd::fix {

class BufferedFileLog final : public FIX::Log {
 public:
  /// Opens (appends to) the session's two files under `path`, creating the directory. Throws
  /// FIX::ConfigError naming the file when it cannot be opened.
  BufferedFileLog(const std::string& path, const std::string& backup_path,
                  const FIX::SessionID& id);
  ~BufferedFileLog() override;

  void clear() override;
  void backup() override;
  void onIncoming(const std::string& s) override { append_message(s); }
  void onOutgoing(const std::string& s) override { append_message(s); }
  void onEvent(const std::string& s) override;

  /// Writes buffered lines to the files (the flusher thread; shutdown).
  void flush();

 private:
  void append_message(const std::string& s);
  void open_files();
  void close_files();

  std::mutex mu_;
  std::string messages_path_;
  std::string events_path_;
  std::string backup_prefix_;
  std::FILE* messages_ = nullptr;
  std::FILE* events_ = nullptr;
  std::vector<char> buffer_;  // messages_'s stdio buffer: writes reach the file when it fills
  bool dirty_ = false;
};

/// Creates BufferedFileLogs from each session's FileLogPath / FileLogBackupPath settings and owns
/// the thread that flushes them.
class BufferedFileLogFactory {
 public:
  explicit BufferedFileLogFactory(
      const FIX::SessionSettings& settings,
      std::chrono::milliseconds flush_interval = std::chrono::milliseconds(200));
  ~BufferedFileLogFactory();
  BufferedFileLogFactory(const BufferedFileLogFactory&) = delete;
  BufferedFileLogFactory& operator=(const BufferedFileLogFactory&) = delete;

  BufferedFileLog* create(const FIX::SessionID& id);
  void destroy(BufferedFileLog* log);

 private:
  void flush_loop();

  FIX::SessionSettings settings_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<BufferedFileLog*> logs_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace qd::fix
