// Double-double arithmetic (detail/double_double.hpp) and the XIRR polish built on it.
//
// Oracles: 50-digit binary floating point (Boost cpp_bin_float<50>), independent of the
// double-double code: the error-free transformations must be exact there, the compound
// operations within a few 2^-106 of the exact result, and XIRR's result must be the 30-digit
// rounding of a root found in the test by Newton steps at 50 digits (to within quad's noise).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "stakecalc/cash_flow.hpp"
#include "stakecalc/detail/double_double.hpp"

namespace {

using namespace stakecalc;
using detail::double_double;
using big_float = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<50>, boost::multiprecision::et_off>;

big_float exact(double_double v) { return big_float(v.hi) + big_float(v.lo); }

// A double with a random significand and an exponent in [-e, e].
double random_double(int e) {
  const double significand = *rc::gen::inRange<std::int64_t>(-(std::int64_t(1) << 53), std::int64_t(1) << 53);
  return std::ldexp(significand, *rc::gen::inRange(-e, e + 1) - 53);
}
double_double random_double_double(int e) {
  const double hi = random_double(e);
  if (hi == 0) return {};
  // lo below half an ulp of hi, normalized as every double-double is.
  return detail::quick_two_sum(hi, std::ldexp(random_double(0), std::ilogb(hi) - 54));
}

bool within(const big_float& computed, const big_float& truth, const big_float& scale, double units) {
  return abs(computed - truth) <= abs(scale) * big_float(std::ldexp(units, -106));
}

RC_GTEST_PROP(DoubleDouble, TwoSumAndTwoProductAreExact, ()) {
  const double a = random_double(200), b = random_double(200);
  const double_double s = detail::two_sum(a, b);
  RC_ASSERT(exact(s) == big_float(a) + big_float(b));
  RC_ASSERT(s.hi == a + b);
  const double_double p = detail::two_prod(a, b);
  RC_ASSERT(exact(p) == big_float(a) * big_float(b));
  RC_ASSERT(p.hi == a * b);
}

RC_GTEST_PROP(DoubleDouble, OperationsErrByAFewUnitsOf2ToTheMinus106, ()) {
  const double_double a = random_double_double(100), b = random_double_double(100);
  const double c = random_double(100);
  const big_float sum = exact(a) + exact(b), product = exact(a) * exact(b);
  // Addition: relative to the result, however much a and b cancel.
  RC_ASSERT(within(exact(a + b), sum, sum, 3));
  RC_ASSERT(within(exact(a - b), exact(a) - exact(b), exact(a) - exact(b), 3));
  RC_ASSERT(within(exact(a + c), exact(a) + big_float(c), exact(a) + big_float(c), 3));
  RC_ASSERT(within(exact(a * b), product, product, 6));
  RC_ASSERT(within(exact(a * c), exact(a) * big_float(c), exact(a) * big_float(c), 4));
  if (c != 0) RC_ASSERT(within(exact(a / c), exact(a) / big_float(c), exact(a) / big_float(c), 6));
}

// The XIRR polish adds each amount as a plain double when every amount's low part is zero
// (src/cash_flow.cpp, eval_horner): that must give the very same double-double as the full sum,
// not merely a close one, so that the polish does not depend on which form ran.
RC_GTEST_PROP(DoubleDouble, AddingADoubleIsTheFullSumWithAZeroLowPart, ()) {
  const double_double a = random_double_double(100);
  const double c = *rc::gen::element(random_double(100), std::round(random_double(60)), -a.hi, a.hi * 0.5);
  const double_double shortcut = a + c, full = a + double_double{c, 0.0};
  RC_ASSERT(shortcut.hi == full.hi);
  RC_ASSERT(shortcut.lo == full.lo);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The product the XIRR polish uses on processors with fused multiply-add, compiled for them as
// the library's copy is (src/cash_flow.cpp, eval_horner_fused).
__attribute__((target("fma"))) double_double fused_product(double_double a, double_double b) {
  return detail::multiply_fused(a, b);
}

// It must be operator*'s very result, not merely as close: both exact products, then the same
// operations. (A sum fused by the compiler, as GCC does by default outside ISO mode, breaks it.)
RC_GTEST_PROP(DoubleDouble, TheFusedProductIsThePlainProduct, ()) {
  if (!__builtin_cpu_supports("fma")) RC_SUCCEED("this processor has no fused multiply-add");
  const double_double a = random_double_double(200), b = random_double_double(200);
  const double_double fused = fused_product(a, b), plain = a * b;
  RC_ASSERT(fused.hi == plain.hi);
  RC_ASSERT(fused.lo == plain.lo);
}
#endif

RC_GTEST_PROP(DoubleDouble, Expm1SmallIsWithin2ToTheMinus100, ()) {
  // |y| <= 0.36, including tiny values (where e^y - 1 ~ y must keep y's relative precision).
  double_double y = random_double_double(0);
  y = ldexp(y, -*rc::gen::inRange(2, 60));
  if (std::fabs(y.hi) > 0.36) y = ldexp(y, -1);
  RC_PRE(std::fabs(y.hi) <= 0.36 && y.hi != 0);
  const big_float truth = expm1(exact(y));
  RC_ASSERT(within(exact(detail::expm1_small(y)), truth, truth, 32));  // 2^-101: what solve() allows
}

TEST(DoubleDouble, Expm1SmallAtKnownPoints) {
  // At the ends of the range and a typical rate, against Boost's 50-digit expm1.
  EXPECT_TRUE(within(exact(detail::expm1_small({0.1, 0})), expm1(big_float(0.1)), expm1(big_float(0.1)), 32));
  EXPECT_TRUE(within(exact(detail::expm1_small({-0.36, 0})), expm1(big_float(-0.36)), expm1(big_float(-0.36)), 32));
  EXPECT_EQ(detail::expm1_small({0, 0}).hi, 0.0);
}

TEST(DoubleDouble, NearlyCancellingSumKeepsItsLowPart) {
  // (1 + 2^-80) - 1 = 2^-80 exactly: the low part survives the cancellation of the high parts.
  const double_double a = detail::two_sum(1.0, std::ldexp(1.0, -80));
  const double_double d = a - double_double{1.0, 0.0};
  EXPECT_EQ(d.hi, std::ldexp(1.0, -80));
  EXPECT_EQ(d.lo, 0.0);
}

TEST(DoubleDouble, Int64sAreExact) {
  for (long long v : {0LL, 1LL, -1LL, 9007199254740993LL, -9007199254740993LL, 9223372036854775807LL,
                      -9223372036854775807LL - 1, 123456789012345678LL}) {
    const double_double d = detail::to_double_double(v);
    EXPECT_EQ(exact(d), big_float(v)) << v;
    EXPECT_EQ(d.hi, static_cast<double>(v)) << v;
  }
}

// ---- XIRR against roots found here at 50 digits ----------------------------------------------

// The root of sum a_i (1 + r)^(-days_i / 365), by Newton steps in x = ln(1 + r) at 50 digits from
// the library's own answer (a start within 1e-25 converges in two steps; five are taken).
big_float reference_rate(const std::vector<decimal>& amounts, const std::vector<int>& days, const decimal& start) {
  big_float x = log1p(big_float(start.to_string()));
  for (int step = 0; step < 5; ++step) {
    big_float f = 0, df = 0;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      const big_float t = big_float(days[i]) / 365;
      const big_float term = big_float(amounts[i].to_string()) * exp(-t * x);
      f += term;
      df -= t * term;
    }
    x -= f / df;
  }
  return expm1(x);
}

// xirr's 30 digits are the rounding of the 50-digit root: off by at most half a unit in the 30th
// digit, plus 1e-32 of the rate (to_decimal scales a quad by 10^k with one more rounding, which can
// tip a value within ~1e-34 of a half-unit). Ill-conditioned flows included (cash_flow.hpp).
void expect_correctly_rounded(const std::vector<decimal>& amounts, const std::vector<int>& days) {
  constexpr int digits = 30;
  std::vector<date> dates;
  for (int day : days) dates.push_back(detail::add_days(date(2000, 1, 1), day));
  const decimal r = xirr(amounts, dates);
  const big_float truth = reference_rate(amounts, days, r);
  const big_float got(r.to_string());
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(static_cast<double>(truth)))));
  const big_float half_unit = big_float(5) * pow(big_float(10), exponent - digits);
  EXPECT_LE(abs(got - truth), half_unit + abs(truth) * big_float("1e-32"))
      << "xirr " << r.to_string() << " vs " << truth.str(40);
}

