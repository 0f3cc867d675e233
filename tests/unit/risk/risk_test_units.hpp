#pragma once
// Named units for the risk tests: whole dollars, whole base units, and their raw scales.

#include <cstdint>
#include <ostream>

#include "core/fixed_point.hpp"
#include "core/ids.hpp"

namespace qd {

/// gtest prints fixed-point values as their raw integers.
template <class Tag, int D>
void PrintTo(const Fixed<Tag, D>& f, std::ostream* os) {
  *os << f.raw << " (1e-" << D << ")";
}

}  // namespace qd

namespace qd::risk::test {

/// A price of `whole` USDC per base unit.
constexpr Price usd(int64_t whole) {
  return Price(whole * PRICE_PRECISION);
}
/// `whole` base units (BTC).
constexpr Qty btc(int64_t whole) {
  return Qty(whole * QTY_PRECISION);
}
/// `whole` USDC.
constexpr Quote usdc(int64_t whole) {
  return Quote(whole * QUOTE_PRECISION);
}
/// Seconds of command time in ns.
constexpr TimestampNs seconds(int64_t s) {
  return s * 1'000'000'000;
}

}  // namespace qd::risk::test
