// stakecalc/detail/wide_float.hpp: a binary float with a 127-bit significand and only what the
// rate-of-return polish needs: + and * of finite values, exact conversions from double and quad,
// rounded conversions back, a correctly rounded 1/d, and expm1 (wide_expm1, below).
//
// Why: the last Newton step of XIRR (src/cash_flow.cpp, eval_powers) is a sum of some hundred
// products. In __float128 every + and * is a libgcc software routine of some 30-60 ns, and those
// routines were a third of an XIRR's time. Here a product is four 64x64-bit hardware
// multiplications and a sum a shift and a 128-bit add, several times faster, and 14 bits more
// precise than quad (2^-127 against 2^-113 a rounding), which lets more roots settle without
// the 100-digit fallback.
//
// Both operations round to nearest, so an operation's error is at most about half a unit in the
// last place, 2^-127 of its result (three quarters where a sum rounds twice), and errors have no
// systematic sign: the polish's error estimate adds them as independent steps. Where exactly one
// bit is dropped, a tie (then common) goes to even; where more are, only the first dropped bit is
// looked at, and the rare exact tie goes up in magnitude. No infinities, NaNs or subnormals: the exponent is a 64-bit integer, and
// callers only pass finite values of moderate range (amounts, powers of a discount factor).
//
// Internal: included only by src/*.cpp and by tests, never by the public headers.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "stakecalc/detail/quad.hpp"

namespace stakecalc::detail {

class wide_float {
public:
  constexpr wide_float() = default;

  // Exact.
  explicit wide_float(double v) {
    if (v == 0) return;
    int e = 0;
    const double m = std::frexp(std::fabs(v), &e);  // m in [0.5, 1)
    const auto bits = static_cast<std::uint64_t>(std::ldexp(m, 53));  // exact: 53 bits
    significand_ = static_cast<uint128>(bits) << (top_bit - 52);
    exponent_ = static_cast<std::int64_t>(e) - 53 - (top_bit - 52);
    negative_ = v < 0;
  }

  // Exact for any finite quad (113 bits fit in 127).
  explicit wide_float(quad v) {
    if (v == 0) return;
    uint128 bits;
    std::memcpy(&bits, &v, sizeof bits);
    negative_ = (bits >> 127) != 0;
    const auto biased = static_cast<std::int64_t>((bits >> 112) & 0x7fff);
    uint128 fraction = bits & ((uint128(1) << 112) - 1);
    if (biased != 0) {
      fraction |= uint128(1) << 112;
      exponent_ = biased - 16383 - 112;
    } else {
      exponent_ = 1 - 16383 - 112;  // subnormal
    }
    const int shift = top_bit - highest_bit(fraction);
    significand_ = fraction << shift;
    exponent_ -= shift;
  }

  // Exact (|v| < 2^127).
  static wide_float of_integer(int128 v) {
    wide_float w;
    if (v == 0) return w;
    w.negative_ = v < 0;
    const uint128 magnitude = v < 0 ? uint128(0) - static_cast<uint128>(v) : static_cast<uint128>(v);
    const int shift = top_bit - highest_bit(magnitude);
    w.significand_ = magnitude << shift;
    w.exponent_ = -shift;
    return w;
  }

  // 1 / d rounded to nearest (d >= 1): 2^(126 + L) / d for d of L bits, in [2^126, 2^127], by
  // two 128-bit divisions (the numerator has up to 190 bits).
  static wide_float reciprocal(std::uint64_t d) {
    const int bits = 64 - __builtin_clzll(d);  // d in [2^(bits - 1), 2^bits)
    const uint128 numerator_high = uint128(1) << (62 + bits);  // 2^(126 + bits) = this * 2^64
    const uint128 q_high = numerator_high / d, r_high = numerator_high % d;
    const uint128 numerator_low = r_high << 64;
    const uint128 q_low = numerator_low / d, r_low = numerator_low % d;
    uint128 q = (q_high << 64) + q_low;
    if (2 * r_low >= d) ++q;  // to nearest (a tie, r_low = d / 2, goes up)
    wide_float w;
    w.exponent_ = -(126 + bits);
    if (q >> (top_bit + 1)) {  // 2^127: d a power of two
      q >>= 1;
      ++w.exponent_;
    }
    w.significand_ = q;
    return w;
  }

