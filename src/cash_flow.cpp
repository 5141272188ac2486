// Dated cash flows: the XNPV/XIRR engine (see stakecalc/cash_flow.hpp for the contract).
#include "stakecalc/cash_flow.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <map>
#include <limits>
#include <numeric>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include "stakecalc/detail/double_double.hpp"
#include "stakecalc/detail/fixed_point.hpp"
#include "stakecalc/detail/quad.hpp"
#include "stakecalc/detail/wide_float.hpp"
#include "stakecalc/detail/wide_float_rounding.hpp"

// The double-double polish has a copy compiled for fused multiply-add, chosen at run time: on
// x86-64 with GCC or Clang, unless the whole build already targets FMA (then two_prod uses it).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__FMA__)
#define STAKECALC_FMA_DISPATCH 1
#else
#define STAKECALC_FMA_DISPATCH 0
#endif

namespace stakecalc {
namespace detail {

namespace {
std::atomic<bool> fused_multiply_add_allowed{true};
}  // namespace

bool fused_multiply_add_in_use() {
#if STAKECALC_FMA_DISPATCH
  static const bool available = [] {
    __builtin_cpu_init();  // needed when the first call comes from a static constructor
    return __builtin_cpu_supports("fma") != 0;
  }();
  return available && fused_multiply_add_allowed.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

void allow_fused_multiply_add(bool allowed) { fused_multiply_add_allowed.store(allowed, std::memory_order_relaxed); }

void check_digits(int digits, const std::string& where) {
  if (digits < 1 || digits > 33)
    throw invalid_input("digits " + std::to_string(digits) + " outside 1..33 (the working precision is 34 digits)",
                        where);
}

namespace {

// The precision of the last-resort root polishing (polish_root_precisely).
using precise = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<100>, boost::multiprecision::et_off>;

// What eval_powers needs to work alike in double-double, quad and 100 digits: the leading
// double, e^y - 1, and the size of one rounding relative to the result. In double-double, e^y - 1
// is detail::expm1_small for |y| <= 0.36 and quad_expm1 beyond (periodic times, extreme rates).
double_double expm1_of(double_double y) {
  if (std::fabs(y.hi) > 0.36) {
    const quad q = quad_expm1(static_cast<quad>(y.hi) + static_cast<quad>(y.lo));
    const double hi = static_cast<double>(q);
    return {hi, static_cast<double>(q - static_cast<quad>(hi))};
  }
  return detail::expm1_small(y);
}

// a * b, through multiply_fused for double-doubles in the FMA copy of eval_horner.
template <bool Fused, class T>
inline T product(const T& a, const T& b) {
  return a * b;
}
template <bool Fused>
inline double_double product(double_double a, double_double b) {
  if constexpr (Fused)
    return multiply_fused(a, b);
  else
    return a * b;
}

double leading(double_double v) { return v.hi; }
double leading(quad v) { return static_cast<double>(v); }
quad expm1_of(quad y) { return quad_expm1(y); }
constexpr double rounding_unit(double_double) { return 0x1p-106; }
constexpr double rounding_unit(quad) { return 0x1p-113; }
double leading(const precise& v) { return static_cast<double>(v); }
precise expm1_of(const precise& y) { return boost::multiprecision::expm1(y); }
double rounding_unit(const precise&) { return 0x1p-330; }
double leading(const wide_float& v) { return v.to_double(); }
double leading(const unit_fraction& v) { return v.to_double(); }

// sum_i a_i e^(-t_i x), x = ln(1 + r), prepared for evaluation at many x. Every evaluation is
// scaled by e^(t_ref x) with t_ref the smallest time when x >= 0 and the largest when x < 0, so
// that no exponent is positive and nothing overflows; the scale is positive, so signs and the
// ratio f / f' (all the root finders use) are those of the unscaled sum.
class exponential_sum {
public:
  // Times n_i / denominator (whole days over 365, periods over 1): the fast, common case.
  exponential_sum(const std::vector<decimal>& amounts, std::vector<std::int64_t> n, std::int64_t denominator)
      : amounts_(&amounts), integral_(true), denominator_(denominator), n_(std::move(n)) {
    set_amounts(amounts);
    finish();  // (the times as doubles only when eval(double) needs them: times_double())
  }

  // Exact times of any kind; whole powers are still used when the times have a small common
  // denominator.
  exponential_sum(const std::vector<decimal>& amounts, const std::vector<ratio>& times)
      : amounts_(&amounts), times_(&times) {
    set_amounts(amounts);
    t_d_.reserve(times.size());
    for (const ratio& t : times) t_d_.push_back(static_cast<double>(to_quad(t)));
    big_int denominator = 1;
    for (const ratio& t : times) {
      big_int d = t.denominator();
      denominator = denominator / boost::multiprecision::gcd(denominator, d) * d;
      if (denominator > 100000000) break;
    }
    if (denominator <= 100000000) {
      integral_ = true;
      denominator_ = static_cast<std::int64_t>(denominator);
      for (const ratio& t : times) {
        big_int n = t.numerator() * (denominator / t.denominator());
        if (boost::multiprecision::abs(n) > big_int(std::int64_t(1) << 52)) {
          integral_ = false;
          n_.clear();
          break;
        }
        n_.push_back(static_cast<std::int64_t>(n));
      }
    }
    if (!integral_) {
      t_q_.reserve(times.size());
      for (const ratio& t : times) t_q_.push_back(to_quad(t));
    }
    finish();
  }

  double t_min() const { return t_min_; }
  double t_max() const { return t_max_; }

  // {f, f'} at x in double, scaled as described above. Whole times over spans below 2^22 take
  // their powers of b = e^(-|x|/D) from two tables, as eval(double_double) does: a product per
  // flow instead of an exponential (the search evaluates f some ten times).
  std::pair<double, double> eval(double x) const {
    const double_sums v = eval_sums<false>(x);
    return {v.f, v.df};
  }

  // f and f' at x as eval(double) finds them, and for x >= 0 a bound on |f''| over [x, infinity)
  // for the search (keeps_sign): sum |a| dt^2 e^(-x dt), dt = t - t_min >= 0 (each term only
  // falls as x grows), with the amounts' absolute sum (for the margin of its roundings). NaN for
  // the bound when x < 0 or the times are not whole.
  struct double_sums {
    double f, df, curvature, size;
  };
  template <bool Bound = true>
  double_sums eval_sums(double x) const {
    const std::uint64_t span = integral_ ? static_cast<std::uint64_t>(n_max_ - n_min_) : 0;
    constexpr double none = std::numeric_limits<double>::quiet_NaN();
    if (integral_ && span < (std::uint64_t(1) << 22) && std::isfinite(x)) {
      const bool up = x >= 0;
      constexpr unsigned low_bits = 6, low_size = 1u << low_bits;
      // Squares b^(2^j) carried as b^(2^j) - 1 while they are found, as eval(double_double) does.
      double m = std::expm1(-std::fabs(x) / static_cast<double>(denominator_));
      std::array<double, 64> squares{};
      const int levels = span == 0 ? 0 : 64 - __builtin_clzll(span);
      for (int j = 0; j < levels; ++j) {
        if (j > 0) m = m * (m + 2.0);
        squares[static_cast<std::size_t>(j)] = m + 1.0;
      }
      std::array<double, low_size> lows{};
      lows[0] = 1.0;
      for (unsigned q = 1; q < low_size && q <= span; ++q)
        lows[q] = lows[q & (q - 1)] * squares[static_cast<std::size_t>(__builtin_ctz(q))];
      std::vector<double>& highs_double_ = highs_double();
      highs_double_.resize((span >> low_bits) + 1);
      highs_double_[0] = 1.0;
      for (std::size_t h = 1; h < highs_double_.size(); ++h)
        highs_double_[h] = highs_double_[h & (h - 1)] * squares[low_bits + static_cast<std::size_t>(__builtin_ctzll(h))];
      const std::int64_t n_ref = up ? n_min_ : n_max_;
      double f = 0, df = 0, curvature = 0, size = 0;
      for (std::size_t i = 0; i < a_d_.size(); ++i) {
        const std::int64_t dn = n_[i] - n_ref;
        const auto k = static_cast<std::uint64_t>(up ? dn : -dn);
        const double term = a_d_[i] * (lows[k & (low_size - 1)] * highs_double_[k >> low_bits]);
        f += term;
        df -= static_cast<double>(dn) * term;
        if constexpr (Bound) {
          const double n = static_cast<double>(dn);
          curvature += n * n * std::fabs(term);
          size += std::fabs(a_d_[i]);
        }
      }
      const double d = static_cast<double>(denominator_);
      return {f, df / d, up && Bound ? curvature / (d * d) : none, size};
    }
    double t_ref = x >= 0 ? t_min_ : t_max_;
    double f = 0, df = 0;
    const std::vector<double>& t_d = times_double();
    for (std::size_t i = 0; i < a_d_.size(); ++i) {
      double dt = t_d[i] - t_ref;
      double term = a_d_[i] * std::exp(-dt * x);
      f += term;
      df -= dt * term;
    }
    return {f, df, none, none};
  }

  // {f, f'} at x in quad, scaled as described above. With `error`, also an estimate of |error of
  // f| (statistical, as eval_powers explains), for deciding whether a root found with it rounds
  // correctly.
  std::pair<quad, quad> eval(quad x, double* error = nullptr) const {
    if (!integral_) {
      quad f = 0, df = 0;
      double variance = 0;
      quad t_ref = x >= 0 ? to_quad_time(t_min_index()) : to_quad_time(t_max_index());
      const std::vector<quad>& a_q = quad_amounts();
      for (std::size_t i = 0; i < a_q.size(); ++i) {
        quad dt = t_q_[i] - t_ref;
        quad term = a_q[i] * quad_exp(-dt * x);
        f += term;
        df -= dt * term;
        // e^y with y = -dt x off by |y| (5 units: the times' 3 roundings, the difference, the
        // product) errs by 5|y| units of itself; quad_exp adds a few (4 here).
        if (error) {
          const double t = static_cast<double>(term) * (5 * std::fabs(static_cast<double>(dt * x)) + 9);
          const double sum = static_cast<double>(f);
          variance += t * t + sum * sum;
        }
      }
      if (error) *error = 0x1p-113 * std::sqrt(variance);
      return {f, df};
    }
    if (const std::vector<wide_float>* amounts = wide_amounts()) {
      if (const auto v = eval_wide(wide_float(x))) {
        if (error) *error = v->error;
        return {v->f.to_quad(), static_cast<quad>(v->df)};
      }
      // |x| / D beyond wide_expm1's range (rates over a period of 1 above 43%): the base in quad.
      const std::vector<double>& amounts_double = prepare_wide_doubles(*amounts);
      const bool up = x >= 0;
      const auto v = eval_horner(wide_float(quad_expm1((up ? -x : x) / static_cast<double>(denominator_))), up,
                                 *amounts, amounts_double, 0x1p-126);
      // e^(-x/D) - 1, the base of every power, is found in quad (a few roundings of 2^-113) and
      // only then widened: as if f were evaluated at x (1 + 5 2^-113), a shared error of
      // |f'| |x| 5 2^-113, added to eval_horner's bound on the roundings.
      if (error) *error = v.error + std::fabs(v.df) * std::fabs(static_cast<double>(x)) * 0x1p-110;
      return {v.f.to_quad(), static_cast<quad>(v.df)};
    }
    const auto v = eval_powers(x, quad_amounts());
    if (error) *error = v.error;
    return {v.f, static_cast<quad>(v.df)};
  }

  // Whether eval(double_double) keeps its precision near x: integral times, amounts well inside
  // the double range, and no power below e^-230 (the double-double's low part stays normal).
  bool double_double_ok(double x) const {
    return integral_ && amounts_in_range_ && std::fabs(x) * (t_max_ - t_min_) <= 230;
  }

  // f at whole times in T (double_double or quad), scaled as eval does, with f' and f'' in
  // double (enough for Newton to converge to T's precision in a step or two: f' only scales the
  // step) and an estimate of the rounding error of f (see below).
  //
  // Powers of b = e^(-|x|/D) (0 < b <= 1): the squares b^(2^j) are found as b^(2^j) - 1, which
  // keeps b's relative precision when b is close to 1 (squaring m gives m (m + 2)), and each is
  // then rounded once to b^(2^j) itself. Spans below 2^22 (11,000 years of days) take b^k as
  // b^(k mod 64) b^(64 floor(k / 64)), two table entries each found once, when first needed, as
  // another entry times a square: a product per flow. Longer spans multiply the squares of k's
  // binary digits. (Carrying b^k - 1 throughout took three operations a digit; chaining each
  // flow's power from the previous flow's took one, but every rounding of the chain then fell on
  // all later flows alike, and the root's error grew to several times the estimate below.)
  template <class T>
  struct power_sum {
    T f;
    double df;
    double d2f;    // f'' (for the polish's estimate of how far Newton's last step left it)
    double error;  // estimated |error of f|: see the end of eval_powers
  };
  power_sum<double_double> eval(double_double x) const { return eval_powers(x, dd_amounts()); }

  // Whether eval(quad) evaluates in wide_float (integral times, amounts of 64-bit coefficients).
  bool wide_ready() const { return fixed_ready() || (integral_ && wide_amounts() != nullptr); }
  // Whether eval_wide evaluates in fixed point (eval_fixed): integral times, whole_amounts().
  bool fixed_ready() const { return integral_ && whole_amounts() != nullptr; }

  // f at x in wide_float (f' in double), with a bound on f's error, when wide_ready() and
  // |x| / D <= 0.36 (wide_expm1's range); nothing otherwise. The base e^(-|x|/D) - 1 of every
  // power is found in wide_float too: x / D as x times 1/D (two roundings, 2 units of 2^-127) and
  // wide_expm1 (E units, wide_expm1_error_units) give expm1(y') for a y' within
  // |y| (2 + 1.44 E) units of y = -|x| / D (|expm1(y)| / e^y <= 1.44 |y| for |y| <= 0.36): f as
  // if evaluated at a slightly different x, a shared error of |f'| |x| (3 + 1.5 E) 2^-127, added
  // to eval_horner's bound on the roundings after it.
  struct wide_value {
    wide_float f;
    double df, error;
  };
  std::optional<wide_value> eval_wide(const wide_float& x) const {
    if (!wide_ready()) return std::nullopt;
    const double x_double = x.to_double(), d = static_cast<double>(denominator_);
    if (!(std::fabs(x_double) <= 0.36 * d)) return std::nullopt;
    if (reciprocal_denominator_.is_zero())
      reciprocal_denominator_ = wide_float::reciprocal(static_cast<std::uint64_t>(denominator_));
    const bool up = x_double >= 0;
    const wide_float y = x * reciprocal_denominator_;
    const wide_float m = wide_expm1(up ? -y : y);
    // In fixed point when the amounts allow (whole_amounts) and its bound is a good one, in
    // wide_float otherwise (whole amounts are wide ones too).
    const std::optional<power_sum<wide_float>> fixed = fixed_ready() ? eval_fixed(m, up) : std::nullopt;
    const auto v = fixed ? *fixed : eval_horner(m, up, *wide_amounts(), prepare_wide_doubles(*wide_amounts()), 0x1p-126);
    const double base_units = 3 + 1.5 * wide_expm1_error_units(-std::fabs(x_double) / d);
    return wide_value{v.f, v.df, v.error + std::fabs(v.df) * std::fabs(x_double) * base_units * 0x1p-127};
  }

  // f at x in double-double by Horner's rule (eval_horner), with f' in double: a quick evaluation
  // for a Newton step that takes a root good to 1e-13 to about 1e-26, where only the wide_float
  // step after it needs an error bound (none is kept for this one).
  power_sum<double_double> eval_horner(double_double x) const {
    const bool up = x.hi >= 0;
    // Whether every amount is a double: found once (dd_amounts_for_horner), unless set_amounts
    // knew it: in its general loop the test cost seven instructions an amount.
    const std::vector<double_double>& amounts = dd_amounts_for_horner();
    const double_double m = expm1_of((up ? -x : x) / static_cast<double>(denominator_));
#if STAKECALC_FMA_DISPATCH
    if (fused_multiply_add_in_use()) return eval_horner_fused(m, up);
#endif
    return eval_horner(m, up, amounts, a_d_, 0x1p-104, dd_amounts_are_doubles_ == 1);
  }

#if STAKECALC_FMA_DISPATCH
  // The same, compiled for processors with fused multiply-add (x86-64 has had it since 2013, but
  // the library is built for every x86-64): its products take two operations instead of
  // seventeen, about a fifth of this step's time.
  // flatten: everything it calls is inlined into it, and so compiled for FMA too.
  __attribute__((target("fma"), flatten)) power_sum<double_double> eval_horner_fused(double_double m, bool up) const {
    return eval_horner<double_double, true>(m, up, dd_amounts_for_horner(), a_d_, 0x1p-104, dd_amounts_are_doubles_ == 1);
  }
#endif

  // The squares b^(2^j) of b = m + 1 (m = e^(-|x|/D) - 1 in T) for eval_horner and eval_fixed,
  // for j below the span's bit length, with bounds on their relative errors in units of T's
  // rounding (eval_horner's u).
  template <bool Fused, class T>
  void squares_of(T m, std::array<T, 64>& squares, std::array<double, 64>& square_error) const {
    // Squaring m keeps its
    // relative error (the factor (2m + 2) / (m + 2) is below 1 for -1 < m <= 0) and adds two
    // roundings; rounding m + 1 adds one unit relative to b^(2^j), and m's error weighs |m| / b^(2^j)
    // there. (e^(-|x|/D) - 1's own error is the caller's: see eval(quad).)
    //
    // Once a square is below 1/2, m is near -1 and m + 1 would lose the square's relative
    // precision (all of it below 2^-127: a power e^-100 came out as 0); the squares after it are
    // then squared directly, which doubles the relative error and adds a rounding.
    const std::uint64_t span = static_cast<std::uint64_t>(n_max_ - n_min_);
    const int squares_known = span == 0 ? 0 : 64 - __builtin_clzll(span);
    double m_error = 0;
    bool direct = false;
    for (int j = 0; j < squares_known; ++j) {
      const auto jj = static_cast<std::size_t>(j);
      if (direct) {
        squares[jj] = product<Fused>(squares[jj - 1], squares[jj - 1]);
        square_error[jj] = 2 * square_error[jj - 1] + 1;
        continue;
      }
      if (j > 0) {
        m = product<Fused>(m, m + 2.0);
        m_error += 2;
      }
      squares[jj] = m + 1.0;
      const double b = leading(squares[jj]);
      square_error[jj] = (std::fabs(leading(m)) * m_error + 1) / b;
      direct = b < 0.5;
    }
  }

  // f at whole times in fixed point (detail/fixed_point.hpp) by eval_horner's rule, when
  // whole_amounts() holds them: acc <- acc * b^gap + amount, from the highest power down, with f'
  // in double and a bound on f's error. `m` is e^(-|x|/D) - 1 and `up` whether x >= 0, as there.
  //
  // Every product is rounded down to a multiple of 2^-128 (of the amounts' unit), an error below
  // one such unit whatever the product's size, and adding an amount is exact; so the bound is
  // kept in those units, absolutely: each step scales the bound carried by b^gap (at most 1) and
  // adds the product's unit and |acc| times b^gap's own error. The powers are fractions built as
  // in eval_horner: the squares b^(2^j) in wide_float (from m, keeping its relative precision),
  // then rounded down to fractions (a unit more), and table entries as products of fractions
  // (a unit each, plus their factors' errors: every factor is at most 1).
  //
  // A fixed point's precision is absolute: a power of b far below 1 (high rates over long spans)
  // keeps few significant bits, where wide_float keeps 127. So when the bound comes out above
  // 2^-110 of the sum of the terms' sizes (wide_float's is some hundred units of 2^-127 of it),
  // nothing is returned, and eval_wide evaluates in wide_float. With an investment first and
  // returns after it, the bound is 10^-7 of that limit.
  std::optional<power_sum<wide_float>> eval_fixed(wide_float m, bool up) const {
    const std::vector<std::int64_t>& amounts = *whole_amounts();
    const std::vector<double>& amounts_double = whole_amounts_double();
    // The squares in wide_float (squares_of), with relative bounds in units of 2^-126, then
    // rounded down to fractions: the bound becomes an absolute one in units of 2^-128 (times
    // 4 b^(2^j)), plus the rounding down.
    std::array<wide_float, 64> wide_squares{};
    std::array<double, 64> relative_error{};
    squares_of<false>(m, wide_squares, relative_error);
    std::array<unit_fraction, 64> squares{};
    std::array<double, 64> square_error{};  // units of 2^-128
    const std::uint64_t span = static_cast<std::uint64_t>(n_max_ - n_min_);
    const int squares_known = span == 0 ? 0 : 64 - __builtin_clzll(span);
    for (int j = 0; j < squares_known; ++j) {
      const auto jj = static_cast<std::size_t>(j);
      squares[jj] = unit_fraction::below(wide_squares[jj]);
      square_error[jj] = 4 * relative_error[jj] * wide_squares[jj].to_double() * (1 + 1e-12) + 1;
    }
    const horner_plan& plan = plan_for(up);
    power_tables<unit_fraction> powers;
    build_power_tables<false>(powers, plan, squares, square_error);
    const std::size_t count = plan.steps.size();
    std::size_t i = plan.steps[0].flow;
    fixed_sum acc(amounts[i]);
    // error: the bound on |acc's error|, in units of 2^-128; acc_size: sum |a| b^(k_i - k), at
    // least |acc|; moment1: sum a k b^k, f' up to 1/D and sign (as in eval_horner).
    double error = 0, acc_size = std::fabs(amounts_double[i]);
    double moment1 = amounts_double[i] * static_cast<double>(plan.steps[0].power);
    for (std::size_t s = 1; s < count; ++s) {
      const horner_plan::step& step = plan.steps[s];
      i = step.flow;
      double p = 1.0;  // b^gap's leading double
      if (step.low != 0 || step.high != 0) {
        unit_fraction power;
        double power_error;
        power_of_step<false>(powers, step, power, power_error, p);
        acc = acc.times(power);
        error = error * p + acc_size * power_error + 1;
        acc_size *= p;
      }
      acc.add_whole(amounts[i]);
      const double a = amounts_double[i];
      acc_size += std::fabs(a);
      moment1 = moment1 * p + a * static_cast<double>(step.power);
    }
    const wide_float f = acc.to_wide();
    const double d = static_cast<double>(denominator_);
    // The bound (with a margin for its own roundings in double), and f's rounding to wide_float.
    const double bound = error * (1 + 1e-9) * 0x1p-128 + std::fabs(f.to_double()) * 0x1p-126;
    if (!(bound <= acc_size * 0x1p-110)) return std::nullopt;
    return power_sum<wide_float>{f, (up ? -moment1 : moment1) / d, std::numeric_limits<double>::quiet_NaN(), bound};
  }

  template <class T>
  power_sum<T> eval_powers(T x, const std::vector<T>& amounts) const {
    const bool up = leading(x) >= 0;
    T m = expm1_of((up ? -x : x) / static_cast<double>(denominator_));  // b^(2^j) - 1
    std::array<T, 64> squares{};             // b^(2^j)
    std::array<double, 64> square_weight{};  // the variance of a square's relative error, in units
    std::array<double, 64> square_terms{};   // the terms each square is a factor of, summed
    const std::uint64_t span = static_cast<std::uint64_t>(n_max_ - n_min_);
    const int squares_known = span == 0 ? 0 : 64 - __builtin_clzll(span);
    for (int j = 0; j < squares_known; ++j) {
      const auto jj = static_cast<std::size_t>(j);
      if (j > 0) m = m * (m + 2.0);
      squares[jj] = m + 1.0;
      // 2 roundings per squaring of m, each ~|m| units, then the rounding to b^(2^j): all
      // absolute, so relative to b^(2^j) they weigh 1 / b^(2^j).
      const double b = leading(squares[jj]), mm = std::fabs(leading(m));
      square_weight[jj] = (2.0 * j * mm * mm + 1.0) / (b * b);
    }
    const bool tabled = span < (std::uint64_t(1) << 22);
    constexpr unsigned low_bits = 6, low_size = 1u << low_bits;
    std::array<T, low_size> lows{};
    std::array<double, low_size> low_terms{};
    std::uint64_t lows_known = 1;  // bit q: lows[q] = b^q is known
    lows[0] = T{1.0};
    std::vector<T> highs;
    std::vector<double> high_terms;
    std::vector<char> highs_known;
    if (tabled) {
      highs.assign((span >> low_bits) + 1, T{});
      high_terms.assign(highs.size(), 0.0);
      highs_known.assign(highs.size(), 0);
      highs[0] = T{1.0};
      highs_known[0] = 1;
    }
    // Entry q (or h) is entry q & (q - 1) times the square of q's lowest binary digit; the
    // unknown entries on the way down to a known one are found first, from the bottom.
    auto low = [&](unsigned q) -> const T& {
      unsigned path[low_bits];
      unsigned count = 0;
      for (unsigned r = q; !((lows_known >> r) & 1); r &= r - 1) path[count++] = r;
      while (count > 0) {
        const unsigned r = path[--count], below = r & (r - 1);
        const T& square = squares[static_cast<std::size_t>(__builtin_ctz(r))];
        lows[r] = below == 0 ? square : lows[below] * square;
        lows_known |= std::uint64_t(1) << r;
      }
      return lows[q];
    };
    auto high = [&](std::size_t h) -> const T& {
      std::size_t path[64];
      unsigned count = 0;
      for (std::size_t r = h; !highs_known[r]; r &= r - 1) path[count++] = r;
      while (count > 0) {
        const std::size_t r = path[--count], below = r & (r - 1);
        const T& square = squares[low_bits + static_cast<std::size_t>(__builtin_ctzll(r))];
        highs[r] = below == 0 ? square : highs[below] * square;
        highs_known[r] = 1;
      }
      return highs[h];
    };
    const std::int64_t n_ref = up ? n_min_ : n_max_;
    T f{};
    double sum_leading = 0;  // f in double-double: see the sum below
    double_double carry{};
    double df = 0, d2f = 0, variance = 0;
    for (std::size_t i = 0; i < n_.size(); ++i) {
      const std::int64_t dn = n_[i] - n_ref;
      const auto k = static_cast<std::uint64_t>(up ? dn : -dn);
      T power{1.0};
      int products = 0;  // roundings of this flow's own
      unsigned q = 0;
      std::size_t h = 0;
      if (tabled) {
        q = static_cast<unsigned>(k & (low_size - 1));
        h = static_cast<std::size_t>(k >> low_bits);
        if (q != 0 && h != 0) {
          power = low(q) * high(h);
          products = 1;
        } else if (q != 0) {
          power = low(q);
        } else if (h != 0) {
          power = high(h);
        }
      } else {
        for (std::uint64_t bits = k; bits != 0; bits &= bits - 1) {
          const auto j = static_cast<std::size_t>(__builtin_ctzll(bits));
          power = products++ == 0 ? squares[j] : power * squares[j];
        }
        products = std::max(products - 1, 0);
      }
      ++products;  // the amount times the power
      const T term = amounts[i] * power;
      double sum_size;  // the size of what the sum's roundings err by a unit of
      if constexpr (std::is_same_v<T, double_double>) {
        // The running sum in double-double would err by 2^-106 of itself at every step, and a
        // sum that rises to many times its terms (an investment, then returns) made that most
        // of the error. So the leading parts are summed error-free (two_sum) and the errors with
        // the low parts in a double-double `carry`, 2^-53 of the sum's size: its roundings are
        // negligible (about 2^-159 of the sum).
        const double_double step = detail::two_sum(sum_leading, term.hi);
        sum_leading = step.hi;
        carry = carry + step.lo;
        carry = carry + term.lo;
        sum_size = carry.hi;
      } else {
        f = f + term;
        sum_size = leading(f);
      }
      const double t = leading(term), n = static_cast<double>(dn);
      df -= n * t;
      d2f += n * n * t;
      if (tabled) {
        low_terms[q] += t;
        high_terms[h] += t;
      } else {
        for (std::uint64_t bits = k; bits != 0; bits &= bits - 1)
          square_terms[static_cast<std::size_t>(__builtin_ctzll(bits))] += t;
      }
      // The products' roundings (one a digit after the first, and the amount's) and the sum's:
      // an operation's typical error is a unit of its result (2^-106 in double-double, 2^-113 in
      // quad; the bound is a few times more). Independent roundings add like random steps, so
      // the variance, not the worst case, is what is summed.
      variance += t * t * products + 2 * sum_size * sum_size;
    }
    if constexpr (std::is_same_v<T, double_double>) f = double_double{sum_leading, 0.0} + carry;
    // A square's rounding falls alike on every term it is a factor of; an entry's on every term
    // that uses it or an entry built from it (the terms are summed up the tree of entries, from
    // the largest index down: an entry is always built from a smaller one).
    if (tabled) {  // the terms each square is a factor of, from the entries' digits
      for (unsigned q = 1; q < low_size; ++q)
        for (unsigned bits = q; bits != 0; bits &= bits - 1)
          square_terms[static_cast<std::size_t>(__builtin_ctz(bits))] += low_terms[q];
      for (std::size_t r = 1; r < high_terms.size(); ++r)
        for (std::size_t bits = r; bits != 0; bits &= bits - 1)
          square_terms[low_bits + static_cast<std::size_t>(__builtin_ctzll(bits))] += high_terms[r];
    }
    for (int j = 0; j < squares_known; ++j) {
      const auto jj = static_cast<std::size_t>(j);
      variance += square_weight[jj] * square_terms[jj] * square_terms[jj];
    }
    if (tabled) {
      for (unsigned q = low_size - 1; q > 0; --q) {
        if ((q & (q - 1)) == 0) continue;  // a square itself: no rounding of its own
        variance += low_terms[q] * low_terms[q];
        low_terms[q & (q - 1)] += low_terms[q];
      }
      for (std::size_t r = high_terms.size() - 1; r > 0; --r) {
        if ((r & (r - 1)) == 0) continue;
        variance += high_terms[r] * high_terms[r];
        high_terms[r & (r - 1)] += high_terms[r];
      }
    }
    const double d = static_cast<double>(denominator_);
    return {f, df / d, d2f / (d * d), rounding_unit(x) * std::sqrt(variance)};
  }

  // f at whole times in wide_float, scaled as eval does, with f' in double and a bound on the
  // error of f (d2f is NaN; so is the bound in double-double): the same sum as eval_powers, by
  // Horner's rule over the flows in order of their power of b = e^(-|x|/D), from the highest
  // power down:
  //   acc <- acc * b^(gap to the next flow) + that flow's amount,
  // one product and one sum a flow instead of two products (power tables, then the amount) and a
  // sum; b^gap comes from tables of b^(gap mod 64) and b^(64 floor(gap / 64)) as in eval_powers.
  // The amounts are exact integers (wide_amounts), and 127 bits leave so much room that the error
  // is bounded outright rather than estimated: each step adds the product's and the sum's
  // roundings and b^gap's own error (from its table entries, see below) to the bound carried
  // from the step before, times b^gap.
  //
  // T is wide_float or double_double; `m` is e^(-|x|/D) - 1 in T, `up` whether x >= 0, `u` T's
  // rounding unit, and amounts_double the amounts' leading doubles.
  //
  // amounts_are_doubles: every amount is a double-double with a zero low part (a whole number of
  // cents below 2^53), so acc + amount is the double-double-plus-double sum: the same result as
  // the full double-double sum with a zero low part, in half the operations. The amounts are then
  // read from amounts_double (`amounts` may be empty).
  //
  // Fused: double-double products through fused multiply-adds (multiply_fused), for the copy that
  // eval_horner_fused compiles for processors with them; the same results.
  template <class T, bool Fused = false>
  power_sum<T> eval_horner(T m, bool up, const std::vector<T>& amounts, const std::vector<double>& amounts_double,
                           double u, bool amounts_are_doubles = false) const {
    std::array<T, 64> squares{};
    std::array<double, 64> square_error{};
    squares_of<Fused>(m, squares, square_error);
    const horner_plan& plan = plan_for(up);
    power_tables<T> powers;
    build_power_tables<Fused>(powers, plan, squares, square_error);
    // Highest power first (the plan's order).
    const std::size_t count = plan.steps.size();
    std::size_t i = plan.steps[0].flow;
    T acc = amounts_are_doubles ? T{amounts_double[i]} : amounts[i];
    // The bound on |acc's error| (in units of u) is kept for wide_float only: the double-double
    // step's result is checked by the wide step after it, and the bookkeeping was a sixth of its
    // work. It needs acc's magnitude, for which sum |a| b^(k_i - k) serves (at least |acc|; reading
    // acc's leading double at every step cost more than the rest of the bookkeeping).
    constexpr bool bounded = std::is_same_v<T, wide_float>;
    double error = 0, acc_size = std::fabs(amounts_double[i]);
    // sum a k b^k in double, by the same rule: f' up to 1/D and sign.
    double moment1 = amounts_double[i] * static_cast<double>(plan.steps[0].power);
    for (std::size_t s = 1; s < count; ++s) {
      const horner_plan::step& step = plan.steps[s];
      i = step.flow;
      double power_error = 0, p = 1.0;  // p: b^gap's leading double
      const bool gap = step.low != 0 || step.high != 0;
      if (gap) {
        T power;
        power_of_step<Fused>(powers, step, power, power_error, p);
        acc = product<Fused>(acc, power);
      }
      if constexpr (std::is_same_v<T, double_double>) {
        acc = amounts_are_doubles ? acc + amounts_double[i] : acc + amounts[i];
      } else {
        (void)amounts_are_doubles;
        acc = acc + amounts[i];
      }
      const double a = amounts_double[i], kd = static_cast<double>(step.power);
      if constexpr (bounded) {
        // The carried error scaled by b^gap; the product's error (b^gap's own and the rounding,
        // relative to the product); the sum's rounding (3/4 unit of the new acc).
        const double size = acc_size * p + std::fabs(a);
        error = error * p + acc_size * p * (gap ? power_error + 0.5 : 0) + 0.75 * size;
        acc_size = size;
      }
      moment1 = moment1 * p + a * kd;
    }
    // k is now 0: the flow of the reference time, the last in this order.
    const double d = static_cast<double>(denominator_);
    // (f'' is not found here: no caller of this evaluation needs it.)
    return {acc, (up ? -moment1 : moment1) / d, std::numeric_limits<double>::quiet_NaN(),
            bounded ? u * error : std::numeric_limits<double>::quiet_NaN()};
  }

  // {f, f'} at x in 100-digit binary floating point, from the exact amounts and times, scaled as
  // eval does. For the rare roots quad cannot settle: when the flows nearly cancel (7,162,000,000
  // out and back with a few hundred between them), quad's rounding noise of ~1e-34 of the largest
  // term can exceed 1e-28 of the root.
  std::pair<precise, precise> eval_precise(const precise& x) const {
    if (integral_) {  // powers from tables of squares, as in quad: products instead of exponentials
      if (a_p_.empty()) {
        a_p_.reserve(amounts_->size());
        for (const decimal& a : *amounts_)
          a_p_.push_back(precise(a.coefficient()) / boost::multiprecision::pow(precise(10), a.scale()));
      }
      const auto v = eval_powers(x, a_p_);
      return {v.f, precise(v.df)};
    }
    const std::size_t count = amounts_->size();
    std::vector<precise> t(count);
    for (std::size_t i = 0; i < count; ++i)
      t[i] = integral_ ? precise(n_[i]) / precise(denominator_)
                       : precise((*times_)[i].numerator()) / precise((*times_)[i].denominator());
    precise t_ref = t[0];
    for (const precise& v : t) t_ref = x >= 0 ? (v < t_ref ? v : t_ref) : (v > t_ref ? v : t_ref);
    precise f = 0, df = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const decimal& a = (*amounts_)[i];
      const precise amount = precise(a.coefficient()) / boost::multiprecision::pow(precise(10), a.scale());
      const precise dt = t[i] - t_ref;
      const precise term = amount * exp(-dt * x);
      f += term;
      df -= dt * term;
    }
    return {f, df};
  }

private:
  // The amounts as doubles (for the search) and as double-doubles (for the fast polish) straight
  // from their decimal parts when that is exact enough: a 64-bit coefficient is exact as a
  // double-double and 10^scale is an exact double up to 10^22, so one double-double division
  // rounds it. Otherwise (and for the quad evaluation, only when it runs) through quad.
  // When every amount has the same scale (cents throughout, the usual case), the coefficients are
  // used as they are: the sums are then 10^scale times the true ones, a positive factor like the
  // one described above, and no division is needed.
  void set_amounts(const std::vector<decimal>& amounts) {
    const bool one_scale = std::all_of(amounts.begin(), amounts.end(), [&](const decimal& a) {
      return a.is_small() && a.scale() == amounts.front().scale();
    });
    one_scale_ = one_scale && !amounts.empty();
    if (one_scale) {
      // The coefficients are also the whole amounts of eval_fixed (whole_amounts), found in the
      // same pass; a 64-bit whole number is exact as a double-double, and within the range below.
      // A loop of its own: the general one below cost twice the instructions.
      // The double-doubles only when needed (dd_amounts): below 2^53 every coefficient is exact as
      // a double, which is all the Horner polish reads of them then.
      const std::size_t n = amounts.size();
      a_whole_.resize(n);
      a_d_.resize(n);
      uint128 total = 0;  // of the absolute values (each below 2^63)
      std::uint64_t largest = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t c = amounts[i].small_coefficient();
        a_whole_[i] = c;
        const uint128 size = c < 0 ? -static_cast<uint128>(c) : static_cast<uint128>(c);
        total += size;
        largest = std::max(largest, static_cast<std::uint64_t>(size));
        a_d_[i] = static_cast<double>(c);
      }
      whole_state_ = total < whole_limit ? 1 : -1;
      if (largest <= (std::uint64_t(1) << 53)) dd_amounts_are_doubles_ = 1;
      return;
    }
    a_d_.reserve(amounts.size());
    a_dd_.reserve(amounts.size());
    for (const decimal& a : amounts) {
      double_double v;
      if (a.is_small() && a.scale() <= 22) {
        v = to_double_double(a.small_coefficient());
        if (a.scale() > 0) v = v / pow10_double(a.scale());
      } else {
        const quad q = to_quad(a);
        v.hi = static_cast<double>(q);
        v.lo = std::isfinite(v.hi) ? static_cast<double>(q - static_cast<quad>(v.hi)) : 0.0;
      }
      a_d_.push_back(v.hi);
      a_dd_.push_back(v);
      // The double-double polish keeps its precision for amounts well inside the double range
      // (products with powers down to e^-230 stay normal, lo parts included).
      const double size = std::fabs(v.hi);
      amounts_in_range_ = amounts_in_range_ && (size == 0 || (size > 1e-100 && size < 1e100));
    }
  }
  // The amounts as double-doubles: found by set_amounts, except for amounts at one scale (their
  // coefficients), found here when first needed.
  const std::vector<double_double>& dd_amounts() const {
    if (a_dd_.empty() && one_scale_) {
      a_dd_.reserve(a_whole_.size());
      for (const std::int64_t c : a_whole_) a_dd_.push_back(to_double_double(c));
    }
    return a_dd_;
  }
  // What eval_horner reads: nothing when every amount is a double (it reads a_d_ then).
  const std::vector<double_double>& dd_amounts_for_horner() const {
    static const std::vector<double_double> none;
    if (dd_amounts_are_doubles_ < 0) dd_amounts_are_doubles_ = all_doubles(dd_amounts()) ? 1 : 0;
    return dd_amounts_are_doubles_ == 1 ? none : dd_amounts();
  }
  static bool all_doubles(const std::vector<double_double>& amounts) {
    return std::all_of(amounts.begin(), amounts.end(), [](const double_double& a) { return a.lo == 0; });
  }
  static double pow10_double(int k) {  // exact for 0 <= k <= 22
    return powers_of_ten<double, 23>()[static_cast<std::size_t>(k)];
  }
  // The amounts exactly as wide_floats, all at the largest scale (so the sums are 10^scale times
  // the true ones, a positive factor as above): when every amount is a 64-bit coefficient and the
  // scales differ by at most 18 (the products then fit 128 bits). Nothing otherwise: quad then.
  const std::vector<wide_float>* wide_amounts() const {
    if (!a_w_.empty()) return &a_w_;
    const std::optional<int> high = common_scale();
    if (!high) return nullptr;
    a_w_.reserve(amounts_->size());
    for (const decimal& a : *amounts_) a_w_.push_back(wide_float::of_integer(at_scale(a, *high)));
    return &a_w_;
  }
  // The scale wide_amounts and whole_amounts bring every amount to, the largest: when every amount
  // is a 64-bit coefficient and the scales differ by at most 18 (a coefficient so scaled fits 128
  // bits). Nothing otherwise.
  std::optional<int> common_scale() const {
    const std::vector<decimal>& amounts = *amounts_;
    int low = 0, high = 0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      if (!amounts[i].is_small()) return std::nullopt;
      low = i == 0 ? amounts[i].scale() : std::min(low, amounts[i].scale());
      high = i == 0 ? amounts[i].scale() : std::max(high, amounts[i].scale());
    }
    if (high - low > 18) return std::nullopt;
    return high;
  }
  // A's coefficient at `scale` (common_scale()), exactly: |result| < 2^127.
  static int128 at_scale(const decimal& a, int scale) {
    const int128 c = a.small_coefficient();
    return a.scale() == scale ? c : c * powers_of_ten<std::uint64_t, 19>()[static_cast<std::size_t>(scale - a.scale())];
  }
  // How eval_horner and eval_fixed walk the flows for x >= 0 (up) or x < 0, found once per
  // direction (the polish evaluates two or three times in the same one): the flows from the
  // highest power of b down (the latest first when x >= 0, as powers count from the earliest; the
  // earliest first otherwise), each with its power and the gap from the flow before split into
  // table indexes, gap mod 64 and gap / 64; and the table entries those indexes need, with every
  // entry they are built from (q & (q - 1), down to a square), so that the tables are built before
  // the walk, without a test a flow. Entries are built in ascending order: each after its factor.
  struct horner_plan {
    static constexpr unsigned low_bits = 6, low_size = 1u << low_bits;
    struct step {
      std::size_t flow;
      std::uint64_t power;  // k: b^k is the flow's discount factor, relative to the reference time
      unsigned low;         // (previous k - k) mod 64
      std::size_t high;     // (previous k - k) / 64
    };
    std::vector<step> steps;         // steps[0] has no gap (low = high = 0)
    std::uint64_t lows = 0;          // bit q: low entry q is built
    std::vector<std::size_t> highs;  // high entries built, ascending
    std::size_t high_count = 1;      // a high table's size: the largest entry + 1
  };
  const horner_plan& plan_for(bool up) const {
    horner_plan& plan = plans_[up ? 1 : 0];
    if (!plan.steps.empty()) return plan;
    const std::size_t count = n_.size();
    std::vector<std::size_t> order(count);  // the flows by time (usually given in that order)
    std::iota(order.begin(), order.end(), std::size_t(0));
    if (!std::is_sorted(n_.begin(), n_.end()))
      std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return n_[i] < n_[j]; });
    if (up) std::reverse(order.begin(), order.end());
    plan.steps.reserve(count);
    const auto span = static_cast<std::uint64_t>(n_max_ - n_min_);
    std::vector<std::uint64_t> highs(static_cast<std::size_t>((span >> horner_plan::low_bits) / 64 + 1), 0);  // bit sets
    const std::int64_t reference = up ? n_min_ : n_max_, sign = up ? 1 : -1;
    std::uint64_t previous = static_cast<std::uint64_t>(sign * (n_[order[0]] - reference)), lows = 0;
    for (const std::size_t i : order) {
      const auto k = static_cast<std::uint64_t>(sign * (n_[i] - reference));
      const std::uint64_t gap = previous - k;  // (0 for the first)
      previous = k;
      const auto q = static_cast<unsigned>(gap & (horner_plan::low_size - 1));
      const auto h = static_cast<std::size_t>(gap >> horner_plan::low_bits);
      plan.steps.push_back({i, k, q, h});
      lows |= std::uint64_t(1) << q;
      highs[h / 64] |= std::uint64_t(1) << (h % 64);
    }
    // The entries the indexes name, and those they are built from: from the top down, each
    // entry's factor r & (r - 1) is below it. (Entry 0, b^0, is never built.)
    for (std::uint64_t pending = lows & ~std::uint64_t(1); pending != 0;) {
      const unsigned r = 63 - static_cast<unsigned>(__builtin_clzll(pending)), below = r & (r - 1);
      pending &= ~(std::uint64_t(1) << r);
      if (below != 0 && !((lows >> below) & 1)) pending |= std::uint64_t(1) << below;
      lows |= std::uint64_t(1) << below;
    }
    plan.lows = lows & ~std::uint64_t(1);
    for (std::size_t w = highs.size(); w-- > 0;) {
      for (std::uint64_t pending = highs[w] & (w == 0 ? ~std::uint64_t(1) : ~std::uint64_t(0)); pending != 0;) {
        const auto bit = 63 - static_cast<unsigned>(__builtin_clzll(pending));
        pending &= ~(std::uint64_t(1) << bit);
        const std::size_t below = (w * 64 + bit) & (w * 64 + bit - 1);
        if (below / 64 == w && below != 0 && !((highs[w] >> (below % 64)) & 1)) pending |= std::uint64_t(1) << (below % 64);
        highs[below / 64] |= std::uint64_t(1) << (below % 64);
      }
    }
    for (std::size_t w = 0; w < highs.size(); ++w)
      for (std::uint64_t bits = highs[w] & (w == 0 ? ~std::uint64_t(1) : ~std::uint64_t(0)); bits != 0; bits &= bits - 1)
        plan.highs.push_back(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
    plan.high_count = plan.highs.empty() ? 1 : plan.highs.back() + 1;
    return plan;
  }
  // The amounts as whole numbers for eval_fixed, all at the largest scale (as wide_amounts): when
  // every one is a 64-bit coefficient, and their absolute values, so scaled, sum below 2^62 (so
  // that every partial sum of Horner's rule, at most that sum, stays within a fixed_sum's range).
  // Nothing otherwise. Found once (by set_amounts, for amounts at one scale).
  static constexpr uint128 whole_limit = uint128(1) << 62;
  const std::vector<std::int64_t>* whole_amounts() const {
    if (whole_state_ == 0) {
      whole_state_ = -1;
      const std::optional<int> high = common_scale();
      if (!high) return nullptr;
      uint128 total = 0;
      a_whole_.reserve(amounts_->size());
      for (const decimal& a : *amounts_) {
        const int128 v = at_scale(a, *high);
        total += static_cast<uint128>(v < 0 ? -v : v);  // (below 2^62 + 2^127)
        if (total >= whole_limit) return nullptr;
        a_whole_.push_back(static_cast<std::int64_t>(v));
      }
      whole_state_ = 1;
    }
    return whole_state_ == 1 ? &a_whole_ : nullptr;
  }
  // whole_amounts() as doubles: a_d_ itself when they are the coefficients of one scale.
  const std::vector<double>& whole_amounts_double() const {
    if (one_scale_) return a_d_;
    if (whole_double_.empty()) {
      whole_double_.reserve(a_whole_.size());
      for (std::int64_t v : a_whole_) whole_double_.push_back(static_cast<double>(v));
    }
    return whole_double_;
  }
  // The wide amounts' leading doubles: a_d_ itself when they are the coefficients of one scale.
  const std::vector<double>& prepare_wide_doubles(const std::vector<wide_float>& amounts) const {
    if (one_scale_) return a_d_;
    if (amounts_double_.empty()) {
      amounts_double_.reserve(amounts.size());
      for (const wide_float& a : amounts) amounts_double_.push_back(a.to_double());
    }
    return amounts_double_;
  }
  const std::vector<quad>& quad_amounts() const {
    if (a_q_.empty()) {
      a_q_.reserve(amounts_->size());
      for (const decimal& a : *amounts_) a_q_.push_back(to_quad(a));
    }
    return a_q_;
  }
  void finish() {
    if (integral_) {
      const auto [low, high] = std::minmax_element(n_.begin(), n_.end());
      n_min_ = *low;
      n_max_ = *high;
      // What the smallest and largest of times_double() are (a division is monotonic).
      t_min_ = static_cast<double>(n_min_) / static_cast<double>(denominator_);
      t_max_ = static_cast<double>(n_max_) / static_cast<double>(denominator_);
    } else {
      t_min_ = *std::min_element(t_d_.begin(), t_d_.end());
      t_max_ = *std::max_element(t_d_.begin(), t_d_.end());
    }
  }
  // The times as doubles: found by the constructor for exact times that are not whole, and for
  // whole ones only when first needed (spans beyond eval(double)'s tables).
  const std::vector<double>& times_double() const {
    if (t_d_.empty()) {
      t_d_.reserve(n_.size());
      for (std::int64_t v : n_) t_d_.push_back(static_cast<double>(v) / static_cast<double>(denominator_));
    }
    return t_d_;
  }

