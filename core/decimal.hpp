#pragma once
// Exact decimal strings <-> fixed-point integers. FIX prices and quantities are read from the
// field's characters, never through a double, so "0.1" is exactly 100000 at six decimals.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/fixed_point.hpp"

namespace qd {

enum class DecimalError : uint8_t {
  ok,
  empty,              ///< no characters
  junk,               ///< a character that is not a digit or one '.'
  sign,               ///< a leading '+' or '-' where only unsigned values are allowed
  exponent,           ///< scientific notation ("1e5") is never accepted
  too_many_decimals,  ///< a non-zero digit past the unit's precision
  overflow,           ///< does not fit the 64-bit raw value
};

const char* to_string(DecimalError e);

struct DecimalParse {
  int64_t raw = 0;
  DecimalError error = DecimalError::ok;
  constexpr bool ok() const { return error == DecimalError::ok; }
};

/// Parses "123", "123.45", ".5", "5." into raw units of 10^-decimals. Trailing zeros past the
/// precision are accepted (the value is exact); any other digit there is too_many_decimals.
/// A '-' is accepted only when allow_negative; '+' never.
DecimalParse parse_decimal(std::string_view text, int decimals, bool allow_negative = false);

/// Shortest exact decimal for raw * 10^-decimals: "50000", "0.1", "-12.000001".
std::string format_decimal(int64_t raw, int decimals);

template <class T>
struct ParsedFixed {
  T value{};
  DecimalError error = DecimalError::ok;
  constexpr bool ok() const { return error == DecimalError::ok; }
};

template <class T>
ParsedFixed<T> parse_fixed(std::string_view text, bool allow_negative = false) {
  DecimalParse p = parse_decimal(text, T::decimals, allow_negative);
  return {T(p.raw), p.error};
}

template <class T>
std::string to_string(T v) requires requires { T::decimals; v.raw; } {
  return format_decimal(v.raw, T::decimals);
}

}  // namespace qd
