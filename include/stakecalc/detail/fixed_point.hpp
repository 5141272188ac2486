// stakecalc/detail/fixed_point.hpp: binary fixed-point numbers for XIRR's last Newton steps: a
// fraction in [0, 1) with 128 bits, and a signed sum with 128 fractional bits and 63 whole ones.
//
// Why: near the root, f(x) = sum a_i b^(k_i) is evaluated by Horner's rule over some hundred
// flows, acc <- acc * b^gap + a (src/cash_flow.cpp, eval_fixed). The amounts are whole numbers
// (cents) and the powers lie in (0, 1], so as long as the amounts' absolute values sum below 2^62
// every acc does too, and a fixed binary point loses nothing a floating one would keep: the
// product is six 64x64-bit multiplications and carries, with no alignment, normalization or
// data-dependent branch, and adding a whole amount is one 64-bit addition, exactly. The rounding
// is a floor, an error below one unit of 2^-128 in absolute terms at each product, which is how
// the error bound of the sum is kept.
//
// Internal: included only by src/*.cpp and by tests, never by the public headers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "stakecalc/detail/wide_float.hpp"

namespace stakecalc::detail {

namespace fixed_point_detail {
inline std::uint64_t low(uint128 v) { return static_cast<std::uint64_t>(v); }
inline std::uint64_t high(uint128 v) { return static_cast<std::uint64_t>(v >> 64); }
inline uint128 product(std::uint64_t a, std::uint64_t b) { return static_cast<uint128>(a) * b; }
// a + b + carry, the carry out left in `carry` (0 or 1): the processor's add-with-carry where
// there is one (written with 128-bit sums, GCC kept every partial sum on the stack).
inline std::uint64_t add_with_carry(std::uint64_t a, std::uint64_t b, unsigned char& carry) {
#if defined(__x86_64__)
  unsigned long long sum;
  carry = _addcarry_u64(carry, a, b, &sum);
  return sum;
#else
  const uint128 sum = static_cast<uint128>(a) + b + carry;
  carry = static_cast<unsigned char>(sum >> 64);
  return static_cast<std::uint64_t>(sum);
#endif
}
}  // namespace fixed_point_detail

// bits / 2^128, a number in [0, 1).
struct unit_fraction {
  uint128 bits = 0;

  // v rounded down to a multiple of 2^-128, for 0 <= v <= 1: within one unit (2^-128) below v.
  // 1 itself, which the fraction cannot hold, becomes 1 - 2^-128 (also within a unit).
  static unit_fraction below(const wide_float& v) {
    unit_fraction r;
    if (v.is_zero() || v.negative()) return r;
    // v = s 2^e with s in [2^126, 2^127): v 2^128 = s 2^(e + 128).
    const std::int64_t shift = v.exponent() + 128;
    if (shift >= 2 || (shift == 1 && (v.significand() >> 127) != 0)) {  // v >= 1
      r.bits = ~uint128(0);
    } else if (shift == 1) {
      r.bits = v.significand() << 1;
    } else if (shift > -128) {
      r.bits = v.significand() >> -shift;
    }
    return r;
  }

  // floor(a b 2^128) / 2^128: the product rounded down, within one unit below a b.
  friend unit_fraction operator*(const unit_fraction& a, const unit_fraction& b) {
    using namespace fixed_point_detail;
    const std::uint64_t ah = high(a.bits), al = low(a.bits), bh = high(b.bits), bl = low(b.bits);
    const uint128 hl = product(ah, bl), lh = product(al, bh);
    // Bits 64-127 of the 256-bit product, summed to find their carry into bit 128.
    const uint128 middle = static_cast<uint128>(high(product(al, bl))) + low(hl) + low(lh);
    unit_fraction r;
    r.bits = product(ah, bh) + high(hl) + high(lh) + high(middle);
    return r;
  }

  // The leading 63 bits, as a double (one rounding; a signed 64-bit integer converts in one
  // instruction, a 128-bit one through a library call).
  double to_double() const { return static_cast<double>(static_cast<std::int64_t>(bits >> 65)) * 0x1p-63; }
};

// A signed number of 128 fractional bits: a 192-bit two's complement integer over 2^128, kept as
// three 64-bit limbs (limb 2 the highest, the whole part). Its value must stay within (-2^63, 2^63).
class fixed_sum {
public:
  fixed_sum() = default;
  explicit fixed_sum(std::int64_t whole) { limb_[2] = static_cast<std::uint64_t>(whole); }

  // Adds a whole number, exactly (the caller keeps the result within range).
  void add_whole(std::int64_t v) { limb_[2] += static_cast<std::uint64_t>(v); }