  std::size_t t_min_index() const { return static_cast<std::size_t>(std::min_element(t_q_.begin(), t_q_.end()) - t_q_.begin()); }
  std::size_t t_max_index() const { return static_cast<std::size_t>(std::max_element(t_q_.begin(), t_q_.end()) - t_q_.begin()); }
  quad to_quad_time(std::size_t i) const { return t_q_[i]; }

  const std::vector<decimal>* amounts_ = nullptr;  // the caller's, alive while the sum is
  const std::vector<ratio>* times_ = nullptr;      // exact times when not integral
  mutable std::vector<quad> a_q_;  // filled by quad_amounts() when a quad evaluation first needs it
  mutable std::vector<wide_float> a_w_;  // the same for wide_amounts()
  // For eval_horner and eval_fixed: their plans (x < 0, x >= 0) and the wide amounts as doubles
  // (each found once).
  mutable std::array<horner_plan, 2> plans_;
  mutable std::vector<double> amounts_double_;
  mutable wide_float reciprocal_denominator_;  // 1 / D, once
  mutable std::vector<std::int64_t> a_whole_;   // whole_amounts()
  mutable std::vector<double> whole_double_;   // whole_amounts_double() (amounts at several scales)
  mutable signed char whole_state_ = 0;        // whole_amounts(): 0 not yet known, 1 found, -1 none
  // The high power tables of eval_horner, eval_fixed and eval(double): scratch space that every
  // evaluation fills afresh (the entries its plan names; only those are read), one per thread and
  // type, kept from one sum to the next to save the allocations (an XIRR of 100 flows made a
  // dozen). No evaluation calls another, so one set per thread serves.
  template <class T>
  struct horner_tables {
    std::vector<T> highs;
    std::vector<double> high_error, high_double;
  };
  template <class T>
  static horner_tables<T>& tables(const T&) {
    thread_local horner_tables<T> kept;
    return kept;
  }
  // A plan's power tables for eval_horner and eval_fixed: entry q of the low table is b^q, entry h
  // of the high one (kept per thread) b^(64 h), each with a bound on its error and its leading
  // double. Entry r is entry r & (r - 1) times the square of r's lowest binary digit; its error is
  // theirs plus the product's rounding (a unit, in the units of the squares' errors).
  template <class T>
  struct power_tables {
    std::array<T, horner_plan::low_size> lows{};
    std::array<double, horner_plan::low_size> low_error{}, low_double{};
    horner_tables<T>* high = nullptr;
  };
  template <bool Fused, class T>
  static void build_power_tables(power_tables<T>& t, const horner_plan& plan, const std::array<T, 64>& squares,
                                 const std::array<double, 64>& square_error) {
    for (std::uint64_t bits = plan.lows; bits != 0; bits &= bits - 1) {
      const auto r = static_cast<unsigned>(__builtin_ctzll(bits)), below = r & (r - 1);
      const auto digit = static_cast<std::size_t>(__builtin_ctz(r));
      t.lows[r] = below == 0 ? squares[digit] : product<Fused>(t.lows[below], squares[digit]);
      t.low_error[r] = below == 0 ? square_error[digit] : t.low_error[below] + square_error[digit] + 1;
      t.low_double[r] = leading(t.lows[r]);
    }
    horner_tables<T>& high = tables(T{});
    t.high = &high;
    if (high.highs.size() < plan.high_count) {
      high.highs.resize(plan.high_count);
      high.high_error.resize(plan.high_count);
      high.high_double.resize(plan.high_count);
    }
    for (const std::size_t r : plan.highs) {
      const std::size_t below = r & (r - 1);
      const auto digit = horner_plan::low_bits + static_cast<std::size_t>(__builtin_ctzll(r));
      high.highs[r] = below == 0 ? squares[digit] : product<Fused>(high.highs[below], squares[digit]);
      high.high_error[r] = below == 0 ? square_error[digit] : high.high_error[below] + square_error[digit] + 1;
      high.high_double[r] = leading(high.highs[r]);
    }
  }
  // b^gap for a step with a gap (low or high not 0): its value, error bound and leading double.
  template <bool Fused, class T>
  static void power_of_step(const power_tables<T>& t, const horner_plan::step& step, T& power, double& error,
                            double& leading_double) {
    const unsigned q = step.low;
    const std::size_t h = step.high;
    const horner_tables<T>& high = *t.high;
    if (q != 0 && h != 0) {
      power = product<Fused>(t.lows[q], high.highs[h]);
      error = t.low_error[q] + high.high_error[h] + 1;
      leading_double = t.low_double[q] * high.high_double[h];
    } else if (q != 0) {
      power = t.lows[q];
      error = t.low_error[q];
      leading_double = t.low_double[q];
    } else {
      power = high.highs[h];
      error = high.high_error[h];
      leading_double = high.high_double[h];
    }
  }
  static std::vector<double>& highs_double() {
    thread_local std::vector<double> kept;
    return kept;
  }
  mutable std::vector<precise> a_p_;  // the same for eval_precise
  std::vector<quad> t_q_;
  std::vector<double> a_d_;
  mutable std::vector<double> t_d_;  // see times_double()
  mutable std::vector<double_double> a_dd_;  // see dd_amounts()
  mutable signed char dd_amounts_are_doubles_ = -1;  // every amount's double-double has a zero low part; -1: not known yet
  bool amounts_in_range_ = true;
  bool one_scale_ = false;  // every amount a 64-bit coefficient at one scale (set_amounts)
  double t_min_ = 0, t_max_ = 0;
  bool integral_ = false;
  std::int64_t denominator_ = 1, n_min_ = 0, n_max_ = 0;
  std::vector<std::int64_t> n_;
};