std::vector<decimal> amounts_of(std::initializer_list<const char*> texts) {
  std::vector<decimal> out;
  for (const char* t : texts) out.push_back(decimal::parse(t));
  return out;
}

TEST(XirrPrecision, NearlyCancellingFlows) {
  // Returns that add up to the investment plus a cent: a rate of ~4e-9 a year, amounts that
  // cancel to 1 part in 10^8. Quad's root is good to 26 digits only; its error bound says so, and
  // the 100-digit polish gives all 30.
  expect_correctly_rounded(amounts_of({"-1000000.00", "250000.00", "250000.00", "250000.00", "250000.01"}),
                           {0, 365, 730, 1095, 1460});
  // Flows of 7,162,000,000 out and in with a few hundred between them.
  expect_correctly_rounded(amounts_of({"-7162000000", "3581000123.45", "-100", "3581000000"}), {0, 200, 400, 700});
}

TEST(XirrPrecision, SmallRateOverSixtyYears) {
  // Found by RandomFlowsAreCorrectlyRounded in CI: eleven flows of 10^10 to 10^12 over 40 years
  // returning 0.03% less than invested. The rate, -1.69e-5, is small against the terms' size, so
  // quad's root (accurate to ~1e-35 absolute) was 0.55 of a unit off in the 30th digit; the
  // 50-digit root is -0.00001687883072315443371179522690424448...
  expect_correctly_rounded(
      amounts_of({"-544918778435.16", "69247114367.08", "55410594220.00", "87484326033.32", "83526327774.55",
                  "81492158562.99", "76342275067.04", "26027779373.09", "10838254514.95", "14653073561.17",
                  "39726630727.75"}),
      {0, 6588, 9191, 6211, 2275, 699, 14560, 13845, 3446, 7361, 7745});
}

