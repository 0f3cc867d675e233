#include "settlement/solana/keypair.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "settlement/solana/sha256.hpp"

namespace qd::solana {
namespace {

std::string mode_octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string errno_text(int err) {
  return std::strerror(err);
}

// Reads a whole file from an open descriptor; the buffer is wiped by the caller.
bool read_all(int fd, std::string& out) {
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      sodium_memzero(buf, sizeof buf);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  sodium_memzero(buf, sizeof buf);
  return true;
}

}  // namespace

Keypair Keypair::generate() {
  ensure_sodium();
  Keypair k;
  crypto_sign_keypair(k.pubkey_.bytes.data(), k.secret_.data());
  return k;
}

Keypair Keypair::from_seed(std::span<const uint8_t, 32> seed) {
  ensure_sodium();
  Keypair k;
  crypto_sign_seed_keypair(k.pubkey_.bytes.data(), k.secret_.data(), seed.data());
  return k;
}

Result<Keypair> Keypair::from_bytes(std::span<const uint8_t> secret_and_public) {
  if (secret_and_public.size() != 64) {
    return Error{"keypair must be 64 bytes, got " + std::to_string(secret_and_public.size())};
  }
  Keypair k = from_seed(secret_and_public.first<32>());
  if (!std::equal(k.pubkey_.bytes.begin(), k.pubkey_.bytes.end(), secret_and_public.begin() + 32)) {
    return Error{"keypair's public half does not match its secret half"};
  }
  return k;
}

Result<Keypair> Keypair::load_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open keypair file " + path + ": " + errno_text(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Error{"cannot stat keypair file " + path + ": " + errno_text(err)};
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Error{"keypair file " + path + " has mode " + mode_octal(st.st_mode) +
                 ", readable or writable by group or others; run chmod 600 on it"};
  }
  std::string text;
  // One allocation, so no partial copy of the secret is freed unwiped while reading.
  text.reserve(static_cast<size_t>(st.st_size) + 4096);
  const bool read_ok = read_all(fd, text);
  ::close(fd);
  if (!read_ok) return Error{"cannot read keypair file " + path};

  std::array<uint8_t, 64> raw{};
  std::string problem;
  {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_array()) {
      problem = "is not a JSON array";
    } else if (doc.size() != 64) {
      problem = "holds " + std::to_string(doc.size()) + " numbers, expected 64";
    } else {
      for (size_t i = 0; i < 64; ++i) {
        const auto& v = doc[i];
        if (!v.is_number_unsigned() || v.get<uint64_t>() > 255) {
          problem = "has a value that is not a byte (0..255) at index " + std::to_string(i);
          break;
        }
        raw[i] = static_cast<uint8_t>(v.get<uint64_t>());
      }
    }
    // The parsed tree held the secret too; overwrite its numbers before it is freed.
    if (doc.is_array()) {
      for (auto& v : doc) v = 0;
    }
  }
  sodium_memzero(text.data(), text.size());
  if (!problem.empty()) {
    sodium_memzero(raw.data(), raw.size());
    return Error{"keypair file " + path + " " + problem};
  }
  auto k = from_bytes(raw);
  sodium_memzero(raw.data(), raw.size());
  if (!k) return Error{"keypair file " + path + ": " + k.error().message};
  return k;
}

Keypair::Keypair(Keypair&& other) noexcept : secret_(other.secret_), pubkey_(other.pubkey_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

Keypair& Keypair::operator=(Keypair&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    pubkey_ = other.pubkey_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

Keypair::~Keypair() {
  sodium_memzero(secret_.data(), secret_.size());
}

Status Keypair::save_file(const std::string& path) const {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot create keypair file " + path + ": " + errno_text(errno)};
  // The umask can only remove bits, but make the mode explicit anyway.
  if (::fchmod(fd, 0600) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return Error{"cannot set mode 0600 on keypair file " + path + ": " + errno_text(err)};
  }
  std::string text = "[";
  for (size_t i = 0; i < secret_.size(); ++i) {
    if (i != 0) text.push_back(',');
    text += std::to_string(secret_[i]);
  }
  text.push_back(']');
  size_t written = 0;
  bool failed = false;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      failed = true;
      break;
    }
    written += static_cast<size_t>(n);
  }
  sodium_memzero(text.data(), text.size());
  if (failed || ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return Error{"cannot write keypair file " + path + ": " + errno_text(err)};
  }
  if (::close(fd) != 0) return Error{"cannot close keypair file " + path};
  return ok_status();
}

Signature Keypair::sign(std::span<const uint8_t> message) const {
  Signature sig;
  crypto_sign_detached(sig.bytes.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool verify_signature(const Pubkey& key, std::span<const uint8_t> message,
                      const Signature& signature) {
  ensure_sodium();
  return crypto_sign_verify_detached(signature.bytes.data(), message.data(), message.size(),
                                     key.bytes.data()) == 0;
}

}  // namespace qd::solana
