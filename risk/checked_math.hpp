#pragma once
// Checked 128-bit arithmetic for the risk formulas (Drift's safe_math): an operation that would
// overflow or divide by zero yields a failed value instead of wrapping. Rounding direction is in
// every division's name. No floating point anywhere: the size premium uses an integer square root.

#include <cstdint>
#include <optional>

#include "core/fixed_point.hpp"

namespace qd::risk {

using i128 = __int128;
using u128 = unsigned __int128;

inline constexpr i128 I128_MAX = static_cast<i128>(~static_cast<u128>(0) >> 1);
inline constexpr i128 I128_MIN = -I128_MAX - 1;

/// A 128-bit intermediate that remembers failure: once an operation overflows or divides by
/// zero, every value computed from it is failed too (like NaN), so a formula reads plainly and
/// is checked once, when it is narrowed back to 64 bits with to_i64() / to_fixed<T>().
class Wide {
 public:
  constexpr Wide() = default;
  /// Implicit from 64-bit integers and from Price/Qty/Quote raw values: formulas mix them freely.
  constexpr Wide(int64_t v) : v_(v) {}  // NOLINT(google-explicit-constructor)
  template <class Tag, int D>
  constexpr Wide(Fixed<Tag, D> f) : v_(f.raw) {}  // NOLINT(google-explicit-constructor)

  static constexpr Wide of(i128 v) {
    Wide w;
    w.v_ = v;
    return w;
  }
  static constexpr Wide failed() {
    Wide w;
    w.ok_ = false;
    return w;
  }

  constexpr bool ok() const { return ok_; }
  /// The value; meaningful only when ok().
  constexpr i128 value() const { return v_; }

  friend constexpr Wide operator+(Wide a, Wide b) {
    i128 r = 0;
    if (!a.ok_ || !b.ok_ || __builtin_add_overflow(a.v_, b.v_, &r)) return failed();
    return of(r);
  }
  friend constexpr Wide operator-(Wide a, Wide b) {
    i128 r = 0;
    if (!a.ok_ || !b.ok_ || __builtin_sub_overflow(a.v_, b.v_, &r)) return failed();
    return of(r);
  }
  friend constexpr Wide operator*(Wide a, Wide b) {
    i128 r = 0;
    if (!a.ok_ || !b.ok_ || __builtin_mul_overflow(a.v_, b.v_, &r)) return failed();
    return of(r);
  }
  constexpr Wide operator-() const { return Wide(0) - *this; }

 private:
  i128 v_ = 0;
  bool ok_ = true;
};

/// Quotient rounded toward negative infinity; fails on a zero divisor or MIN / -1.
constexpr Wide div_floor(Wide n, Wide d) {
  if (!n.ok() || !d.ok() || d.value() == 0) return Wide::failed();
  if (n.value() == I128_MIN && d.value() == -1) return Wide::failed();
  i128 q = n.value() / d.value();
  if ((n.value() % d.value() != 0) && ((n.value() < 0) != (d.value() < 0))) --q;
  return Wide::of(q);
}

/// Quotient rounded toward positive infinity; fails on a zero divisor or MIN / -1.
constexpr Wide div_ceil(Wide n, Wide d) {
  if (!n.ok() || !d.ok() || d.value() == 0) return Wide::failed();
  if (n.value() == I128_MIN && d.value() == -1) return Wide::failed();
  i128 q = n.value() / d.value();
  if ((n.value() % d.value() != 0) && ((n.value() < 0) == (d.value() < 0))) ++q;
  return Wide::of(q);
}

/// Quotient rounded toward zero (C++ division); fails on a zero divisor or MIN / -1.
constexpr Wide div_trunc(Wide n, Wide d) {
  if (!n.ok() || !d.ok() || d.value() == 0) return Wide::failed();
  if (n.value() == I128_MIN && d.value() == -1) return Wide::failed();
  return Wide::of(n.value() / d.value());
}

constexpr Wide wmin(Wide a, Wide b) {
  if (!a.ok() || !b.ok()) return Wide::failed();
  return a.value() < b.value() ? a : b;
}
constexpr Wide wmax(Wide a, Wide b) {
  if (!a.ok() || !b.ok()) return Wide::failed();
  return a.value() < b.value() ? b : a;
}
constexpr Wide wabs(Wide a) {
  if (!a.ok()) return a;
  return a.value() < 0 ? -a : a;
}
/// lo <= hi is the caller's promise.
constexpr Wide wclamp(Wide v, Wide lo, Wide hi) {
  return wmin(wmax(v, lo), hi);
}

/// Largest r with r*r <= v; fails for negative v. Newton's iteration on unsigned 128 bits.
constexpr Wide isqrt_floor(Wide v) {
  if (!v.ok() || v.value() < 0) return Wide::failed();
  u128 n = static_cast<u128>(v.value());
  if (n < 2) return Wide::of(static_cast<i128>(n));
  // Start above the root: 2^(ceil(bits/2)) >= sqrt(n).
  int bits = 0;
  for (u128 t = n; t != 0; t >>= 1) ++bits;
  u128 x = static_cast<u128>(1) << ((bits + 1) / 2);
  while (true) {
    u128 y = (x + n / x) / 2;
    if (y >= x) break;
    x = y;
  }
  return Wide::of(static_cast<i128>(x));
}

/// Smallest r with r*r >= v; fails for negative v.
constexpr Wide isqrt_ceil(Wide v) {
  Wide r = isqrt_floor(v);
  if (!r.ok()) return r;
  if (r.value() * r.value() == v.value()) return r;
  return r + 1;
}

/// Narrows to int64; nullopt if the value failed earlier or does not fit.
constexpr std::optional<int64_t> to_i64(Wide w) {
  if (!w.ok() || w.value() > INT64_MAX || w.value() < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(w.value());
}

/// Narrows to a fixed-point type (Price, Qty, Quote); nullopt on failure or overflow.
template <class T>
constexpr std::optional<T> to_fixed(Wide w) {
  auto v = to_i64(w);
  if (!v) return std::nullopt;
  return T(*v);
}

/// Narrows to int64, saturating instead of failing (rankings only, never money).
constexpr int64_t to_i64_saturating(Wide w, int64_t if_failed) {
  if (!w.ok()) return if_failed;
  if (w.value() > INT64_MAX) return INT64_MAX;
  if (w.value() < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(w.value());
}

}  // namespace qd::risk
