#include "app/admin/password_hash.hpp"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace qd::admin {

namespace {

/// One line from `in` without its line end; nullopt on EOF before any character.
std::optional<std::string> read_line(std::FILE* in) {
  std::string s;
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    s.push_back(char(c));
  }
  if (!any) return std::nullopt;
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

/// Echo off for the lifetime of the object (terminal input only).
class NoEcho {
 public:
  explicit NoEcho(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) != 0) return;
    termios t = saved_;
    t.c_lflag &= ~tcflag_t(ECHO);
    active_ = tcsetattr(fd_, TCSAFLUSH, &t) == 0;
  }
  ~NoEcho() {
    if (active_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace

std::optional<std::string> hash_password(const std::string& password, std::string& error) {
  if (sodium_init() < 0) {
    error = "libsodium failed to initialise";
    return std::nullopt;
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    error = "argon2id hashing failed (out of memory?)";
    return std::nullopt;
  }
  return std::string(out);
}

std::optional<std::string> read_password(std::FILE* in, std::string& error) {
  const int fd = fileno(in);
  std::optional<std::string> first;
  if (isatty(fd)) {
    NoEcho no_echo(fd);
    std::cerr << "Password: " << std::flush;
    first = read_line(in);
    std::cerr << "\nAgain: " << std::flush;
    std::optional<std::string> again = read_line(in);
    std::cerr << "\n";
    if (first && again && *first != *again) {
      wipe(*first);
      wipe(*again);
      error = "the two passwords differ";
      return std::nullopt;
    }
    if (again) wipe(*again);
  } else {
    first = read_line(in);
  }
  if (!first || first->empty()) {
    if (first) wipe(*first);
    error = "empty password";
    return std::nullopt;
  }
  return first;
}

int hash_password_main() {
  std::string error;
  std::optional<std::string> password = read_password(stdin, error);
  if (!password) {
    std::cerr << "qdctl hash-password: " << error << "\n";
    return 1;
  }
  std::optional<std::string> hash = hash_password(*password, error);
  wipe(*password);
  if (!hash) {
    std::cerr << "qdctl hash-password: " << error << "\n";
    return 1;
  }
  std::cout << *hash << "\n";
  return 0;
}

}  // namespace qd::admin