  // floor(this p 2^128) / 2^128: the product rounded down, within one unit (2^-128) below the
  // exact product. Computed on the limbs as an unsigned integer U: for a negative value the
  // integer is U - 2^192, and its product p (U - 2^192) is U p less p 2^192, which is p 2^64 in the
  // result's units.
  fixed_sum times(const unit_fraction& p) const {
    using namespace fixed_point_detail;
    const std::uint64_t p0 = low(p.bits), p1 = high(p.bits);
    const std::uint64_t u0 = limb_[0], u1 = limb_[1], u2 = limb_[2];
    const uint128 u0p1 = product(u0, p1), u1p0 = product(u1, p0), u1p1 = product(u1, p1), u2p0 = product(u2, p0),
                  u2p1 = product(u2, p1);
    // The products summed in 64-bit columns from bit 64 (r64) to bit 256 (r256), each chain of
    // additions carrying into the columns above; the result is r128, r192 and r256. (u0 p0
    // reaches bit 64 only by its high half; r64 itself is below the result.)
    unsigned char c = 0;
    std::uint64_t r64 = add_with_carry(low(u0p1), low(u1p0), c);
    std::uint64_t r128 = add_with_carry(high(u0p1), high(u1p0), c);
    std::uint64_t r192 = c;
    c = 0;
    r64 = add_with_carry(r64, high(product(u0, p0)), c);
    r128 = add_with_carry(r128, low(u1p1), c);
    r192 = add_with_carry(r192, high(u1p1), c);
    std::uint64_t r256 = c;
    c = 0;
    r128 = add_with_carry(r128, low(u2p0), c);
    r192 = add_with_carry(r192, high(u2p0), c);
    r256 += c;
    c = 0;
    r192 = add_with_carry(r192, low(u2p1), c);
    r256 = add_with_carry(r256, high(u2p1), c);  // (the result fits: no carry out)
    fixed_sum r;
    r.limb_[0] = r128;
    r.limb_[1] = r192;
    r.limb_[2] = r256;
    if (negative()) {  // less p 2^64: p0 from limb 1 and p1 with the borrow from limb 2
      const std::uint64_t before = r.limb_[1];
      r.limb_[1] -= p0;
      r.limb_[2] -= p1 + (r.limb_[1] > before ? 1 : 0);
    }
    return r;
  }

  bool negative() const { return static_cast<std::int64_t>(limb_[2]) < 0; }

  // The value, rounded to nearest (wide_float's 127 bits): within 2^-127 of it, relative.
  wide_float to_wide() const {
    std::uint64_t m[3] = {limb_[0], limb_[1], limb_[2]};
    const bool minus = negative();
    if (minus) {  // the magnitude: the two's complement negated
      m[0] = ~m[0];
      m[1] = ~m[1];
      m[2] = ~m[2];
      if (++m[0] == 0 && ++m[1] == 0) ++m[2];
    }
    const uint128 top = (static_cast<uint128>(m[2]) << 64) | m[1];
    if (top == 0 && m[0] == 0) return {};
    // The magnitude's highest bit, counted from bit 0 of limb 0.
    const int highest = m[2] != 0   ? 128 + 63 - __builtin_clzll(m[2])
                        : m[1] != 0 ? 64 + 63 - __builtin_clzll(m[1])
                                    : 63 - __builtin_clzll(m[0]);
    // Keep bits [highest - 126, highest] (127 bits) and round on the one below: the magnitude
    // below 2^127 is kept whole; above it, 1 to 65 bits are dropped.
    const int drop = highest - 126;
    uint128 kept;
    unsigned round = 0;
    if (drop <= 0) {
      kept = (static_cast<uint128>(m[1]) << 64) | m[0];
    } else {
      const uint128 upper = top;  // bits 64 to 191
      kept = drop == 65 ? upper >> 1 : (upper << (64 - drop)) | (static_cast<uint128>(m[0]) >> drop);
      round = drop == 65 ? static_cast<unsigned>(m[1] & 1) : static_cast<unsigned>((m[0] >> (drop - 1)) & 1);
    }
    kept += round;
    std::int64_t exponent = std::max(drop, 0) - 128;
    if (kept >> 127) {  // rounded up to 2^127
      kept >>= 1;
      ++exponent;
    }
    const wide_float w = wide_float::of_integer(static_cast<int128>(kept)).scaled(exponent);
    return minus ? -w : w;
  }

  // The value, rounded (for estimates and signs).
  double to_double() const { return to_wide().to_double(); }

  // The limbs, lowest first (for tests).
  const std::uint64_t* limbs() const { return limb_; }

private:
  std::uint64_t limb_[3] = {0, 0, 0};
};

}  // namespace stakecalc::detail