void check_rate(const decimal& rate, const std::string& where) {
  if (rate <= decimal(-1))
    throw invalid_input("rate " + rate.to_string() + " must be greater than -1 (100% loss per period)", where);
}

void check_flows(std::size_t amounts, std::size_t times, const std::string& where) {
  if (amounts == 0) throw invalid_input("no cash flows (amounts is empty)", where);
  if (amounts != times)
    throw invalid_input(std::to_string(amounts) + " amounts but " + std::to_string(times) + " dates", where);
}

}  // namespace

// The factors of one rate: x = ln(1 + rate) and e^(-t x) by t.
struct discount_memo_scope::memo {
  struct of_rate {
    decimal rate;
    quad x;
    std::map<ratio, quad> factors;
  };
  std::vector<of_rate> rates;
  // Two-flow roots: (first amount, its scale, second amount, its scale, time between, digits).
  // Amounts of 64-bit coefficients and times of 64-bit parts, nearly all, are kept in a hash table
  // of their parts (a lookup in the ordered map compared decimals a dozen times, 7% of a sweep);
  // any other in the ordered map.
  using two_flow_key = std::tuple<decimal, int, decimal, int, ratio, int>;
  std::map<two_flow_key, decimal> two_flow_roots;
  struct small_two_flow_key {
    std::int64_t a, b, dt_numerator, dt_denominator;
    int a_scale, b_scale, digits;
    bool operator==(const small_two_flow_key& o) const {
      return a == o.a && b == o.b && dt_numerator == o.dt_numerator && dt_denominator == o.dt_denominator &&
             a_scale == o.a_scale && b_scale == o.b_scale && digits == o.digits;
    }
  };
  struct small_key_hash {
    std::size_t operator()(const small_two_flow_key& k) const {
      std::uint64_t h = 0x9e3779b97f4a7c15ULL;
      for (const std::uint64_t part : {static_cast<std::uint64_t>(k.a), static_cast<std::uint64_t>(k.b),
                                       static_cast<std::uint64_t>(k.dt_numerator),
                                       static_cast<std::uint64_t>(k.dt_denominator),
                                       static_cast<std::uint64_t>(k.a_scale) << 40 ^
                                           static_cast<std::uint64_t>(k.b_scale) << 20 ^
                                           static_cast<std::uint64_t>(k.digits)}) {
        h = (h ^ part) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
      }
      return static_cast<std::size_t>(h);
    }
  };
  std::unordered_map<small_two_flow_key, decimal, small_key_hash> small_two_flow_roots;
  std::size_t size = 0;

