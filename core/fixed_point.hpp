#pragma once
// Fixed-point money, prices and quantities. Trading state never holds a double:
// every value is an integer count of a named smallest unit, products go through __int128.

#include <compare>
#include <cstdint>

namespace qd {

/// Price: 1e-6 quote units (USDC) per whole base unit. expo = -6
inline constexpr int PRICE_DECIMALS = 6;
inline constexpr int64_t PRICE_PRECISION = 1'000'000;
/// Base quantity: 1e-9 base units (positions are signed). expo = -9
inline constexpr int QTY_DECIMALS = 9;
inline constexpr int64_t QTY_PRECISION = 1'000'000'000;
/// Quote / collateral: 1e-6 USDC, the USDC mint's on-chain decimals. expo = -6
inline constexpr int QUOTE_DECIMALS = 6;
inline constexpr int64_t QUOTE_PRECISION = 1'000'000;

/// A strong integer type: values of different units never mix by accident.
template <class Tag, int Decimals>
struct Fixed {
  static constexpr int decimals = Decimals;
  int64_t raw = 0;

  constexpr Fixed() = default;
  constexpr explicit Fixed(int64_t r) : raw(r) {}
  static constexpr Fixed from_raw(int64_t r) { return Fixed(r); }

  constexpr auto operator<=>(const Fixed&) const = default;
  constexpr Fixed operator+(Fixed o) const { return Fixed(raw + o.raw); }
  constexpr Fixed operator-(Fixed o) const { return Fixed(raw - o.raw); }
  constexpr Fixed operator-() const { return Fixed(-raw); }
  constexpr Fixed& operator+=(Fixed o) { raw += o.raw; return *this; }
  constexpr Fixed& operator-=(Fixed o) { raw -= o.raw; return *this; }
  constexpr bool is_zero() const { return raw == 0; }
  constexpr bool is_positive() const { return raw > 0; }
};

struct PriceTag {};
struct QtyTag {};
struct QuoteTag {};

using Price = Fixed<PriceTag, PRICE_DECIMALS>;  ///< 1e-6 USDC per base unit
using Qty = Fixed<QtyTag, QTY_DECIMALS>;        ///< 1e-9 base units
using Quote = Fixed<QuoteTag, QUOTE_DECIMALS>;  ///< 1e-6 USDC

/// Notional of qty at price in 1e-6 USDC, exact before division: price(1e-6) * qty(1e-9) / 1e9.
inline constexpr __int128 notional_scaled(Price p, Qty q) {
  return static_cast<__int128>(p.raw) * static_cast<__int128>(q.raw);
}

/// Notional rounded down (credits) and up (requirements); both exact for |result| < 2^63.
inline constexpr Quote notional_floor(Price p, Qty q) {
  __int128 n = notional_scaled(p, q);
  __int128 d = QTY_PRECISION;
  __int128 r = n / d;
  if ((n % d != 0) && ((n < 0) != (d < 0))) --r;
  return Quote(static_cast<int64_t>(r));
}
inline constexpr Quote notional_ceil(Price p, Qty q) {
  __int128 n = notional_scaled(p, q);
  __int128 d = QTY_PRECISION;
  __int128 r = n / d;
  if ((n % d != 0) && ((n < 0) == (d < 0))) ++r;
  return Quote(static_cast<int64_t>(r));
}

}  // namespace qd