TEST(XirrPrecision, FlowsDecadesApart) {
  expect_correctly_rounded(amounts_of({"-1000", "50", "50", "50", "2500"}), {0, 3650, 7300, 14600, 21900});
  expect_correctly_rounded(amounts_of({"-1", "0.5", "0.75"}), {0, 365 * 30, 365 * 60});
}

TEST(XirrPrecision, RatesNearMinus99Percent) {
  // Almost everything lost: 1.23 back on 1,000 after 1 to 2 years.
  expect_correctly_rounded(amounts_of({"-1000", "0.61", "0.62"}), {0, 365, 730});
  expect_correctly_rounded(amounts_of({"-1000", "5", "3", "2"}), {0, 100, 200, 300});
}

TEST(XirrPrecision, HugeAndTinyAmounts) {
  expect_correctly_rounded(amounts_of({"-123456789012345678.90", "50000000000000000", "90000000000000000.01"}),
                           {0, 400, 900});
  expect_correctly_rounded(amounts_of({"-0.000000000123", "0.00000000005", "0.0000000001"}), {0, 31, 400});
  // Amounts beyond the double-double fast path's range take the quad path.
  expect_correctly_rounded(amounts_of({"-1E+120", "6E+119", "6E+119"}), {0, 365, 730});
}

TEST(XirrPrecision, TheBenchmarkShapeOf100MixedFlows) {
  // Deterministic pseudo-random flows like scripts/bench_xirr.py's: an investment, then 99 flows
  // of -5,000 to 35,000 over ten years.
  std::vector<decimal> amounts{decimal::parse("-1000000.00")};
  std::vector<int> days{0};
  std::uint64_t state = 20240101;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int i = 0; i < 99; ++i) {
    amounts.push_back(decimal::from_parts(static_cast<std::int64_t>(next() % 4000001) - 500000, 2));
    days.push_back(30 + static_cast<int>(next() % 3621));
  }
  expect_correctly_rounded(amounts, days);
}

// The polish's two copies (with and without fused multiply-add; see cash_flow.hpp) give the same
// rates: the suite otherwise runs only the copy this processor chooses.
TEST(XirrPrecision, TheSameRatesWithAndWithoutFusedMultiplyAdd) {
  std::uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int set = 0; set < 300; ++set) {
    const int count = 2 + static_cast<int>(next() % 120);
    std::vector<decimal> amounts{decimal::from_parts(-1000000000 - static_cast<std::int64_t>(next() % 1000000), 2)};
    std::vector<date> dates{date(2010, 1, 1)};
    for (int i = 1; i < count; ++i) {
      amounts.push_back(decimal::from_parts(static_cast<std::int64_t>(next() % 4000001) - 500000, 2 + set % 2));
      dates.push_back(detail::add_days(date(2010, 1, 1), 1 + static_cast<int>(next() % 5000)));
    }
    decimal with, without;
    try {
      detail::allow_fused_multiply_add(true);
      with = xirr(amounts, dates);
    } catch (const no_solution&) {
      continue;
    }
    detail::allow_fused_multiply_add(false);
    without = xirr(amounts, dates);
    detail::allow_fused_multiply_add(true);
    EXPECT_EQ(with.to_string(), without.to_string()) << "set " << set;
  }
}

// Random flows of the shapes above: an investment, then 1 to 60 flows (some negative) from a day
// to 60 years later, amounts from a cent to 10^12.
RC_GTEST_PROP(XirrPrecision, RandomFlowsAreCorrectlyRounded, ()) {
  const int count = *rc::gen::inRange(2, 61);
  const int span = *rc::gen::element(365, 3650, 365 * 60);
  const std::int64_t invested = *rc::gen::inRange<std::int64_t>(1, 100000000000000);
  std::vector<decimal> amounts{decimal::from_parts(-invested, 2)};
  std::vector<int> days{0};
  std::int64_t received = 0;
  for (int i = 1; i < count; ++i) {
    const std::int64_t cents = *rc::gen::inRange<std::int64_t>(-invested / (10 * count), 3 * invested / count + 2);
    amounts.push_back(decimal::from_parts(cents, 2));
    days.push_back(*rc::gen::inRange(1, span + 1));
    received += cents;
  }
  RC_PRE(received * 20 >= invested);  // keeps the rate above ~-99.99%: a root 30 digits can hold
  std::vector<date> dates;
  for (int day : days) dates.push_back(detail::add_days(date(2000, 1, 1), day));
  decimal r;
  try {
    r = xirr(amounts, dates);
  } catch (const no_solution&) {
    RC_DISCARD("no sign change to find (negative flows late)");
  }
  const big_float truth = reference_rate(amounts, days, r);
  if (truth == 0) RC_SUCCEED("rate 0");
  const big_float got(r.to_string());
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(static_cast<double>(truth)))));
  const big_float half_unit = big_float(5) * pow(big_float(10), exponent - 30);
  RC_ASSERT(abs(got - truth) <= half_unit + abs(truth) * big_float("1e-32"));
}

}  // namespace