  // A bound, so that a thread discounting at ever new rates or dates keeps a bounded memo: a
  // full memo keeps what it has for the rest of a sum (further factors are computed, not kept)
  // and starts afresh at the next sum.
  static constexpr std::size_t max_size = 4096;

  void clear_when_full() {
    if (size >= max_size) {
      rates.clear();
      two_flow_roots.clear();
      small_two_flow_roots.clear();
      size = 0;
    }
  }

  // Called once at the start of a sum; the reference stays valid until the next call.
  of_rate& at(const decimal& rate) {
    clear_when_full();
    // The same value at another scale (0.08, 0.080) is very likely the same quad, but not
    // provably for every scale: kept apart.
    for (of_rate& r : rates)
      if (r.rate == rate && r.rate.scale() == rate.scale()) return r;
    ++size;
    return rates.emplace_back(of_rate{rate, quad_log1p(to_quad(rate)), {}});
  }
  // e^(-t x), the same expression as discounted_sum's.
  quad factor(of_rate& r, const ratio& t) {
    auto it = r.factors.find(t);
    if (it != r.factors.end()) return it->second;
    const quad f = quad_exp(-to_quad(t) * r.x);
    if (size < max_size) {
      ++size;
      r.factors.emplace(t, f);
    }
    return f;
  }
};

