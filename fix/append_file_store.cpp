#include "fix/append_file_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace qd::fix {
namespace {

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

int open_file(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) throw FIX::IOException(errno_text("cannot open message store file", path));
  return fd;
}

std::string read_whole(const std::string& path) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    throw FIX::IOException(errno_text("cannot open message store file", path));
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw FIX::IOException(errno_text("cannot read message store file", path));
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

// One write() in the normal case; loops only on a short write or EINTR.
void write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FIX::IOException(errno_text("cannot write message store file", path));
    data += n;
    size -= size_t(n);
  }
}

void pwrite_all(int fd, const char* data, size_t size, const std::string& path) {
  off_t at = 0;
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FIX::IOException(errno_text("cannot write message store file", path));
    data += n;
    size -= size_t(n);
    at += n;
  }
}

// Parses a non-negative decimal at p, advancing it; false when there is none.
bool parse_number(const char*& p, const char* end, long& out) {
  auto [next, ec] = std::from_chars(p, end, out);
  if (ec != std::errc() || out < 0) return false;
  p = next;
  return true;
}

}  // namespace

std::string AppendFileStore::file_prefix(const std::string& path, const FIX::SessionID& id) {
  std::string name = id.getBeginString().getString() + "-" + id.getSenderCompID().getString() +
                     "-" + id.getTargetCompID().getString();
  if (!id.getSessionQualifier().empty()) name += "-" + id.getSessionQualifier();
  return (std::filesystem::path(path.empty() ? "." : path) / name).string();
}

AppendFileStore::AppendFileStore(const std::string& path, const FIX::SessionID& id)
    : prefix_(file_prefix(path, id)),
      body_path_(prefix_ + ".body"),
      header_path_(prefix_ + ".header"),
      seq_nums_path_(prefix_ + ".seqnums"),
      session_path_(prefix_ + ".session") {
  std::error_code ec;
  std::filesystem::create_directories(path.empty() ? "." : path, ec);
  if (ec)
    throw FIX::ConfigError("cannot create message store directory " + path + ": " + ec.message());
  try {
    open(false);
  } catch (const FIX::IOException& e) {
    close_files();
    throw FIX::ConfigError(e.what());  // as FileStore: a store that cannot open is a config error
  }
}

AppendFileStore::~AppendFileStore() {
  close_files();
}

