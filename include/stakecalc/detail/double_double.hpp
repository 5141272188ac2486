// stakecalc/detail/double_double.hpp: double-double numbers, an unevaluated sum hi + lo of two
// doubles with |lo| <= ulp(hi) / 2, carrying about 106 bits (32 significant digits).
//
// Why: the rate-of-return polish (src/cash_flow.cpp) evaluates a sum of ~n exponentials a few
// times per call. In __float128 (quad.hpp) every + and * is a libgcc software routine; a
// double-double + or * is a dozen hardware double operations, several times faster, at 7 bits less
// precision. Callers that need quad's last digits estimate the double-double error and fall back
// to quad when it could matter.
//
// The building blocks are the error-free transformations (Knuth's two-sum, Dekker's two-product):
// a + b and a * b as a rounded double plus the exact rounding error. The compound operations are
// the usual "accurate" double-double ones (relative error at most a few 2^-106).
//
// Internal: included only by src/*.cpp and by tests, never by the public headers.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

namespace stakecalc::detail {

struct double_double {
  double hi = 0, lo = 0;
};

// a + b = s + e exactly, s the rounded sum (Knuth; no condition on the magnitudes).
inline double_double two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

// The same when |a| >= |b| or a == 0 (Dekker): three operations instead of six.
inline double_double quick_two_sum(double a, double b) {
  const double s = a + b;
  return {s, b - (s - a)};
}

// a * b = p + e exactly, p the rounded product (barring underflow). With a hardware fused
// multiply-add the error is one fma; without one, std::fma would be a library call, so Dekker's
// splitting into 26-bit halves is used instead (exact for |a|, |b| < 2^996). Both give the same,
// exact, result.
inline double_double two_prod(double a, double b) {
  const double p = a * b;
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
  return {p, std::fma(a, b, -p)};
#else
  constexpr double split = 134217729.0;  // 2^27 + 1
  const double ta = split * a, ah = ta - (ta - a), al = a - ah;
  const double tb = split * b, bh = tb - (tb - b), bl = b - bh;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
#endif
}

inline double_double operator-(double_double a) { return {-a.hi, -a.lo}; }

inline double_double operator+(double_double a, double_double b) {
  // Both parts summed error-free, so cancellation between a and b keeps its precision.
  const double_double s = two_sum(a.hi, b.hi);
  const double_double t = two_sum(a.lo, b.lo);
  double_double r = quick_two_sum(s.hi, s.lo + t.hi);
  return quick_two_sum(r.hi, r.lo + t.lo);
}
inline double_double operator-(double_double a, double_double b) { return a + -b; }

inline double_double operator+(double_double a, double b) {
  const double_double s = two_sum(a.hi, b);
  return quick_two_sum(s.hi, s.lo + a.lo);
}

inline double_double operator*(double_double a, double_double b) {
  const double_double p = two_prod(a.hi, b.hi);
  return quick_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

// The same product through a fused multiply-add, for code compiled for a processor that has one
// (src/cash_flow.cpp runs its double-double polish so when the processor does, chosen at run
// time): two operations for the exact product instead of Dekker's seventeen, and the very same
// result as operator* (both products are exact, the rest is the same operations; the library is
// built with -ffp-contract=off, so no other sum is fused behind its back). Called from a function
// not compiled for FMA, std::fma is a slow library call: only for such callers.
__attribute__((always_inline)) inline double_double multiply_fused(double_double a, double_double b) {
  const double p = a.hi * b.hi;
  const double e = std::fma(a.hi, b.hi, -p);
  return quick_two_sum(p, e + (a.hi * b.lo + a.lo * b.hi));
}

inline double_double operator*(double_double a, double b) {
  const double_double p = two_prod(a.hi, b);
  return quick_two_sum(p.hi, p.lo + a.lo * b);
}

// a / b for a double b != 0: one correction of the double quotient (long division by hand).
inline double_double operator/(double_double a, double b) {
  const double q1 = a.hi / b;
  const double_double r = a - two_prod(q1, b);
  const double q2 = (r.hi + r.lo) / b;
  return quick_two_sum(q1, q2);
}

// x * 2^k, exact (barring overflow and underflow).
inline double_double ldexp(double_double a, int k) { return {std::ldexp(a.hi, k), std::ldexp(a.lo, k)}; }

// An int64 exactly: its upper and lower 32 bits are exact doubles, and two_sum of exact doubles
// is exact.
inline double_double to_double_double(long long v) {
  const double upper = static_cast<double>(v >> 32) * 4294967296.0;  // arithmetic shift: floor(v / 2^32)
  const double lower = static_cast<double>(v & 0xffffffffLL);
  return two_sum(upper, lower);
}

// e^y - 1 for |y| <= 0.36 (every rate of return between -30% and +43% a year, as x = ln(1 + r)):
// halved exactly to |y| <= 2^-8 when it is larger, the Taylor series of expm1 there to the first
// term below 2^-110 of the first (at most 13 terms), then as many doublings
// e^(2a) - 1 = m (m + 2), which keep the relative precision of a small result. A rate over one
// day (|y| ~ 3e-4, the usual argument in XIRR) takes 7 terms and no doubling, where a fixed 11
// terms and 8 doublings took four times the work. Callers allow 32 units of 2^-106 (2^-101),
// which tests/cpp/test_double_double.cpp checks over random arguments. Larger |y| is the
// caller's to handle (src/cash_flow.cpp uses quad there).
inline double_double expm1_small(double_double y) {
  // 1/k! as double-doubles: 1/k! = 1/(k-1)! / k, each quotient within a few 2^-106 (the Taylor
  // terms' own rounding is of the same size).
  static const std::array<double_double, 14> inverse_factorial = [] {
    std::array<double_double, 14> t{};
    t[0] = {1.0, 0.0};
    for (std::size_t k = 1; k < t.size(); ++k) t[k] = t[k - 1] / static_cast<double>(k);
    return t;
  }();
  const double size = std::fabs(y.hi);
  if (size == 0) return y;
  int halvings = 0;
  for (double h = size; h > 0x1p-8; h *= 0.5) ++halvings;
  const double_double h = ldexp(y, -halvings);
  const double reduced = std::ldexp(size, -halvings);
  // h^(k-1) / k!, the k-th term relative to the first: stop before the first below 2^-110.
  std::size_t terms = 1;
  for (double share = 1; terms < inverse_factorial.size() - 1; ++terms) {
    share *= reduced / static_cast<double>(terms + 1);
    if (share < 0x1p-110) break;
  }
  double_double sum = inverse_factorial[terms];
  for (std::size_t k = terms; k-- > 1;) sum = inverse_factorial[k] + h * sum;
  double_double m = h * sum;
  for (int i = 0; i < halvings; ++i) m = m * (m + 2.0);
  return m;
}

}  // namespace stakecalc::detail