namespace {
thread_local discount_memo_scope::memo* active_memo = nullptr;

// compute() (a two-flow root of a, b at dt apart) through the active memo, if any: a kept root is
// the very value computed.
template <class Compute>
std::optional<decimal> remembered_two_flow_root(const decimal& a, const decimal& b, const ratio& dt, int digits,
                                                Compute compute) {
  discount_memo_scope::memo* const memo = active_memo;
  if (!memo) return compute();
  memo->clear_when_full();
  if (a.is_small() && b.is_small() && dt.is_small()) {
    const discount_memo_scope::memo::small_two_flow_key key{a.small_coefficient(), b.small_coefficient(),
                                                             dt.small_numerator(), dt.small_denominator(),
                                                             a.scale(), b.scale(), digits};
    if (auto it = memo->small_two_flow_roots.find(key); it != memo->small_two_flow_roots.end()) return it->second;
    std::optional<decimal> root = compute();
    if (root) {
      memo->small_two_flow_roots.emplace(key, *root);
      ++memo->size;
    }
    return root;
  }
  discount_memo_scope::memo::two_flow_key key{a, a.scale(), b, b.scale(), dt, digits};
  if (auto it = memo->two_flow_roots.find(key); it != memo->two_flow_roots.end()) return it->second;
  std::optional<decimal> root = compute();
  if (root) {
    memo->two_flow_roots.emplace(std::move(key), *root);
    ++memo->size;
  }
  return root;
}
}  // namespace