  // This times 2^k, exactly.
  wide_float scaled(std::int64_t k) const {
    wide_float w = *this;
    if (w.significand_ != 0) w.exponent_ += k;
    return w;
  }

  bool is_zero() const { return significand_ == 0; }
  bool negative() const { return negative_; }

  // The nearest quad (ties away from zero), barring quad overflow or underflow.
  quad to_quad() const {
    if (significand_ == 0) return 0;
    // 127 -> 113 bits: drop 14, rounding to nearest.
    uint128 kept = (significand_ >> 14) + ((significand_ >> 13) & 1);
    std::int64_t e = exponent_ + 14;
    if (kept >> 113) {  // rounded up to 2^113
      kept >>= 1;
      ++e;
    }
    // kept * 2^e = 1.f * 2^(e + 112): quad's fields directly when that is a normal quad.
    const std::int64_t biased = e + 112 + 16383;
    if (biased > 0 && biased < 0x7fff) {
      const uint128 bits = (static_cast<uint128>(negative_) << 127) | (static_cast<uint128>(biased) << 112) |
                           (kept & ((uint128(1) << 112) - 1));
      quad q;
      std::memcpy(&q, &bits, sizeof q);
      return q;
    }
    const quad q = quad_ldexp(static_cast<quad>(static_cast<std::uint64_t>(kept >> 64)) * quad_ldexp(1, 64) +
                                  static_cast<quad>(static_cast<std::uint64_t>(kept)),
                              static_cast<long>(e));
    return negative_ ? -q : q;
  }

  // The leading 63 bits, as a double (one rounding): for error estimates and signs. (63, not
  // 64: a signed 64-bit integer converts in one instruction, an unsigned one above 2^63 does not.)
  double to_double() const {
    if (significand_ == 0) return 0;
    double v = static_cast<double>(static_cast<std::int64_t>(significand_ >> 64));  // in [2^62, 2^63]
    // Scaling by 2^(exponent + 64) is adding to the biased exponent field while the result stays
    // normal (the usual case: this runs once a term); std::ldexp otherwise.
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    const std::int64_t biased = static_cast<std::int64_t>(bits >> 52) + exponent_ + 64;
    if (biased > 0 && biased < 2047) {
      bits = (bits & ((std::uint64_t(1) << 52) - 1)) | (static_cast<std::uint64_t>(biased) << 52);
      std::memcpy(&v, &bits, sizeof v);
    } else {
      v = std::ldexp(v, static_cast<int>(clamp_exponent(exponent_ + 64)));
    }
    return negative_ ? -v : v;
  }

  friend wide_float operator-(wide_float a) {
    if (a.significand_ != 0) a.negative_ = !a.negative_;
    return a;
  }

  __attribute__((always_inline)) friend wide_float operator*(const wide_float& a, const wide_float& b) {
    if (a.significand_ == 0 || b.significand_ == 0) return {};
    // The 254-bit product of two significands in [2^126, 2^127), from four 64x64 products:
    // p = high * 2^128 + middle * 2^64 + (the low product's low half, below every kept bit).
    const auto ah = static_cast<std::uint64_t>(a.significand_ >> 64), al = static_cast<std::uint64_t>(a.significand_);
    const auto bh = static_cast<std::uint64_t>(b.significand_ >> 64), bl = static_cast<std::uint64_t>(b.significand_);
    const uint128 hh = static_cast<uint128>(ah) * bh, hl = static_cast<uint128>(ah) * bl,
                  lh = static_cast<uint128>(al) * bh, ll = static_cast<uint128>(al) * bl;
    const uint128 middle_sum = (hl & low_mask) + (lh & low_mask) + (ll >> 64);  // < 3 * 2^64
    const uint128 high = hh + (hl >> 64) + (lh >> 64) + (middle_sum >> 64);   // < 2^126
    const auto middle = static_cast<std::uint64_t>(middle_sum);
    wide_float r;
    r.negative_ = a.negative_ != b.negative_;
    // p in [2^252, 2^254): keep its top 127 bits and round on the next one. (The bits of the low
    // product's low half and below only decide exact ties, which round up here.)
    int drop;  // bits of p dropped: 126 or 127
    uint128 kept;
    unsigned round;
    if (high >> 125) {  // p >= 2^253
      drop = 127;
      kept = (high << 1) | (middle >> 63);
      round = static_cast<unsigned>((middle >> 62) & 1);
    } else {
      drop = 126;
      kept = (high << 2) | (middle >> 62);
      round = static_cast<unsigned>((middle >> 61) & 1);
    }
    kept += round;
    if (kept >> (top_bit + 1)) {  // rounded up to 2^127
      kept >>= 1;
      ++drop;
    }
    r.significand_ = kept;
    r.exponent_ = a.exponent_ + b.exponent_ + drop;
    return r;
  }