void AppendFileStore::close_files() {
  for (int* fd : {&body_fd_, &header_fd_, &seq_nums_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void AppendFileStore::open(bool erase) {
  close_files();
  slots_.clear();
  next_sender_ = 1;
  next_target_ = 1;
  creation_time_ = FIX::UtcTimeStamp();
  if (erase) {
    for (const std::string* p : {&body_path_, &header_path_, &seq_nums_path_, &session_path_})
      ::unlink(p->c_str());
  }

  body_fd_ = open_file(body_path_, O_RDWR | O_CREAT | O_APPEND);
  struct stat st {};
  if (::fstat(body_fd_, &st) != 0) throw FIX::IOException(errno_text("cannot stat", body_path_));
  body_size_ = long(st.st_size);
  load_index();
  header_fd_ = open_file(header_path_, O_WRONLY | O_CREAT | O_APPEND);
  load_seq_nums();
  seq_nums_fd_ = open_file(seq_nums_path_, O_WRONLY | O_CREAT);

  const std::string session = read_whole(session_path_);
  bool have_time = false;
  if (!session.empty()) {
    try {
      creation_time_ =
          FIX::UtcTimeStampConvertor::convert(session.substr(0, session.find_first_of(" \r\n")));
      have_time = true;
    } catch (const std::exception&) {
      spdlog::warn("FIX message store {}: unreadable creation time '{}'; a new one is written",
                   session_path_, session);
    }
  }
  if (!have_time) write_creation_time();
  write_seq_nums();
}

void AppendFileStore::load_index() {
  const std::string header = read_whole(header_path_);
  const char* p = header.data();
  const char* end = p + header.size();
  size_t good_end = 0;  // bytes of whole entries
  size_t beyond_body = 0;
  while (p < end) {
    long seq = 0, offset = 0, size = 0;
    const char* q = p;
    if (!parse_number(q, end, seq) || q == end || *q++ != ',' || !parse_number(q, end, offset) ||
        q == end || *q++ != ',' || !parse_number(q, end, size) || q == end || *q++ != ' ')
      break;
    p = q;
    good_end = size_t(p - header.data());
    if (offset + size > body_size_) {
      ++beyond_body;
      continue;
    }
    slots_[int(seq)] = Slot{offset, size_t(size)};
  }
  if (good_end < header.size()) {
    // A crash cut the last entry short: without cutting it off, the next entry appended would be
    // glued to it and every later one unreadable.
    spdlog::warn("FIX message store {}: {} bytes after the last whole index entry are cut off",
                 header_path_, header.size() - good_end);
    if (::truncate(header_path_.c_str(), off_t(good_end)) != 0)
      throw FIX::IOException(errno_text("cannot repair", header_path_));
  }
  if (beyond_body > 0)
    spdlog::warn(
        "FIX message store {}: {} index entries point past the end of {} and cannot be resent",
        header_path_, beyond_body, body_path_);
}

void AppendFileStore::load_seq_nums() {
  const std::string text = read_whole(seq_nums_path_);
  const char* p = text.data();
  const char* end = p + text.size();
  if (text.empty()) return;  // a new store: both start at 1
  long sender = 0, target = 0;
  while (p < end && *p == ' ') ++p;
  const bool ok = parse_number(p, end, sender) && [&] {
    while (p < end && (*p == ' ' || *p == ':')) ++p;
    return parse_number(p, end, target);
  }();
  if (!ok || sender < 1 || target < 1) {
    // As FileStore, the session starts again at 1; the desk's Logon then shows the gap.
    spdlog::error("FIX message store {}: unreadable sequence numbers '{}'; both start at 1",
                  seq_nums_path_, text);
    return;
  }
  next_sender_ = int(sender);
  next_target_ = int(target);
}

void AppendFileStore::write_seq_nums() {
  // FileStore's "%10.10d : %10.10d": always 23 bytes, so overwriting in place leaves no tail.
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%10.10d : %10.10d", next_sender_, next_target_);
  pwrite_all(seq_nums_fd_, buf, size_t(n), seq_nums_path_);
}

void AppendFileStore::write_creation_time() {
  const std::string text = FIX::UtcTimeStampConvertor::convert(creation_time_);
  int fd = open_file(session_path_, O_WRONLY | O_CREAT | O_TRUNC);
  try {
    write_all(fd, text.data(), text.size(), session_path_);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

bool AppendFileStore::set(int seq, const std::string& message) {
  std::lock_guard lock(mu_);
  char entry[64];
  char* e = std::to_chars(entry, entry + 20, seq).ptr;
  *e++ = ',';
  e = std::to_chars(e, e + 20, body_size_).ptr;
  *e++ = ',';
  e = std::to_chars(e, e + 20, message.size()).ptr;
  *e++ = ' ';
  // Behind whatever a batch held back; written now unless this thread's batch holds it too.
  pending_body_ += message;
  pending_header_.append(entry, size_t(e - entry));
  slots_[seq] = Slot{body_size_, message.size()};
  body_size_ += long(message.size());
  if (OutboundBatch* batch = OutboundBatch::current())
    batch->enlist_store(this);
  else
    write_pending();
  return true;
}

void AppendFileStore::write_pending() {
  if (!pending_body_.empty()) {
    try {
      // The body first: an index entry never points at bytes that are not there.
      write_all(body_fd_, pending_body_.data(), pending_body_.size(), body_path_);
      write_all(header_fd_, pending_header_.data(), pending_header_.size(), header_path_);
    } catch (...) {
      // Messages not written are lost to resend (QuickFIX gap-fills them); offsets must follow
      // what the body really holds so later messages stay readable.
      struct stat st {};
      if (::fstat(body_fd_, &st) == 0) body_size_ = long(st.st_size);
      std::erase_if(slots_, [&](const auto& s) {
        return s.second.offset + long(s.second.size) > body_size_;
      });
      pending_body_.clear();
      pending_header_.clear();
      throw;
    }
    pending_body_.clear();
    pending_header_.clear();
  }
  if (pending_seq_nums_) {
    pending_seq_nums_ = false;
    write_seq_nums();
  }
}

void AppendFileStore::write_deferred() {
  std::lock_guard lock(mu_);
  try {
    write_pending();
  } catch (const std::exception& e) {
    spdlog::error("FIX message store {}: {}", prefix_, e.what());
  }
}

void AppendFileStore::seq_nums_changed() {
  if (OutboundBatch* batch = OutboundBatch::current()) {
    pending_seq_nums_ = true;
    batch->enlist_store(this);
    return;
  }
  write_pending();
  write_seq_nums();
}

void AppendFileStore::get(int begin, int end, std::vector<std::string>& out) const {
  std::lock_guard lock(mu_);
  // QuickFIX declares get() const; writing what a batch held back changes nothing it can see.
  const_cast<AppendFileStore*>(this)->write_pending();
  out.clear();
  for (auto it = slots_.lower_bound(begin); it != slots_.end() && it->first <= end; ++it) {
    std::string message(it->second.size, '\0');
    size_t done = 0;
    while (done < message.size()) {
      ssize_t n = ::pread(body_fd_, message.data() + done, message.size() - done,
                          off_t(it->second.offset) + off_t(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw FIX::IOException(errno_text("cannot read message store file", body_path_));
      done += size_t(n);
    }
    out.push_back(std::move(message));
  }
}

// Under mu_: a batch's end on the outbox thread writes both numbers while the connection's
// thread may be changing the target one.
void AppendFileStore::setNextSenderMsgSeqNum(int n) {
  std::lock_guard lock(mu_);
  next_sender_ = n;
  seq_nums_changed();
}

void AppendFileStore::setNextTargetMsgSeqNum(int n) {
  std::lock_guard lock(mu_);
  next_target_ = n;
  seq_nums_changed();
}

void AppendFileStore::reset() {
  std::lock_guard lock(mu_);
  pending_body_.clear();  // erased with the rest
  pending_header_.clear();
  pending_seq_nums_ = false;
  open(true);
}

void AppendFileStore::refresh() {
  std::lock_guard lock(mu_);
  write_pending();
  open(false);
}

FIX::MessageStore* AppendFileStoreFactory::create(const FIX::SessionID& id) {
  const FIX::Dictionary& d = settings_.get(id);
  return new AppendFileStore(d.getString(FIX::FILE_STORE_PATH), id);
}

}  // namespace qd::fix