discount_memo_scope::discount_memo_scope() : memo_(std::make_unique<memo>()), outer_(active_memo) {
  active_memo = memo_.get();
}

discount_memo_scope::~discount_memo_scope() { active_memo = outer_; }

decimal discounted_sum(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<ratio>& times,
                       int digits, const std::string& where) {
  check_digits(digits, where);
  check_flows(amounts.size(), times.size(), where);
  check_rate(rate, where);
  discount_memo_scope::memo* const memo = active_memo;
  discount_memo_scope::memo::of_rate* remembered = memo ? &memo->at(rate) : nullptr;
  const quad x = remembered ? remembered->x : quad_log1p(to_quad(rate));
  quad sum = 0;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    if (amounts[i].is_zero()) continue;
    if (times[i].is_zero()) {
      sum += to_quad(amounts[i]);  // e^0: no exponential needed for a flow on the valuation date
      continue;
    }
    const quad factor = remembered ? memo->factor(*remembered, times[i]) : quad_exp(-to_quad(times[i]) * x);
    sum += to_quad(amounts[i]) * factor;
  }
  return to_decimal(sum, digits, where);
}

namespace {

void check_root_inputs(const std::vector<decimal>& amounts, std::size_t times, const decimal& guess, int digits,
                       const std::string& where) {
  check_digits(digits, where);
  check_flows(amounts.size(), times, where);
  if (guess <= decimal(-1)) throw invalid_input("guess " + guess.to_string() + " must be greater than -1", where);
  bool positive = false, negative = false;
  for (const decimal& a : amounts) {
    positive = positive || a.signum() > 0;
    negative = negative || a.signum() < 0;
  }
  if (!positive || !negative)
    throw no_solution(std::string("the amounts must include a positive and a negative one (all are ") +
                          (positive ? "positive" : negative ? "negative" : "zero") + "): no rate makes them worth zero",
                      where);
}

// Newton steps at 100 digits from the best root found so far, when quad's could not settle or its
// root might round wrongly (see eval_precise): each step costs ~3n products at 100 digits (n
// exponentials for times off a whole grid), and only these rare flows pay it. The root is
// accurate to far beyond 33 digits, so the rate e^x - 1 is rounded straight from 100 digits,
// half-even to `digits` significant digits as to_decimal rounds a quad: not through a quad,
// whose own rounding could tip a value this path is taken for, one near a rounding boundary.
decimal polish_root_precisely(const exponential_sum& sum, quad x0, int digits, const std::string& where) {
  const double hi = static_cast<double>(x0);
  precise x = precise(hi) + precise(static_cast<double>(x0 - static_cast<quad>(hi)));
  for (int i = 0; i < 60; ++i) {
    const auto [f, df] = sum.eval_precise(x);
    if (f == 0) break;
    if (df == 0) throw no_solution("the rate iteration did not converge (a flat present value at the root)", where);
    const precise dx = f / df;
    x -= dx;
    if (abs(dx) <= abs(x) * precise("1e-60") || abs(dx) < precise("1e-90")) break;
    if (i == 59) throw no_solution("the rate iteration did not converge to 28 significant digits", where);
  }
  precise r = expm1(x);
  if (r == 0) return decimal();
  const bool negative = r < 0;
  if (negative) r = -r;
  int k = digits - 1 - static_cast<int>(std::floor(std::log10(static_cast<double>(r))));
  precise y = r * pow(precise(10), k);
  if (y >= pow(precise(10), digits)) {
    y /= 10;
    --k;
  } else if (y < pow(precise(10), digits - 1)) {
    y *= 10;
    ++k;
  }
  big_int whole = static_cast<big_int>(floor(y));
  const precise rest = y - precise(whole);
  if (rest > precise(0.5) || (rest == precise(0.5) && (whole & 1) != 0)) ++whole;
  while (k > 0 && whole != 0 && whole % 10 == 0) {
    whole /= 10;
    --k;
  }
  if (negative) whole = -whole;
  if (k >= 0) return k > decimal::max_scale ? decimal() : decimal::from_parts(whole, k);
  return decimal::from_parts(whole * detail::big_pow10(-k), 0);
}

// How far a root found in double-double or quad may be from the true one, in multiples of the
// estimated error of f over |f'| (eval_powers). The estimate treats the roundings as independent
// and typical, and counts each shared rounding (a square's, a table entry's) once for all the
// terms it falls on. Measured with the powers and the sum as they are now against 60-digit roots,
// over random flows of two shapes (100 mixed flows over ten years; an investment and up to 60
// flows of a cent to 10^12 over one to 60 years): the actual error was at most 1.46 times the
// estimate in 20,000 (before the sum was made error-free) and 1.38 in 12,000 (after), so 4 leaves
// a margin of 2.7. The end-to-end check is XirrPrecision.RandomFlowsAreCorrectlyRounded
// (tests/cpp/test_double_double.cpp): a root let through wrongly would round wrongly there.
constexpr double error_factor = 4;

// Newton steps in double-double from the double root x0. Returns the root and a bound on its
// error, or nothing when the steps do not settle within 8 steps (the caller then uses quad).
// (Amounts that wide_float takes skip this polish: see solve.)
std::optional<std::pair<double_double, double>> polish_root_double_double(const exponential_sum& sum, double x0) {
  double_double x{x0, 0};
  for (int i = 0; i < 8; ++i) {
    const auto v = sum.eval(x);
    if (!(v.df != 0) || !std::isfinite(v.df) || !std::isfinite(v.f.hi) || !std::isfinite(v.d2f)) return std::nullopt;
    const double_double dx = v.f / v.df;
    x = x - dx;
    const double size = std::fabs(dx.hi), noise = v.error / std::fabs(v.df);
    // Converged when the step is below double-double's resolution or within the noise of f: the
    // step is then exact enough (f' errs by ~1e-15 of itself), and the error is f's noise.
    if (size <= std::fabs(x.hi) * 1e-31 || size <= noise)
      return std::pair{x, error_factor * noise + 1e-3 * size};
    // Or when the step just taken leaves an error far below the noise: a Newton step from an
    // error e leaves |f'' / 2f'| e^2 (e is the step's size to within that much), so from a
    // root good to 1e-13 the second step ends the polish without a third evaluation. Counted
    // 100 times over for the terms of higher order and f'' being a double; f' in double adds
    // ~1e-16 of the step.
    const double left = 100 * std::fabs(v.d2f / (2 * v.df)) * size * size + 1e-14 * size;
    if (i > 0 && left <= noise) return std::pair{x, error_factor * noise + left};
  }
  return std::nullopt;
}

// Whether every number within `radius` of `value` rounds (half-even, to `digits` significant
// digits, as to_decimal does) to the same decimal as `value`: then rounding `value` gives the
// correctly rounded result although `value` is only known to within `radius`.
bool rounds_alike(quad value, double radius, int digits) {
  if (!quad_finite(value) || !(radius >= 0) || !std::isfinite(radius)) return false;
  if (value == 0) return radius == 0;
  const quad a = quad_abs(value);
  const double approx = static_cast<double>(a);
  if (!(approx > 1e-300) || !(approx < 1e300)) return false;
  const int k = digits - 1 - static_cast<int>(std::floor(std::log10(approx)));
  const quad scale = quad_pow10(k);  // 10^k (a reciprocal when k < 0: the check is margin-based)
  const quad y = a * scale;
  const double rho = static_cast<double>(static_cast<quad>(radius) * scale);
  // The interval stays within one decade (k unchanged) and away from a half-unit (the rounding).
  const quad low = quad_pow10(digits - 1), high = quad_pow10(digits);
  if (!(rho < 0.25) || y - rho <= low || y + rho >= high - 1) return false;
  const quad whole = static_cast<quad>(static_cast<uint128>(y));
  const double frac = static_cast<double>(y - whole);
  return std::fabs(frac - 0.5) > rho;
}

// The rate e^root - 1 rounded to `digits`, when every rate within `error` of the root (in x) rounds
// alike; nothing otherwise. e^x - 1 errs by e^x times x's error, plus a few units of
// quad_expm1's 2^-113 (in quad, not double-double: expm1_small's 2^-101 would be a third of the
// radius).
std::optional<decimal> rate_if_settled(quad root, double error, int digits, const std::string& where) {
  const quad r = quad_expm1(root);
  const double radius = error * (1 + static_cast<double>(r)) + std::fabs(static_cast<double>(r)) * 0x1p-109;
  if (!rounds_alike(r, radius, digits)) return std::nullopt;
  return to_decimal(r, digits, where);
}

// A Newton step in quad from `start`, a root already good to 1e-20 or better, with f evaluated
// in wide_float when the amounts allow (in quad otherwise: see eval(quad)), and the rate it gives
// when every rate within the step's estimated error rounds alike (nothing otherwise). The error:
// the estimated noise of f over |f'| times the factor above, plus what the step leaves behind (f'
// is a double, 1e-16 of the step; the curvature, |f''/2f'| times the step squared, is far below
// that for so small a step), counted as 1e-12 of the step.
std::optional<decimal> settle_in_quad(const exponential_sum& sum, quad start, int digits, const std::string& where) {
  double noise = 0;
  const auto [f, df] = sum.eval(start, &noise);
  if (!(df != 0) || !quad_finite(f) || !quad_finite(df)) return std::nullopt;
  const quad step = f / df;
  const double size = std::fabs(static_cast<double>(step)), slope = std::fabs(static_cast<double>(df));
  if (!(size <= 1e-20 * std::max(1.0, std::fabs(static_cast<double>(start))))) return std::nullopt;
  return rate_if_settled(start - step, error_factor * noise / slope + 1e-12 * size, digits, where);
}

// The rate e^root - 1 rounded to `digits`, when every rate within `error` of the root (in x) rounds
// alike; nothing otherwise. In wide_float for |root| <= 0.36 (wide_expm1's range): e^x - 1 errs
// by e^x times x's error plus wide_expm1's few units. Otherwise, and for rates the wide check
// cannot scale, through quad (rate_if_settled above), the root's rounding to quad included.
std::optional<decimal> rate_if_settled(const wide_float& root, double error, int digits, const std::string& where) {
  const double x = root.to_double();
  if (std::fabs(x) <= 0.36) {
    const wide_float r = wide_expm1(root);
    const double rate = r.to_double();
    const double radius =
        error * (1 + rate) * (1 + 1e-12) + std::fabs(rate) * wide_expm1_error_units(x) * 0x1p-127 * (1 + 1e-12);
    if (!r.is_zero() && digits <= 38) {
      const double magnitude = std::floor(std::log10(std::fabs(rate)));
      const int k = digits - 1 - static_cast<int>(magnitude);
      if (k >= 1 && k <= 53) return wide_rounded_to_digits(r, radius, digits);
    }
  }
  return rate_if_settled(root.to_quad(), error + std::fabs(x) * 0x1p-112, digits, where);
}

// A Newton step in wide_float from `start`, a root already good to 1e-20 or better, and the rate
// it gives when every rate within the step's error bound rounds alike; nothing otherwise. `best`
// is set to the root so far, for the 100-digit polish. The error: eval_wide's bound on f's error
// over |f'| (times error_factor, for uniformity with the estimates elsewhere; this one is a
// bound), what the step leaves behind (f' is a double, ~1e-15 of the step; the curvature,
// |f''/2f'| times the step squared, is far below that), counted as 1e-12 of the step, and the
// new root's rounding (half a unit of 2^-126). Where eval_wide does not apply (|x| / D > 0.36),
// the quad step.
std::optional<decimal> settle_in_wide(const exponential_sum& sum, const wide_float& start, int digits,
                                      const std::string& where, quad& best) {
  best = start.to_quad();
  const auto v = sum.eval_wide(start);
  if (!v) return settle_in_quad(sum, best, digits, where);
  const double f = v->f.to_double(), x = start.to_double();
  if (!(v->df != 0) || !std::isfinite(v->df) || !std::isfinite(f)) return std::nullopt;
  const double step = f / v->df, size = std::fabs(step);
  if (!(size <= 1e-20 * std::max(1.0, std::fabs(x)))) return std::nullopt;
  const wide_float root = start + wide_float(-step);
  best = root.to_quad();
  const double error = error_factor * v->error / std::fabs(v->df) + 1e-12 * size + std::fabs(x) * 0x1p-125;
  return rate_if_settled(root, error, digits, where);
}

// A Newton step from the double root `rough` (good to about 1e-11 relative), for settle_in_wide to
// start from, with f in double-double by Horner's rule: the step leaves |f''/2f'| times the error
// squared (about 1e-22 and better; that step asks for 1e-20), plus 1e-16 of the step for f' in
// double. (In fixed point, as settle_in_wide evaluates, it took twice the instructions.) Nothing
// when the step is not that small.
std::optional<wide_float> first_wide_step(const exponential_sum& sum, double rough) {
  const double_double x0{rough, 0};
  const auto v = sum.eval_horner(x0);
  if (!(v.df != 0) || !std::isfinite(v.df) || !std::isfinite(v.f.hi)) return std::nullopt;
  const double_double x = x0 - v.f / v.df;
  if (!(std::fabs(v.f.hi / v.df) <= 1e-11 * std::max(1.0, std::fabs(rough)))) return std::nullopt;
  return wide_float(x.hi) + wide_float(x.lo);  // exact
}

// Whether f keeps the sign of f(x0) (not 0) over [x0, x0 + delta], from f(x0), f'(x0) and a bound
// M on |f''| over that interval (exponential_sum::eval_sums): there f(x0 + u) lies within M u^2 / 2
// of f(x0) + f'(x0) u, so s f (s the sign of f(x0)) is at least s f(x0) + min(0, s f'(x0) delta -
// M delta^2 / 2) (the least of a concave function of u is at an end). The roundings of the three
// sums in double are some 1e-15 of the amounts' absolute sum times the powers of the span (in
// years) that weigh them; 1e-12 of that is the margin.
bool keeps_sign(const exponential_sum::double_sums& at_x0, double span, double delta) {
  if (!(at_x0.f != 0) || !std::isfinite(at_x0.curvature) || !std::isfinite(at_x0.df)) return false;
  const double s = at_x0.f > 0 ? 1 : -1;
  const double least = s * at_x0.f + std::min(0.0, s * at_x0.df * delta - at_x0.curvature * delta * delta / 2);
  const double margin = 1e-12 * at_x0.size * (1 + span * delta + span * span * delta * delta);
  return least > margin;
}

decimal solve(const exponential_sum& sum, const decimal& guess, int digits, const std::string& where) {
  if (sum.t_min() == sum.t_max())
    throw no_solution("all flows fall on one date: no rate, or every rate, makes them worth zero", where);
  double x0 = std::log1p(guess.to_double());
  // The search keeps f' at the bracket's ends (eval finds it anyway): refine_root's first point is
  // then interpolated from both ends' values and slopes, close enough that a Newton step or two
  // finish (three, from the chord). At the guess, a bound on f'' as well: when it shows that f
  // keeps its sign over the grid points above the guess, the search need not evaluate them (it
  // would find no sign change there), and a root below the guess takes one or two evaluations
  // fewer.
  const exponential_sum::double_sums at_guess = sum.eval_sums(x0);
  auto fd = [&](double v) { return v == x0 ? std::pair{at_guess.f, at_guess.df} : sum.eval(v); };
  const double span = sum.t_max() - sum.t_min();
  auto keeps_sign_up_to = [&](double x) { return keeps_sign(at_guess, span, x - x0); };
  auto found = find_sign_change(fd, x0, -40.0, 40.0, keeps_sign_up_to);
  if (!found)
    throw no_solution("no rate between -100% and e^40 - 1 makes the present value change sign", where);
  // The double-double polish converges from a root good to 1e-11 as fast as from one good to
  // 1e-17 (Newton doubles the digits), so the double search stops there: its last digits cost
  // many bisection steps once Newton's steps stall at double's rounding noise. A Newton step that
  // leaves an error below 1e-11 (relative; refine_root estimates it) ends the search without
  // confirming it: the double-double step after it leaves |f''/2f'| times that squared, far below
  // the 1e-20 the wide step asks for (f''/2f' is half a mean time, in years). Should a root be
  // worse than the polish needs, its own check sends it down the slower path below.
  if (const double rough = refine_root(fd, *found, 1e-13, 4e-12, 1e-11, true); sum.double_double_ok(rough)) {
    if (sum.wide_ready()) {
      // One Newton step to about 1e-22 or better, then the step whose error bound decides
      // (settle_in_wide): two quick evaluations, where the double-double polish below takes two
      // to settle a rate in most cases and a wide step after them in the rest.
      if (const auto start = first_wide_step(sum, rough)) {
        quad best = 0;
        if (const auto settled = settle_in_wide(sum, *start, digits, where, best)) return *settled;
        return polish_root_precisely(sum, best, digits, where);
      }
    }
    if (const auto polished = polish_root_double_double(sum, rough)) {
      const auto [root, error] = *polished;
      const quad start = static_cast<quad>(root.hi) + static_cast<quad>(root.lo);  // exact
      if (const auto settled = rate_if_settled(start, error, digits, where)) return *settled;
      // The double-double root is good to ~1e-32, which leaves a rate below 10% within a unit of
      // its 30th digit: one Newton step with f in quad (7 bits more) settles most of those.
      if (const auto settled = settle_in_quad(sum, start, digits, where)) return *settled;
      // Still at a rounding boundary (or ill-conditioned): 100 digits decide, from this root.
      return polish_root_precisely(sum, start, digits, where);
    }
  }
  // The quad path from the full double root, under the same rule.
  const double x = refine_root(fd, *found);
  quad start = x;
  try {
    start = polish_root([&](quad v) { return sum.eval(v); }, x, where);
    if (const auto settled = settle_in_quad(sum, start, digits, where)) return *settled;
  } catch (const no_solution&) {
    // quad's steps did not settle: the 100-digit ones decide, from the double root.
  }
  return polish_root_precisely(sum, start, digits, where);
}

}  // namespace