  __attribute__((always_inline)) friend wide_float operator+(const wide_float& a, const wide_float& b) {
    if (b.significand_ == 0) return a;
    if (a.significand_ == 0) return b;
    // x is the operand of the larger exponent (or equal), y the other; d = the difference.
    const bool a_first = a.exponent_ >= b.exponent_;
    const wide_float& x = a_first ? a : b;
    const wide_float& y = a_first ? b : a;
    const std::int64_t d = x.exponent_ - y.exponent_;
    if (d > top_bit + 1) return x;  // y is below half a unit of x's last place
    if (x.negative_ == y.negative_) {
      // |x| + |y| rounded: y shifted to x's exponent, rounded to nearest on the last bit shifted
      // out; the sum is below 2^128 and, when it reaches 2^127, drops one more bit.
      const uint128 ys = d == 0   ? y.significand_
                        : d == 1 ? halve_to_even(y.significand_)
                                 : (y.significand_ >> d) + ((y.significand_ >> (d - 1)) & 1);
      return normalized_down(x.significand_ + ys, x.exponent_, x.negative_);
    }
    // Opposite signs: |x| - |y|.
    if (d <= 1) {
      // Exact: x shifted up by d (below 2^128) less y, then normalized (a cancellation loses no
      // bit of either operand, as a floating subtraction of close numbers is exact).
      const uint128 xs = x.significand_ << d;
      if (xs == y.significand_) return {};
      const bool x_larger = xs > y.significand_;
      uint128 s = x_larger ? xs - y.significand_ : y.significand_ - xs;
      std::int64_t e = y.exponent_;
      if (!(s >> top_bit)) {  // below 2^126: shifted up, exactly
        const int shift = top_bit - highest_bit(s);
        s <<= shift;
        e -= shift;
      }
      return normalized_down(s, e, x_larger ? x.negative_ : y.negative_);  // up to 128 bits when d == 1
    }
    // d >= 2: |x| > |y|, and the difference is at least 2^125 (one bit of normalization at most).
    // y is rounded at the bit below x's last place + 1 (a guard bit), so that the normalizing shift
    // brings in a computed bit rather than a zero.
    const uint128 y_guarded = d == 2 ? halve_to_even(y.significand_)
                                     : (y.significand_ >> (d - 1)) + ((y.significand_ >> (d - 2)) & 1);  // y * 2 / 2^d
    // (|x| - |y|) * 2, below 2^128: at or above 2^127 the guard bit is dropped, rounded.
    return normalized_down((x.significand_ << 1) - y_guarded, x.exponent_ - 1, x.negative_);
  }

  friend wide_float operator-(const wide_float& a, const wide_float& b) { return a + (-b); }
  friend wide_float operator+(const wide_float& a, double b) { return a + wide_float(b); }

  // For tests: the exact value is significand * 2^exponent.
  uint128 significand() const { return significand_; }
  std::int64_t exponent() const { return exponent_; }

private:
  static constexpr int top_bit = 126;  // significands are in [2^126, 2^127)
  static constexpr uint128 low_mask = (uint128(1) << 64) - 1;

