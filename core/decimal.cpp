#include "core/decimal.hpp"

#include <limits>

namespace qd {

const char* to_string(DecimalError e) {
  switch (e) {
    case DecimalError::ok: return "ok";
    case DecimalError::empty: return "empty value";
    case DecimalError::junk: return "not a decimal number";
    case DecimalError::sign: return "signed value not allowed";
    case DecimalError::exponent: return "exponent notation not allowed";
    case DecimalError::too_many_decimals: return "too many decimal places";
    case DecimalError::overflow: return "value out of range";
  }
  return "unknown";
}

DecimalParse parse_decimal(std::string_view s, int decimals, bool allow_negative) {
  if (s.empty()) return {0, DecimalError::empty};
  bool negative = false;
  size_t i = 0;
  if (s[0] == '+') return {0, DecimalError::sign};
  if (s[0] == '-') {
    if (!allow_negative) return {0, DecimalError::sign};
    negative = true;
    i = 1;
  }
  // Accumulate the magnitude as negative so INT64_MIN is representable for signed values.
  constexpr int64_t min = std::numeric_limits<int64_t>::min();
  int64_t acc = 0;  // -magnitude
  bool seen_digit = false;
  bool seen_point = false;
  int frac_digits = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (seen_point) return {0, DecimalError::junk};
      seen_point = true;
      continue;
    }
    if (c == 'e' || c == 'E') return {0, DecimalError::exponent};
    if (c < '0' || c > '9') return {0, DecimalError::junk};
    seen_digit = true;
    int d = c - '0';
    if (seen_point) {
      if (frac_digits == decimals) {
        if (d != 0) return {0, DecimalError::too_many_decimals};
        continue;  // an exact trailing zero past the precision
      }
      ++frac_digits;
    }
    if (acc < (min + d) / 10) return {0, DecimalError::overflow};
    acc = acc * 10 - d;
  }
  if (!seen_digit) return {0, DecimalError::junk};
  for (; frac_digits < decimals; ++frac_digits) {
    if (acc < min / 10) return {0, DecimalError::overflow};
    acc *= 10;
  }
  if (negative) return {acc, DecimalError::ok};
  if (acc == min) return {0, DecimalError::overflow};
  return {-acc, DecimalError::ok};
}

std::string format_decimal(int64_t raw, int decimals) {
  // Work on the unsigned magnitude so INT64_MIN formats correctly.
  bool negative = raw < 0;
  uint64_t mag = negative ? uint64_t(0) - uint64_t(raw) : uint64_t(raw);
  uint64_t scale = 1;
  for (int k = 0; k < decimals; ++k) scale *= 10;
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / scale);
  uint64_t frac = mag % scale;
  if (frac != 0) {
    std::string digits(size_t(decimals), '0');
    for (int k = decimals - 1; k >= 0; --k) {
      digits[size_t(k)] = char('0' + frac % 10);
      frac /= 10;
    }
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  return out;
}

}  // namespace qd