bool deciding_evaluation(const std::vector<decimal>& amounts, const std::vector<std::int64_t>& numerators,
                         std::int64_t denominator, const wide_float& x, wide_float& value, double& bound) {
  const exponential_sum sum(amounts, numerators, denominator);
  const auto v = sum.eval_wide(x);
  if (!v) return false;
  value = v->f;
  bound = v->error;
  return true;
}

namespace {

// The two non-zero flows when there are exactly two (an investment and one return: the commonest
// case by far), their indexes in order of the input.
std::optional<std::pair<std::size_t, std::size_t>> two_flows(const std::vector<decimal>& amounts) {
  std::optional<std::size_t> first, second;
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    if (amounts[i].is_zero()) continue;
    if (!first)
      first = i;
    else if (!second)
      second = i;
    else
      return std::nullopt;
  }
  if (!second) return std::nullopt;
  return std::pair{*first, *second};
}

// Two flows a (at time 0) and b (at time dt != 0) of opposite signs are worth zero at exactly one
// rate: a + b e^(-dt x) = 0 gives x = ln(-b / a) / dt. ln(-b / a) = log1p(-(a + b) / a), with a + b
// exact, keeps its relative precision when the two nearly cancel (a multiple close to 1). None
// when the root lies outside the range the general search covers, so that case keeps its error.
std::optional<decimal> two_flow_root(const decimal& a, const decimal& b, quad dt, int digits,
                                     const std::string& where) {
  const quad u = -to_quad(a + b) / to_quad(a);
  const quad x = quad_log1p(u) / dt;
  if (!quad_finite(x) || quad_abs(x) > 40) return std::nullopt;
  return to_decimal(quad_expm1(x), digits, where);
}

}  // namespace