  static int highest_bit(uint128 v) {  // v != 0
    const auto high = static_cast<std::uint64_t>(v >> 64);
    return high != 0 ? 127 - __builtin_clzll(high) : 63 - __builtin_clzll(static_cast<std::uint64_t>(v));
  }
  // The value s * 2^e for s in [2^126, 2^128): one bit dropped, rounded to nearest (a tie to
  // even), when s is at or above 2^127, and once more in the rare case that rounding reaches 2^127.
  static wide_float normalized_down(uint128 s, std::int64_t e, bool negative) {
    if (s >> (top_bit + 1)) {
      s = halve_to_even(s);
      ++e;
      if (s >> (top_bit + 1)) {
        s >>= 1;
        ++e;
      }
    }
    wide_float r;
    r.significand_ = s;
    r.exponent_ = e;
    r.negative_ = negative;
    return r;
  }

  // v / 2 rounded to nearest, a tie to even.
  static uint128 halve_to_even(uint128 v) { return (v >> 1) + (v & (v >> 1) & 1); }
  static std::int64_t clamp_exponent(std::int64_t e) { return e < -100000 ? -100000 : e > 100000 ? 100000 : e; }

  uint128 significand_ = 0;  // 0, or in [2^126, 2^127)
  std::int64_t exponent_ = 0;
  bool negative_ = false;
};

// e^y - 1 for |y| <= 0.36, within wide_expm1_error_units(y) units of 2^-127 of the result.
// As quad_expm1 does: halved exactly to |y| <= 2^-8, the Taylor series of expm1 there to the
// first term below 2^-130 of the first (14 terms at most), then as many doublings
// e^(2a) - 1 = m (m + 2), which keep the relative precision of a small m. Used for the base
// e^(-x/D) - 1 of every power in XIRR's last Newton step and for the rate e^x - 1 it gives, where
// quad's 2^-113 had been the largest part of the root's error.
inline const std::array<wide_float, 17>& wide_inverse_factorials() {
  static const std::array<wide_float, 17> table = [] {
    std::array<wide_float, 17> t{};
    std::uint64_t factorial = 1;  // 16! < 2^45
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (k > 0) factorial *= k;
      t[k] = wide_float::reciprocal(factorial);
    }
    return t;
  }();
  return table;
}

// The halvings wide_expm1 takes for |y| (those that bring it to 2^-8).
inline int wide_expm1_halvings(double size) {
  int halvings = 0;
  for (double h = size; h > 0x1p-8; h *= 0.5) ++halvings;
  return halvings;
}

// A bound on wide_expm1's error, in units of 2^-127 of |result| (a rounding errs by at most 1
// such unit for a product, half an ulp, and 1.5 for a sum, 3/4 of one). The series: its last sum
// 1 + r (...) rounds once (1.5), the product r (...) once more (1), and every earlier rounding and
// constant 1/k! weighs a power of |r| <= 2^-8 less, the truncation 1/8: 4 units in all. A
// doubling rounds m + 2 >= 1 (1.5) and the product (1), and multiplies the error carried in by
// (2m + 2) / (m + 2): at most 1.2 for m <= e^0.36 - 1, below 1 when y < 0. Checked against
// 333-bit values in tests/cpp/test_wide_float.cpp.
inline double wide_expm1_error_units(double y) {
  double units = 4;
  for (int i = wide_expm1_halvings(std::fabs(y)); i > 0; --i) units = units * (y < 0 ? 1.0 : 1.2) + 2.5;
  return units;
}

inline wide_float wide_expm1(const wide_float& y) {
  const double size = std::fabs(y.to_double());
  if (size == 0) return y;
  const int halvings = wide_expm1_halvings(size);
  const wide_float r = y.scaled(-halvings);
  const double reduced = std::ldexp(size, -halvings);
  const auto& inverse_factorial = wide_inverse_factorials();
  // r^(k-1) / k! relative to r, the k-th term's share: the series stops before the first k at
  // which it is below 2^-130 (k = 15 for |r| = 2^-8).
  std::size_t terms = 1;
  for (double share = 1; terms < inverse_factorial.size() - 1; ++terms) {
    share *= reduced / static_cast<double>(terms + 1);
    if (share < 0x1p-130) break;
  }
  wide_float sum = inverse_factorial[terms];
  for (std::size_t k = terms - 1; k >= 1; --k) sum = inverse_factorial[k] + r * sum;
  wide_float m = r * sum;
  const wide_float two(2.0);
  for (int i = 0; i < halvings; ++i) m = m * (m + two);
  return m;
}

}  // namespace stakecalc::detail
