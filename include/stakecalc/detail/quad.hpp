// stakecalc/detail/quad.hpp: the working precision of the irrational computations (powers with
// fractional exponents, logarithms, internal rates of return), and the root finders built on it.
//
// Why __float128: its 113-bit significand carries 34 significant decimal digits, six more than the
// 28 the library promises, and its + - * / are exact-rounded machine operations (in libgcc), ten to
// a hundred times faster than a software multiprecision float. exp/log/log1p/expm1 are written
// here (Taylor and atanh series after argument reduction) rather than taken from libquadmath, so
// that nothing beyond the compiler's runtime is linked. Results leave this layer through
// to_decimal(), rounded once to a stated number of significant digits; a quad is never stored as
// an amount.
//
// Internal: included only by src/*.cpp and by tests, never by the public headers.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "stakecalc/decimal.hpp"
#include "stakecalc/error.hpp"
#include "stakecalc/ratio.hpp"

namespace stakecalc::detail {

__extension__ typedef __float128 quad;
__extension__ typedef unsigned __int128 uint128;

// 10^0 .. 10^(N-1) in a floating type T, each computed once: exact while 5^k fits T's significand
// (k <= 22 for double, 48 for quad).
template <class T, std::size_t N>
const std::array<T, N>& powers_of_ten() {
  static const std::array<T, N> table = [] {
    std::array<T, N> t{};
    T p = 1;
    for (auto& v : t) {
      v = p;
      p *= 10;
    }
    return t;
  }();
  return table;
}

// 10^k, exact for k <= 48 (5^48 < 2^113).
inline quad quad_pow10(int k) {
  const auto& table = powers_of_ten<quad, 49>();
  if (k < 0) return 1 / quad_pow10(-k);
  quad r = 1;
  for (; k > 48; k -= 48) r *= table[48];
  return r * table[static_cast<std::size_t>(k)];
}

// x * 2^k, exact (barring overflow and underflow).
inline quad quad_ldexp(quad x, long k) {
  for (; k > 1000; k -= 1000) x *= static_cast<quad>(std::ldexp(1.0, 1000));
  for (; k < -1000; k += 1000) x *= static_cast<quad>(std::ldexp(1.0, -1000));
  return x * static_cast<quad>(std::ldexp(1.0, static_cast<int>(k)));
}

inline quad quad_abs(quad x) { return x < 0 ? -x : x; }
inline bool quad_finite(quad x) { return x == x && x - x == 0; }

// The nearest quad to an integer of any size (exact below 2^113).
inline quad quad_from_big(const big_int& v) {
  if (v >= detail::int64_min_big() && v <= detail::int64_max_big())
    return static_cast<quad>(static_cast<std::int64_t>(v));
  big_int a = boost::multiprecision::abs(v);
  long shift = static_cast<long>(boost::multiprecision::msb(a)) + 1 - 126;
  if (shift > 0) a >>= static_cast<unsigned>(shift);
  std::uint64_t hi = static_cast<std::uint64_t>(a >> 64);
  std::uint64_t lo = static_cast<std::uint64_t>(a & big_int(std::numeric_limits<std::uint64_t>::max()));
  quad q = static_cast<quad>(hi) * quad_ldexp(1, 64) + static_cast<quad>(lo);
  if (shift > 0) q = quad_ldexp(q, shift);
  return v.sign() < 0 ? -q : q;
}

inline quad to_quad(const decimal& d) {
  quad c = d.is_small() ? static_cast<quad>(d.small_coefficient()) : quad_from_big(d.coefficient());
  return d.scale() == 0 ? c : c / quad_pow10(d.scale());
}
// The nearest quad to r, or to within 3 roundings for a big rational (each part, then the quotient).
inline quad to_quad(const ratio& r) {
  if (r.is_small()) return static_cast<quad>(r.small_numerator()) / static_cast<quad>(r.small_denominator());
  return quad_from_big(r.numerator()) / quad_from_big(r.denominator());
}

// x rounded half-even to `digits` significant digits (1..33), trailing zeros removed: the one
// rounding of an irrational result. `what` names the quantity in the error for a non-finite x.
inline decimal to_decimal(quad x, int digits, const std::string& what) {
  if (!quad_finite(x)) throw overflow_error("the result is not a finite number", what);
  if (x == 0) return decimal();
  bool negative = x < 0;
  if (negative) x = -x;
  double approx = static_cast<double>(x);
  if (!(approx > 0) || std::isinf(approx)) throw overflow_error("the result is out of range", what);
  int k = digits - 1 - static_cast<int>(std::floor(std::log10(approx)));
  quad y = k >= 0 ? x * quad_pow10(k) : x / quad_pow10(-k);
  if (y >= quad_pow10(digits)) {
    y /= 10;
    --k;
  } else if (y < quad_pow10(digits - 1)) {
    y *= 10;
    ++k;
  }
  uint128 whole = static_cast<uint128>(y);
  quad rest = y - static_cast<quad>(whole);
  if (rest > quad(0.5) || (rest == quad(0.5) && (whole & 1) != 0)) ++whole;
  // Trailing zeros after the point go while the coefficient is a machine integer: normalizing the
  // big decimal afterwards divides a big integer by ten once per digit, and each result passes here.
  while (k > 0 && whole != 0 && whole % 10 == 0) {
    whole /= 10;
    --k;
  }
  big_int c = (big_int(static_cast<std::uint64_t>(whole >> 64)) << 64) | big_int(static_cast<std::uint64_t>(whole));
  if (negative) c = -c;
  if (k >= 0) {
    if (k > decimal::max_scale) return decimal();  // below the smallest representable step
    return decimal::from_parts(c, k);
  }
  return decimal::from_parts(c * detail::big_pow10(-k), 0);
}

// ---- elementary functions to full quad precision ----------------------------------------------

inline quad quad_ln2() {
  // 0.6931471805599453094172321214581766 (34 digits), as an exact integer over an exact 10^34.
  static const quad v = static_cast<quad>(static_cast<uint128>(69314718055994530ULL) * 100000000000000000ULL +
                                          94172321214581766ULL) /
                        quad_pow10(34);
  return v;
}

// expm1 for |r| <= 0.36. For |r| <= 2^-8 (a rate over one day, the usual argument in XIRR), the
// Taylor series of expm1(r) itself, cut where the next term falls below 2^-116 of the first:
// thirteen terms or fewer. Beyond, the series of expm1(r / 2^s) with s the fewest halvings that
// bring it to 2^-8 (at most 7), then s doublings e^(2a) - 1 = m (m + 2), which keep the relative
// precision of a small result. (Each quad operation is a library call: this is about half the
// operations of a fixed 14 terms and 8 doublings.)
inline quad expm1_reduced(quad r) {
  static const std::array<quad, 15> inverse_factorial = [] {
    std::array<quad, 15> t{};
    quad f = 1;
    for (int k = 0; k < 15; ++k) {
      if (k > 0) f *= k;
      t[static_cast<std::size_t>(k)] = 1 / f;
    }
    return t;
  }();
  const double size = std::fabs(static_cast<double>(r));
  if (size <= 0x1p-8) {
    if (size == 0) return r;
    // r^(k-1) / k! relative to r, the k-th term's share: the series stops before the first k at
    // which it is below 2^-116 (at k = 13 for |r| = 2^-8: 2^-96 / 13! < 2^-128).
    std::size_t terms = 1;
    for (double share = 1; terms < 13; ++terms) {
      share *= size / static_cast<double>(terms + 1);
      if (share < 0x1p-116) break;
    }
    quad sum = inverse_factorial[terms];
    for (std::size_t k = terms - 1; k >= 1; --k) sum = inverse_factorial[k] + r * sum;
    return r * sum;
  }
  // Halved (exactly: a power of two) until at most 2^-8, then the series above and as many
  // doublings: 5 for a rate of 10%, against 8 and 14 terms for any r before.
  int halvings = 0;
  for (double h = size; h > 0x1p-8; h *= 0.5) ++halvings;
  quad m = expm1_reduced(r * static_cast<quad>(std::ldexp(1.0, -halvings)));
  for (int i = 0; i < halvings; ++i) m = m * (m + 2);
  return m;
}

inline quad quad_exp(quad x) {
  if (x != x) return x;
  if (x > 11356) return quad_ldexp(1, 20000);  // +inf
  if (x < -11432) return 0;
  double kd = std::nearbyint(static_cast<double>(x) / 0.6931471805599453);
  long k = static_cast<long>(kd);
  quad r = x - static_cast<quad>(k) * quad_ln2();
  return quad_ldexp(1 + expm1_reduced(r), k);
}

inline quad quad_expm1(quad x) {
  if (quad_abs(x) <= quad(0.36)) return expm1_reduced(x);
  return quad_exp(x) - 1;
}

// Natural logarithm of y > 0: the double logarithm refined by one Halley step
// x += 2 (y - e^x) / (y + e^x), which triples the number of correct digits: from the double's
// 1e-16 (the logarithm of y rounded to double, good to about an ulp) to 1e-48, far below quad's
// 1e-34, so the result errs by quad_exp's few units and the step's roundings.
inline quad quad_log(quad y) {
  if (!(y > 0)) return static_cast<quad>(std::numeric_limits<double>::quiet_NaN());  // callers check first
  // Infinity (a decimal beyond quad's range, ~1.19e4932, converts to it) would never leave the
  // reduction loop below: its logarithm is infinite.
  if (!quad_finite(y)) return y;
  long k = 0;
  while (y > quad(1e300)) {
    y = quad_ldexp(y, -900);
    k += 900;
  }
  while (y < quad(1e-300)) {
    y = quad_ldexp(y, 900);
    k -= 900;
  }
  quad x = std::log(static_cast<double>(y));
  const quad e = quad_exp(x);
  x += 2 * (y - e) / (y + e);
  return x + static_cast<quad>(k) * quad_ln2();
}

// log(1 + u) for u > -1, accurate also for tiny u: 2 atanh(u / (2 + u)) as a series when |u| < 1/4.
inline quad quad_log1p(quad u) {
  if (quad_abs(u) >= quad(0.25)) return quad_log(1 + u);
  // 1 / (2k + 1), computed once: a quad division costs several multiplications.
  static const std::array<quad, 25> odd_reciprocal = [] {
    std::array<quad, 25> t{};
    for (std::size_t k = 0; k < t.size(); ++k) t[k] = 1 / static_cast<quad>(2 * k + 1);
    return t;
  }();
  quad z = u / (2 + u), z2 = z * z;
  // The series to the first term below 2^-116 of the first: 25 terms at |u| = 1/4 (z^2 < 1/81),
  // far fewer for the small u of most rates.
  const double z2d = static_cast<double>(z2);
  std::size_t terms = 1;
  for (double share = 1; terms < odd_reciprocal.size(); ++terms) {
    share *= z2d;
    if (share < 0x1p-116) break;
  }
  quad sum = 0;
  for (std::size_t k = terms; k-- > 0;) sum = odd_reciprocal[k] + z2 * sum;
  return 2 * z * sum;
}

// ---- root finding ---------------------------------------------------------------------------

// A sign change of f between a and b (f(a) and f(b) of opposite signs, or one of them zero), with
// the slopes f'(a) and f'(b) when the search had them (NaN otherwise).
struct sign_change {
  double a, fa, b, fb;
  double dfa = std::numeric_limits<double>::quiet_NaN(), dfb = std::numeric_limits<double>::quiet_NaN();
};

// f(x) and, when `f` gives it (as a {value, slope} pair), f'(x); NaN when it does not.
template <class F>
std::pair<double, double> value_and_slope(F& f, double x) {
  if constexpr (std::is_convertible_v<decltype(f(x)), double>) {
    return {f(x), std::numeric_limits<double>::quiet_NaN()};
  } else {
    const auto [value, slope] = f(x);
    return {value, slope};
  }
}

// Looks for the sign change nearest to x0 within [lo, hi]: grid points at x0 +- 0.02 (2^k - 1),
// k = 1, 2, ..., the interval above x0 tried before the one below at each k. Returns nothing when
// f has the same sign at every grid point. `f` returns f(x), or {f(x), f'(x)} (the slopes are then
// kept in the result, for refine_root's first point); it may return NaN where f is undefined: such
// points end the search on that side.
//
// `keeps_sign_up_to(x)`, when given, says whether f is known to keep the sign of f(x0), never 0,
// over [x0, x]: grid points above x0 up to such an x are then not evaluated (the search would find
// no sign change among them), unless a sign change is found just above one, which then is.
struct sign_unknown {
  bool operator()(double) const { return false; }
};
template <class F, class KeepsSign = sign_unknown>
std::optional<sign_change> find_sign_change(F f, double x0, double lo, double hi, KeepsSign keeps_sign_up_to = {}) {
  const auto [f0, df0] = value_and_slope(f, x0);
  if (f0 == 0) return sign_change{x0, f0, x0, f0, df0, df0};
  if (f0 != f0) return std::nullopt;
  double up = x0, fup = f0, dfup = df0, down = x0, fdown = f0, dfdown = df0;
  bool up_open = x0 < hi, down_open = x0 > lo;
  bool up_known = true, sign_kept = true;  // f(up) evaluated; f keeps its sign up to `up`
  for (int k = 1; k < 64 && (up_open || down_open); ++k) {
    double offset = 0.02 * (std::ldexp(1.0, k) - 1);
    if (up_open) {
      const double x = std::min(x0 + offset, hi);
      sign_kept = sign_kept && keeps_sign_up_to(x);
      if (sign_kept) {  // f(x) has f0's sign: no sign change up to x
        up = x;
        fup = f0;  // (its sign)
        up_known = false;
        up_open = x < hi;
      } else {
        const auto [fx, dfx] = value_and_slope(f, x);
        if (fx != fx) {
          up_open = false;
        } else {
          if ((fx <= 0) != (fup <= 0) || fx == 0) {
            if (!up_known) std::tie(fup, dfup) = value_and_slope(f, up);
            return sign_change{up, fup, x, fx, dfup, dfx};
          }
          up = x;
          fup = fx;
          dfup = dfx;
          up_known = true;
          up_open = x < hi;
        }
      }
    }
    if (down_open) {
      const double x = std::max(x0 - offset, lo);
      const auto [fx, dfx] = value_and_slope(f, x);
      if (fx != fx) {
        down_open = false;
      } else {
        if ((fx <= 0) != (fdown <= 0) || fx == 0) return sign_change{x, fx, down, fdown, dfx, dfdown};
        down = x;
        fdown = fx;
        dfdown = dfx;
        down_open = x > lo;
      }
    }
  }
  return std::nullopt;
}

// Where the cubic through the bracket's ends with their slopes (a Hermite interpolant of x as a
// function of f: the inverse function, so the estimate is a value, not a cubic's root) reaches
// f = 0. Its error shrinks as the bracket's width to the fourth power where f is smooth; the
// chord's only as the square. Nothing when a slope is unknown, or when either slope disagrees with
// the chord's (f is then not monotonic across the bracket, and the inverse does not exist), or
// when the estimate falls outside the bracket.
inline std::optional<double> inverse_hermite_estimate(const sign_change& s) {
  const double chord = (s.fb - s.fa) / (s.b - s.a);
  if (!(s.dfa * chord > 0) || !(s.dfb * chord > 0) || !std::isfinite(s.dfa) || !std::isfinite(s.dfb))
    return std::nullopt;
  const double h = s.fb - s.fa, t = -s.fa / h, t2 = t * t, t3 = t2 * t;
  const double x = (2 * t3 - 3 * t2 + 1) * s.a + (t3 - 2 * t2 + t) * h / s.dfa + (3 * t2 - 2 * t3) * s.b +
                   (t3 - t2) * h / s.dfb;
  if (!(x > std::min(s.a, s.b) && x < std::max(s.a, s.b))) return std::nullopt;
  return x;
}

// The root inside a sign change, to double precision: a Newton step when it stays inside the
// shrinking bracket and at least halves the step before last, a bisection otherwise (so it
// always converges). `fd` returns {f(x), f'(x)}; only f's sign and the ratio f/f' are used, so f
// may be scaled by any positive factor that depends on x. It stops at a relative step below
// `step_tolerance` or a relative bracket below `width_tolerance`: the defaults ask for all of
// double's precision; a caller that polishes the root further anyway may ask for less and save the
// slow last steps. Such a caller may also give `newton_tolerance`: a Newton step ends the search at
// once, without the evaluation that would confirm it, when the error it leaves, about |f''/2f'|
// times the step squared, is below newton_tolerance (relative), f'' estimated from the slopes at
// this point and the one before (a bracket's end when the search kept its slope) and the estimate
// counted 4 times over (f'' changes between the points; f may be scaled differently at each);
// and `interpolated_start`: the first point is
// interpolated from the bracket's ends rather than its middle (closer for a smooth f; still inside
// the bracket): by inverse_hermite_estimate when the search kept the slopes, else where the chord
// crosses zero.
template <class FD>
double refine_root(FD fd, const sign_change& s, double step_tolerance = 1e-17, double width_tolerance = 4e-16,
                   double newton_tolerance = 0, bool interpolated_start = false) {
  if (s.fa == 0) return s.a;
  if (s.fb == 0) return s.b;
  double neg = s.fa < 0 ? s.a : s.b, pos = s.fa < 0 ? s.b : s.a;  // f(neg) < 0 < f(pos)
  double x = 0.5 * (s.a + s.b), step = std::fabs(s.b - s.a), step_before = step;
  if (interpolated_start) {
    const double chord = s.a - s.fa * (s.b - s.a) / (s.fb - s.fa);
    if (const auto estimate = inverse_hermite_estimate(s))
      x = *estimate;
    else if (chord > std::min(s.a, s.b) && chord < std::max(s.a, s.b))
      x = chord;
  }
  // The point before x with its slope, for the estimate of f'': the bracket's end nearer x.
  const bool a_nearer = std::fabs(x - s.a) <= std::fabs(x - s.b);
  double x_before = a_nearer ? s.a : s.b, df_before = a_nearer ? s.dfa : s.dfb;
  for (int i = 0; i < 300; ++i) {
    auto [f, df] = fd(x);
    if (f == 0 || f != f) return x;
    if (f < 0)
      neg = x;
    else
      pos = x;
    double next = x - f / df;
    double lo = std::min(neg, pos), hi = std::max(neg, pos);
    bool newton_ok = df != 0 && next > lo && next < hi && std::fabs(next - x) < 0.5 * step_before;
    if (!newton_ok) next = 0.5 * (neg + pos);
    step_before = step;
    step = std::fabs(next - x);
    // |f''/2f'| step^2, counted 4 times over; NaN (never below the tolerance) without a slope before.
    const double left = 4 * std::fabs((df - df_before) / (x - x_before)) / (2 * std::fabs(df)) * step * step;
    x_before = x;
    df_before = df;
    x = next;
    const double scale = std::max(std::fabs(x), 1e-6);
    if (step <= step_tolerance * scale || hi - lo <= width_tolerance * scale || (newton_ok && left <= newton_tolerance * scale))
      return x;
  }
  return x;
}

// Newton steps in quad from a double-precision root. `fq` returns {f(x), f'(x)} in quad (f' may be
// an approximation: the steps then converge linearly instead of quadratically). Stops when a step
// is below 1e-33 relative, or when the steps stop shrinking below 1e-29 relative (the rounding
// noise of f has been reached: with terms that nearly cancel it is ~1e-34 of the largest term,
// which can be 1e-30 of a small root, and 1e-29 still leaves the 28 digits promised); no_solution
// if neither happens within 40 steps.
template <class FQ>
quad polish_root(FQ fq, double x0, const std::string& where) {
  quad x = x0, previous = 0;
  for (int i = 0; i < 40; ++i) {
    auto [f, df] = fq(x);
    if (f == 0) return x;
    if (df == 0 || !quad_finite(f) || !quad_finite(df)) break;
    quad dx = f / df;
    x -= dx;
    quad size = quad_abs(dx);
    if (size <= quad_abs(x) * quad(1e-33) || size < quad(1e-60)) return x;
    if (i > 0 && size * 4 >= quad_abs(previous) && size <= quad_abs(x) * quad(1e-29)) return x;
    previous = dx;
  }
  throw no_solution("the rate iteration did not converge to 28 significant digits", where);
}

}  // namespace stakecalc::detail
