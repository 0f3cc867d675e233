#pragma once
// Errors are values: a Result holds either the value or an error describing why the input was
// rejected. Reading the wrong alternative is a programmer error and throws std::logic_error.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace qd::solana {

/// A rejected input or failed operation, with a human message (never holds secret bytes).
struct Error {
  std::string message;
};

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    check_ok();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check_ok();
    return std::get<0>(v_);
  }
  T&& value() && {
    check_ok();
    return std::get<0>(std::move(v_));
  }
  const E& error() const {
    if (ok()) throw std::logic_error("Result::error() called on a value");
    return std::get<1>(v_);
  }

 private:
  void check_ok() const {
    if (!ok()) throw std::logic_error("Result::value() called on an error");
  }
  std::variant<T, E> v_;
};

/// Success or an error, for operations that produce no value.
using Status = Result<std::monostate>;
inline Status ok_status() {
  return std::monostate{};
}

}  // namespace qd::solana