decimal discount_rate_root(const std::vector<decimal>& amounts, const std::vector<ratio>& times, const decimal& guess,
                           int digits, const std::string& where) {
  check_root_inputs(amounts, times.size(), guess, digits, where);
  if (auto pair = two_flows(amounts); pair && times[pair->first] != times[pair->second]) {
    const decimal &a = amounts[pair->first], &b = amounts[pair->second];
    const ratio dt = times[pair->second] - times[pair->first];
    if (auto r = remembered_two_flow_root(a, b, dt, digits, [&] { return two_flow_root(a, b, to_quad(dt), digits, where); }))
      return *r;
  }
  return solve(exponential_sum(amounts, times), guess, digits, where);
}

decimal discount_rate_root(const std::vector<decimal>& amounts, std::vector<std::int64_t> numerators,
                           std::int64_t denominator, const decimal& guess, int digits, const std::string& where) {
  check_root_inputs(amounts, numerators.size(), guess, digits, where);
  if (auto pair = two_flows(amounts); pair && numerators[pair->first] != numerators[pair->second]) {
    const decimal &a = amounts[pair->first], &b = amounts[pair->second];
    const std::int64_t days = numerators[pair->second] - numerators[pair->first];
    // The memo's key is the exact time; the quad below is the same for every way of writing it
    // (one correctly rounded division of the same exact quotient).
    if (auto r = remembered_two_flow_root(a, b, ratio(days, denominator), digits, [&] {
          return two_flow_root(a, b, static_cast<quad>(days) / static_cast<quad>(denominator), digits, where);
        }))
      return *r;
  }
  return solve(exponential_sum(amounts, std::move(numerators), denominator), guess, digits, where);
}

}  // namespace detail

namespace {

std::vector<ratio> year_fractions(const std::vector<date>& dates, const date& from, const day_counter& day_count) {
  std::vector<ratio> out;
  out.reserve(dates.size());
  for (const date& d : dates) out.push_back(day_count.year_fraction(from, d));
  return out;
}

void check_dated(const std::vector<decimal>& amounts, const std::vector<date>& dates, const std::string& where) {
  if (amounts.empty()) throw invalid_input("no cash flows (amounts is empty)", where);
  if (amounts.size() != dates.size())
    throw invalid_input(std::to_string(amounts.size()) + " amounts but " + std::to_string(dates.size()) + " dates",
                        where);
  for (std::size_t i = 0; i < dates.size(); ++i)
    if (dates[i].is_special()) throw invalid_input("dates[" + std::to_string(i) + "] is not a calendar date", where);
}

std::vector<ratio> periods(std::size_t count) {
  std::vector<ratio> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.emplace_back(static_cast<long long>(i));
  return out;
}

void split(const std::vector<cash_flow>& flows, std::vector<decimal>& amounts, std::vector<date>& dates,
           const std::string& where) {
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (flows[i].amount.currency() != flows.front().amount.currency())
      throw currency_mismatch("flows[" + std::to_string(i) + "] is in " + std::string(flows[i].amount.currency().code()) +
                                  " but flows[0] is in " + std::string(flows.front().amount.currency().code()) +
                                  ": convert with an explicit FX rate first",
                              where);
    amounts.push_back(flows[i].amount.amount());
    dates.push_back(flows[i].on);
  }
}

}  // namespace

decimal xnpv(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<date>& dates,
             const day_counter& day_count, int digits) {
  check_dated(amounts, dates, "xnpv");
  date first = *std::min_element(dates.begin(), dates.end());
  return detail::discounted_sum(rate, amounts, year_fractions(dates, first, day_count), digits, "xnpv");
}

decimal xnpv_at(const decimal& rate, const std::vector<decimal>& amounts, const std::vector<date>& dates,
                const date& valuation_date, const day_counter& day_count, int digits) {
  check_dated(amounts, dates, "xnpv");
  if (valuation_date.is_special()) throw invalid_input("valuation_date is not a calendar date", "xnpv");
  return detail::discounted_sum(rate, amounts, year_fractions(dates, valuation_date, day_count), digits, "xnpv");
}

decimal xirr(const std::vector<decimal>& amounts, const std::vector<date>& dates, const std::optional<decimal>& guess,
             const day_counter& day_count, int digits) {
  check_dated(amounts, dates, "xirr");
  date first = *std::min_element(dates.begin(), dates.end());
  decimal start = guess.value_or(decimal::from_parts(1, 1));
  std::int64_t denominator = 0;
  switch (day_count.convention()) {
    case day_count_convention::act_365_fixed: denominator = 365; break;
    case day_count_convention::act_360: denominator = 360; break;
    case day_count_convention::thirty_360_bond:
    case day_count_convention::thirty_360_us:
    case day_count_convention::thirty_e_360: denominator = 360; break;
    default: break;
  }
  if (denominator != 0) {
    // Whole days over a fixed denominator: no exact fraction needs building per flow.
    std::vector<std::int64_t> days;
    days.reserve(dates.size());
    for (const date& d : dates) days.push_back(day_count.day_count(first, d));
    return detail::discount_rate_root(amounts, std::move(days), denominator, start, digits, "xirr");
  }
  return detail::discount_rate_root(amounts, year_fractions(dates, first, day_count), start, digits, "xirr");
}

decimal xnpv(const decimal& rate, const std::vector<cash_flow>& flows, const day_counter& day_count, int digits) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "xnpv");
  return xnpv(rate, amounts, dates, day_count, digits);
}

decimal xirr(const std::vector<cash_flow>& flows, const std::optional<decimal>& guess, const day_counter& day_count,
             int digits) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "xirr");
  return xirr(amounts, dates, guess, day_count, digits);
}

decimal npv(const decimal& rate, const std::vector<decimal>& amounts, int digits) {
  if (amounts.empty()) throw invalid_input("no cash flows (amounts is empty)", "npv");
  return detail::discounted_sum(rate, amounts, periods(amounts.size()), digits, "npv");
}

decimal irr(const std::vector<decimal>& amounts, const std::optional<decimal>& guess, int digits) {
  if (amounts.empty()) throw invalid_input("no cash flows (amounts is empty)", "irr");
  return detail::discount_rate_root(amounts, periods(amounts.size()), guess.value_or(decimal::from_parts(1, 1)),
                                    digits, "irr");
}

ratio multiple(const std::vector<decimal>& amounts) {
  decimal in, out;
  for (const decimal& a : amounts) {
    if (a.signum() > 0) in += a;
    if (a.signum() < 0) out -= a;
  }
  if (out.is_zero()) throw invalid_input("no amount was paid out (no negative amount): the multiple is undefined", "multiple");
  return ratio(in) / ratio(out);
}

ratio multiple(const std::vector<cash_flow>& flows) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "multiple");
  return multiple(amounts);
}

std::optional<date> payback_date(const std::vector<decimal>& amounts, const std::vector<date>& dates) {
  check_dated(amounts, dates, "payback_date");
  std::vector<std::size_t> order(amounts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dates[a] < dates[b]; });
  decimal cumulative;
  std::optional<date> since;  // the first date of the current run of non-negative cumulative flow
  for (std::size_t k = 0; k < order.size();) {
    date day = dates[order[k]];
    for (; k < order.size() && dates[order[k]] == day; ++k) cumulative += amounts[order[k]];
    if (cumulative.signum() < 0)
      since.reset();
    else if (!since)
      since = day;
  }
  return since;
}

std::optional<date> payback_date(const std::vector<cash_flow>& flows) {
  std::vector<decimal> amounts;
  std::vector<date> dates;
  split(flows, amounts, dates, "payback_date");
  return payback_date(amounts, dates);
}

}  // namespace stakecalc
