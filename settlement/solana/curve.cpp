// The on-curve test for program-derived addresses. libsodium's crypto_core_ed25519_is_valid_point
// is not usable here: it also rejects points outside the prime-order subgroup and small-order
// points, which are on the curve, so it would accept bumps the runtime refuses. The runtime asks
// only whether the 32 bytes decompress: with y = bytes mod 2^255 (taken mod p), whether
// (y^2 - 1) / (d*y^2 + 1) is a square in GF(p), p = 2^255 - 19. Euler's criterion answers that.

#include <array>
#include <cstdint>

#include "settlement/solana/pubkey.hpp"

namespace qd::solana {
namespace {

using u128 = unsigned __int128;
using Fe = std::array<uint64_t, 4>;  // little-endian limbs, kept fully reduced (< p)

constexpr Fe kP = {0xffffffffffffffedULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
                   0x7fffffffffffffffULL};
constexpr Fe kPMinus2 = {0xffffffffffffffebULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
                         0x7fffffffffffffffULL};
constexpr Fe kHalfPMinus1 = {0xfffffffffffffff6ULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
                             0x3fffffffffffffffULL};

bool geq_p(const Fe& a) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != kP[i]) return a[i] > kP[i];
  }
  return true;
}

Fe sub_p(const Fe& a) {
  Fe r{};
  u128 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 d = static_cast<u128>(a[i]) - kP[i] - borrow;
    r[i] = static_cast<uint64_t>(d);
    borrow = (d >> 64) ? 1 : 0;
  }
  return r;
}

// Reduces a value below 2^256 to below p: fold bit 255 (2^255 = 19 mod p), then subtract p once.
Fe canonical(Fe a) {
  for (int round = 0; round < 2; ++round) {
    const uint64_t top = a[3] >> 63;
    a[3] &= 0x7fffffffffffffffULL;
    u128 carry = static_cast<u128>(top) * 19;
    for (int i = 0; i < 4; ++i) {
      carry += a[i];
      a[i] = static_cast<uint64_t>(carry);
      carry >>= 64;
    }
  }
  if (geq_p(a)) a = sub_p(a);
  return a;
}

Fe add(const Fe& a, const Fe& b) {
  Fe r{};
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    carry += static_cast<u128>(a[i]) + b[i];
    r[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  // a, b < p < 2^255, so the sum is below 2^256 and carry is 0.
  return canonical(r);
}

Fe sub(const Fe& a, const Fe& b) {
  // a - b + p, which stays below 2^256 and is non-negative.
  Fe r{};
  __int128 acc = 0;
  for (int i = 0; i < 4; ++i) {
    acc += static_cast<__int128>(a[i]) - static_cast<__int128>(b[i]) + static_cast<__int128>(kP[i]);
    r[i] = static_cast<uint64_t>(acc);
    acc >>= 64;
  }
  return canonical(r);
}

Fe mul(const Fe& a, const Fe& b) {
  std::array<uint64_t, 8> t{};
  for (int i = 0; i < 4; ++i) {
    u128 carry = 0;
    for (int j = 0; j < 4; ++j) {
      carry += static_cast<u128>(a[i]) * b[j] + t[i + j];
      t[i + j] = static_cast<uint64_t>(carry);
      carry >>= 64;
    }
    t[i + 4] = static_cast<uint64_t>(carry);
  }
  // 2^256 = 38 (mod p): fold the high half into the low half.
  Fe r{};
  u128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    carry += static_cast<u128>(t[i + 4]) * 38 + t[i];
    r[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  // carry < 39; fold it again (38 * carry < 2^11, so at most one more carry ripple).
  u128 c2 = static_cast<u128>(static_cast<uint64_t>(carry)) * 38;
  for (int i = 0; i < 4; ++i) {
    c2 += r[i];
    r[i] = static_cast<uint64_t>(c2);
    c2 >>= 64;
  }
  if (c2 != 0) {
    // Wrapped past 2^256 once more: add 38 (the low limbs are tiny here, no further carry).
    r[0] += 38;
  }
  return canonical(r);
}

Fe pow(const Fe& base, const Fe& exponent) {
  Fe result = {1, 0, 0, 0};
  for (int limb = 3; limb >= 0; --limb) {
    for (int bit = 63; bit >= 0; --bit) {
      result = mul(result, result);
      if ((exponent[limb] >> bit) & 1) result = mul(result, base);
    }
  }
  return result;
}

Fe from_u64(uint64_t v) {
  return Fe{v, 0, 0, 0};
}

const Fe& edwards_d() {
  // d = -121665 / 121666 (mod p)
  static const Fe d = sub(from_u64(0), mul(from_u64(121665), pow(from_u64(121666), kPMinus2)));
  return d;
}

}  // namespace

bool is_on_curve(const Pubkey& key) {
  Fe y{};
  for (int i = 0; i < 4; ++i) {
    uint64_t limb = 0;
    for (int b = 7; b >= 0; --b) limb = (limb << 8) | key.bytes[static_cast<size_t>(i * 8 + b)];
    y[i] = limb;
  }
  y[3] &= 0x7fffffffffffffffULL;  // the top bit is the sign of x, not part of y
  y = canonical(y);
  const Fe one = from_u64(1);
  const Fe yy = mul(y, y);
  const Fe u = sub(yy, one);
  const Fe v = add(mul(edwards_d(), yy), one);
  if (v == Fe{0, 0, 0, 0}) return false;  // u != 0 here, so u/v is undefined
  const Fe legendre = pow(mul(u, v), kHalfPMinus1);
  return legendre == Fe{0, 0, 0, 0} || legendre == one;
}

}  // namespace qd::solana
